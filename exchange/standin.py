"""A local stand-in for the national traceability portal (its API is not public): a small real HTTP server.

It records every record it accepts, de-duplicates on `Idempotency-Key`, checks the API key when one is set, and
fails on demand: `fail_next(n, status)` answers the next n requests with `status` (503 by default) and records
nothing; `refuse(record_id, reason)` answers 422 with the reason for that record. Tests start it on a free
loopback port (`with StandIn() as server: server.url`); `python -m exchange.standin PORT` runs it by hand.
"""

from __future__ import annotations

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class StandIn:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, api_key: str = "") -> None:
        self.api_key = api_key
        self.received: dict[str, dict[str, Any]] = {}  # Idempotency-Key -> payload
        self.requests = 0
        self.failures: list[int] = []
        self.refusals: dict[str, str] = {}
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer((host, port), self._handler())
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/records"

    def fail_next(self, n: int, status: int = 503) -> None:
        with self.lock:
            self.failures.extend([status] * n)

    def refuse(self, record_id: str, reason: str) -> None:
        with self.lock:
            self.refusals[record_id] = reason

    def records(self) -> list[dict[str, Any]]:
        with self.lock:
            return list(self.received.values())

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                with outer.lock:
                    outer.requests += 1
                    if outer.failures:
                        status = outer.failures.pop(0)
                        return self._answer(status, {"detail": "stand-in failure on demand"})
                    if outer.api_key and self.headers.get("X-API-Key") != outer.api_key:
                        return self._answer(401, {"detail": "bad API key"})
                    try:
                        payload = json.loads(raw)
                        rid = payload["recordId"]
                    except (ValueError, KeyError, TypeError):
                        return self._answer(400, {"detail": "not a record"})
                    if rid in outer.refusals:
                        return self._answer(422, {"detail": outer.refusals[rid]})
                    key = self.headers.get("Idempotency-Key") or f"{rid}:{payload.get('version')}"
                    duplicate = key in outer.received
                    outer.received.setdefault(key, payload)
                    return self._answer(200, {"id": key, "duplicate": duplicate})

        return Handler

    def start(self) -> StandIn:
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> StandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


if __name__ == "__main__":  # pragma: no cover - by hand
    server = StandIn(port=int(sys.argv[1]) if len(sys.argv) > 1 else 8170)
    print(f"national portal stand-in at {server.url}")
    server.server.serve_forever()

"""Witnessing 30 peers every minute costs < 5 % of one core (issue 23).

A real node (`federation.tests.node`: Django, its SQLite database, its keys) witnesses 30 peer logs. The peers are
served by this script from memory (one HTTP server, a path per peer): each a C2SP log with its own Ed25519 key and
signed identity, growing by `--growth` leaves between rounds, answering checkpoints, consistency proofs and taking
cosignatures. Each round the node fetches 30 checkpoints, verifies their signatures and consistency proofs, cosigns
and posts back; the figure is the node's CPU time per round (getrusage, user + system) over the 60 s between rounds.

    .venv/bin/python bench/federation_witness.py [--peers 30] [--rounds 5] [--growth 200]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# The nodes run with the test settings (PYTEST_VERSION): per-process caches (each node is one process), static files
# served uncollected, checkpoints signed after every commit.
os.environ.setdefault("PYTEST_VERSION", "bench")

from federation.tests.nodes import free_port, migrated_template, start, stop  # noqa: E402
from gs1.canonical import canonical_bytes  # noqa: E402
from ledger import merkle, note  # noqa: E402


class Log:
    def __init__(self, name: str, base_url: str) -> None:
        self.signer_key, self.verifier_key = note.generate_key(name)
        self.name, self.base_url = name, base_url
        self.store = merkle.MemoryHashStore()
        self.lock = threading.Lock()
        self.grow(1)

    def grow(self, n: int) -> None:
        with self.lock:
            start = self.store.size
            self.store.extend([merkle.leaf_hash(f"{self.name} {start + i}".encode()) for i in range(n)])
            size = self.store.size
            self.checkpoint = note.sign_note(
                note.format_checkpoint(self.name, size, self.store.tree_hash()), self.signer_key
            )

    def identity(self) -> str:
        witness = note.generate_witness_key(self.name)[1]
        doc: dict[str, Any] = {
            "type": "truyxuat-node/v1",
            "origin": self.name,
            "name": self.name,
            "base_url": self.base_url,
            "province_code": None,
            "hub": False,
            "ledger_key": self.verifier_key,
            "witness_key": witness,
            "http_signature": {
                "alg": "ed25519",
                "keyid": self.name,
                "public_key": base64.b64encode(hashlib.sha256(self.name.encode()).digest()).decode(),
            },
            "gs1_prefixes": [],
            "glns": [],
        }
        return note.sign_note("truyxuat-node/v1\n" + canonical_bytes(doc).decode() + "\n", self.signer_key)


LOGS: dict[str, Log] = {}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, body: str, ctype: str = "text/plain; charset=utf-8", status: int = 200) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        _, peer, rest = url.path.split("/", 2)
        log = LOGS[peer]
        if rest == ".well-known/truyxuat-node":
            return self._send(log.identity())
        if rest == "ledger/checkpoint":
            return self._send(log.checkpoint)
        if rest == "api/v1/ledger/consistency":
            q = parse_qs(url.query)
            first, second = int(q["first"][0]), int(q["second"][0])
            proof = merkle.consistency_proof(first, second, log.store)
            return self._send(json.dumps({"hashes": [base64.b64encode(h).decode() for h in proof]}), "application/json")
        return self._send("not found", status=404)

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self._send("")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--peers", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--growth", type=int, default=200, help="leaves each peer appends between rounds")
    parser.add_argument("--template", help="a migrated SQLite database (default: migrate one now)")
    args = parser.parse_args()
    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    for i in range(args.peers):
        LOGS[f"p{i}"] = Log(f"peer{i}.bench.test/ledger", f"http://127.0.0.1:{port}/p{i}")
    with tempfile.TemporaryDirectory() as tmp:
        template = args.template or migrated_template(Path(tmp) / "template")
        nodes = start(template, Path(tmp) / "nodes", ["shop"])
        node = nodes["shop"]
        try:
            node.run("add_peers", peers=[{"url": log.base_url, "key": log.verifier_key} for log in LOGS.values()])
            node.run("witness")  # the first sight of each log: no consistency proof yet
            costs = []
            for _ in range(args.rounds):
                for log in LOGS.values():
                    log.grow(args.growth)
                before = node.run("cpu")
                results = node.run("witness")
                costs.append(node.run("cpu") - before)
                assert all(not r["error"] for r in results), results
            worst = max(costs)
            print(f"peers: {args.peers}, rounds: {args.rounds}, growth per round: {args.growth} leaves each")
            print(f"CPU per round: median {sorted(costs)[len(costs) // 2]:.3f} s, worst {worst:.3f} s")
            print(f"share of one core at one round a minute: {worst / 60 * 100:.2f} % (target < 5 %)")
        finally:
            stop(nodes)
            server.shutdown()


if __name__ == "__main__":
    main()

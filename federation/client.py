"""Signed HTTP calls to peers (urllib, a timeout, bounded answers)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings

from federation import signing
from federation.keys import node_keys
from ledger import checkpoints

USER_AGENT = "truyxuat-federation/1"
MAX_ANSWER = 32 * 1024 * 1024


class Unreachable(RuntimeError):
    """The peer did not answer (network, timeout) or answered an error."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def call(method: str, url: str, body: bytes | None = None, accept: str = "application/json") -> bytes:
    headers = {"User-Agent": USER_AGENT, "Accept": accept}
    headers |= signing.sign(method, url, node_keys().http, checkpoints.origin(), body)
    if body is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=float(settings.TRUYXUAT_FEDERATION_TIMEOUT)) as answer:
            data = answer.read(MAX_ANSWER + 1)
    except urllib.error.HTTPError as exc:
        raise Unreachable(f"{method} {url}: HTTP {exc.code}", exc.code) from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise Unreachable(f"{method} {url}: {exc}") from exc
    if len(data) > MAX_ANSWER:
        raise Unreachable(f"{method} {url}: answer too large")
    return bytes(data)


def get_json(url: str) -> Any:
    try:
        return json.loads(call("GET", url))
    except ValueError as exc:
        raise Unreachable(f"GET {url}: not JSON") from exc


def post_json(url: str, payload: Any) -> Any:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    try:
        return json.loads(call("POST", url, body) or b"{}")
    except ValueError as exc:
        raise Unreachable(f"POST {url}: not JSON") from exc


def get_text(url: str) -> str:
    return call("GET", url, accept="text/plain").decode("utf-8", "replace")

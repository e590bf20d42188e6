"""`truyxuat serve` as production runs it: Granian workers on a fresh data dir, a capture over HTTP, a clean stop."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from core.tests.served import migrated_site, server_env, wait_until_serving

ROOT = Path(__file__).resolve().parents[2]
TRUYXUAT = [sys.executable, str(ROOT / "manage.py")]

TOKEN_SCRIPT = """
from accounts.permissions import SYSTEM
from accounts.services import create_api_token
from catalog.models import Organization
org = Organization.objects.create(name="HTX thử", kind="cooperative", tax_code="6100000001", status="approved",
    gs1_company_prefix="8931234")
print(create_api_token(actor=SYSTEM, organization=org, name="serve test")[1])
"""

EVENT = {
    "@context": ["https://ref.gs1.org/standards/epcis/epcis-context.jsonld"],
    "type": "ObjectEvent",
    "eventTime": "2026-11-20T08:00:00+07:00",
    "eventTimeZoneOffset": "+07:00",
    "action": "ADD",
    "bizStep": "commissioning",
    "epcList": [],
    "quantityList": [{"epcClass": "urn:epc:class:lgtin:8931234.000001.SERVE-1", "quantity": 10, "uom": "KGM"}],
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _request(url: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, Any, bytes]:
    req = urllib.request.Request(url, data=data, headers=headers or {}, method="POST" if data else "GET")
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


@pytest.fixture
def served(tmp_path: Path, django_db_setup: None):  # the test database is the template (served.py)
    env = server_env(tmp_path, "serve-test") | {"TRUYXUAT_DATABASE_URL": ""}  # SQLite in the data dir
    env |= migrated_site(tmp_path, env, "serve")
    setup_env = env | {"TRUYXUAT_DEBUG": "1"}
    token = (
        subprocess.run(
            [*TRUYXUAT, "shell", "--no-imports", "-c", TOKEN_SCRIPT],
            env=setup_env,
            check=True,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )  # the shell may print a banner first
    port = _free_port()
    server = subprocess.Popen(
        [*TRUYXUAT, "serve", "--port", str(port), "--workers", "2", "--threads", "2"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, server)
        yield base, token, server
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def test_serve_captures_over_http_and_stops_on_sigterm(served):
    base, token, server = served
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/ld+json"}

    status, headers, _body = _request(base + "/epcis/events", json.dumps(EVENT).encode(), auth)
    assert status == 201
    location = headers["Location"]
    assert location.startswith("/epcis/events/ni%3A%2F%2F%2Fsha-256%3B")

    status, _headers, body = _request(base + location, headers={"Authorization": f"Bearer {token}"})
    assert status == 200
    stored = json.loads(body)
    assert stored["quantityList"] == EVENT["quantityList"]
    assert location == "/epcis/events/" + quote(stored["eventID"], safe="")
    assert _request(base + "/epcis/events", json.dumps(EVENT).encode(), auth)[0] == 409  # the same event again

    status, _headers, body = _request(base + "/epcis/events", b"{}", {"Content-Type": "application/ld+json"})
    assert status == 401
    assert json.loads(body)["title"] == "Chưa xác thực / Unauthorized"

    css = _request(base + "/static/truyxuat/site.css")
    assert css[0] == 200 and css[1]["Content-Type"].startswith("text/css")  # collected and served by whitenoise

    os.killpg(server.pid, signal.SIGTERM)
    assert server.wait(timeout=40) == 0
    assert b"truyxuat: http://127.0.0.1:" in server.stdout.read()  # type: ignore[union-attr]

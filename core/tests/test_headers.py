"""Security headers on every kind of answer: CSP, Permissions-Policy, COOP, Referrer-Policy; HSTS and the HTTPS
redirect only with TRUYXUAT_HTTPS=1 (checked in a separate process, since the settings read it at start-up)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import caches

from core.headers import DENIED_FEATURES, permissions_policy

ROOT = Path(__file__).resolve().parents[2]


def _directives(header: str) -> dict[str, str]:
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] for part in header.split("; ")}


EXPECTED = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "style-src-attr": "'unsafe-inline'",
    "img-src": "'self' data: blob:",
    "media-src": "'self' blob:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "worker-src": "'self'",
    "manifest-src": "'self'",
    "object-src": "'none'",
    "frame-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def _assert_security_headers(response, grants: frozenset[str] = frozenset()) -> None:
    assert _directives(response["Content-Security-Policy"]) == EXPECTED
    policy = dict(item.split("=") for item in response["Permissions-Policy"].split(", "))
    assert set(policy) == set(DENIED_FEATURES)
    assert {f for f, v in policy.items() if v == "(self)"} == grants
    assert {v for f, v in policy.items() if f not in grants} == {"()"}
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response  # TRUYXUAT_HTTPS is off here


@pytest.fixture
def lot(db):
    from portal.tests.factories import published_lot

    caches["portal"].clear()
    yield published_lot()
    caches["portal"].clear()


def test_consumer_lot_page(client, lot):
    response = client.get(f"/01/{lot.product.gtin}/10/{lot.lot_code}", HTTP_HOST="testserver")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    _assert_security_headers(response, grants=frozenset({"geolocation"}))
    # the page itself runs no inline script: every executable <script> has a src
    html = response.content.decode()
    assert "<script>" not in html
    assert " onclick=" not in html


def test_scan_page_may_use_the_camera(client, db):
    response = client.get("/scan")
    assert response.status_code == 200
    _assert_security_headers(response, grants=frozenset({"camera"}))


def test_api_json_answer(client, lot):
    response = client.get("/api/v1/products")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    _assert_security_headers(response)


def test_epcis_answer(client, db):
    response = client.get("/epcis/events")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    _assert_security_headers(response)
    response = client.get("/epcis/events/urn:uuid:00000000-0000-4000-8000-000000000000")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    _assert_security_headers(response)


def test_error_page(client, db):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    _assert_security_headers(response)


def test_permissions_policy_grants_by_url_name():
    assert "microphone=(self)" in permissions_policy("workspace:diary")
    assert "geolocation=(self)" in permissions_policy("workspace:diary")
    assert "camera=()" in permissions_policy("workspace:diary")
    assert "camera=(self)" in permissions_policy("scan")
    assert "(self)" not in permissions_policy("home")
    assert "(self)" not in permissions_policy(None)


def _run_with_https(https: bool, tmp_path: Path, code: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRUYXUAT_", "PYTEST_", "DJANGO_"))}
    env.update(
        TRUYXUAT_SECRET_KEY="k" * 20 + "-Zq8%vN3@xR7!mT2#pL9&bW5*cY1^dH6(fJ4)gK0",
        TRUYXUAT_DATA_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="truyxuat.settings",
    )
    if https:
        env["TRUYXUAT_HTTPS"] = "1"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    return result.stdout + result.stderr


CLIENT = """
import django; django.setup()
from django.test import Client
c = Client()
r = c.get("/api/openapi.json", HTTP_HOST="localhost")
print("plain api", r.status_code, r.get("Location"))
r = c.get("/healthz", HTTP_HOST="localhost")
print("plain healthz", r.status_code, r.get("Strict-Transport-Security"))
r = c.get("/healthz", HTTP_HOST="localhost", HTTP_X_FORWARDED_PROTO="https")
print("https healthz", r.status_code, r.get("Strict-Transport-Security"))
"""


def test_hsts_and_redirect_only_with_https(tmp_path):
    on = _run_with_https(True, tmp_path / "on", CLIENT)
    assert "plain api 301 https://localhost/api/openapi.json" in on
    assert "plain healthz 200 None" in on  # load balancers' plain probe; no HSTS over plain HTTP
    assert "https healthz 200 max-age=31536000; includeSubDomains" in on  # a year, subdomains, no preload
    off = _run_with_https(False, tmp_path / "off", CLIENT)
    assert "https healthz 200 None" in off
    assert "plain healthz 200 None" in off
    assert "plain api 200 None" in off


def test_check_deploy_has_no_hsts_or_redirect_warning_with_https(tmp_path):
    code = "import sys; sys.argv = ['truyxuat', 'check', '--deploy']; from truyxuat.manage import main; main()"
    on = _run_with_https(True, tmp_path / "on", code)
    assert "security.W004" not in on
    assert "security.W008" not in on
    assert "System check identified" in on or "no issues" in on
    off = _run_with_https(False, tmp_path / "off", code)
    assert "security.W004" in off
    assert "security.W008" in off

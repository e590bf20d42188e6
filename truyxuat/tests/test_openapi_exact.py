"""/api/openapi.json is the API (issue 19, item 8).

Every read operation of the document (public, workspace, oversight, ledger, EPCIS) is called with real data by the
caller it is for, and its answer checked against the document: the status is one it lists, the media type one it
lists for that status, the body valid under its schema (JSON Schema 2020-12, the document's components resolved).
Two schema classes never share a component name (a second `LotOut` silently replaced the first: the public lots were
described by the workspace's model); every route of the EPCIS binding is described or named in `UNDESCRIBED`;
`limit`/`offset` are honoured and bounded on the public lists.
"""

from __future__ import annotations

import datetime as dt
import json
import typing
from collections import defaultdict
from typing import Any
from urllib.parse import quote

import jsonschema
import pytest
from django.urls import URLPattern, get_resolver
from pydantic import BaseModel

from accounts.services import create_api_token
from catalog.tests.factories import LotFactory, ProductFactory
from core.params import MAX_OFFSET, MAX_PAGE_SIZE
from events.tests.epcis._conformance import EPCIS
from events.views_discovery import KINDS
from portal.tests.factories import published_lot
from truyxuat.api import api
from truyxuat.openapi import EPCIS_PATHS

VALUES = ("eventType", "epc", "bizStep", "bizLocation", "readPoint", "disposition")

pytestmark = pytest.mark.django_db

BINDING = EPCIS / "REST-Bindings" / "openapi.json"
# version negotiation headers (GS1-EPCIS-Min/Max, GS1-CBV-Min/Max, GS1-CBV-XML-Format): one version is served
GS1_VERSION_HEADERS = {"GS1-EPCIS-Min", "GS1-EPCIS-Max", "GS1-CBV-Min", "GS1-CBV-Max", "GS1-CBV-XML-Format"}

# Every route of events/urls.py by URL name: the document's paths that describe it.
ROUTES = {
    "capture": {"/epcis/capture"},
    "capture-job": {"/epcis/capture/{captureID}"},
    "capture-original": {"/epcis/capture/{captureID}/original"},
    "events": {"/epcis/events"},
    "event": {"/epcis/events/{eventID}"},
    "queries": {"/epcis/queries"},
    "query": {"/epcis/queries/{queryName}"},
    "query-events": {"/epcis/queries/{queryName}/events"},
    "subscriptions": {"/epcis/queries/{queryName}/subscriptions"},
    "subscription": {"/epcis/queries/{queryName}/subscriptions/{subscriptionID}"},
    "subscription-deliveries": {"/epcis/queries/{queryName}/subscriptions/{subscriptionID}/deliveries"},
    "discovery": {f"/epcis/{kind}" for kind in KINDS},
    "discovery-resource": {f"/epcis/{kind}/{{{name}}}" for kind, name in zip(KINDS, VALUES, strict=True)},
    "discovery-events": {f"/epcis/{kind}/{{{name}}}/events" for kind, name in zip(KINDS, VALUES, strict=True)},
}


def _spec(client: Any) -> dict[str, Any]:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return json.loads(response.content)


def _check(spec: dict[str, Any], path: str, method: str, response: Any) -> None:
    """The answer's status, media type and body are what the document says for the operation."""
    responses = spec["paths"][path][method]["responses"]
    status = str(response.status_code)
    assert status in responses, (
        f"{method.upper()} {path}: {status} not in {sorted(responses)}: {response.content[:300]}"
    )
    content = responses[status].get("content", {})
    if not content:  # 201 / 204: no body
        assert response.content == b"", f"{method.upper()} {path} {status}: {response.content[:200]}"
        return
    media = response["Content-Type"].split(";")[0]
    assert media in content, f"{method.upper()} {path} {status}: {media} not in {sorted(content)}"
    if "xml" in media:  # XML answers: described as a string; their XSD is checked in events/tests
        assert content[media]["schema"] == {"type": "string", **content[media]["schema"]}
        return
    schema = {"allOf": [content[media]["schema"]], "components": spec["components"]}
    jsonschema.Draft202012Validator(schema).validate(json.loads(response.content))


def _models(annotation: Any, seen: set[type[BaseModel]]) -> None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return
        seen.add(annotation)
        for field in annotation.model_fields.values():
            _models(field.annotation, seen)
    for arg in typing.get_args(annotation):
        _models(arg, seen)


def test_no_two_schemas_share_a_name(client):
    seen: set[type[BaseModel]] = set()
    for _prefix, router in api._routers:
        for view in router.path_operations.values():
            for operation in view.operations:
                for model in (*operation.models, *operation.response_models.values()):
                    _models(model, seen)
    by_name: dict[str, set[str]] = defaultdict(set)
    for model in seen:
        if not model.__module__.startswith("ninja"):  # ninja's own wrappers never become components
            by_name[model.__name__].add(f"{model.__module__}.{model.__qualname__}")
    assert {name: sorted(v) for name, v in by_name.items() if len(v) > 1} == {}
    names = set(_spec(client)["components"]["schemas"])
    assert {"PublicLotOut", "LotOut", "ProofBundleOut", "TraceOut", "Problem"} <= names


def test_the_public_lots_are_described_by_their_own_model(client):
    spec = _spec(client)
    items = spec["components"]["schemas"]["PagedPublicLotOut"]["properties"]["items"]["items"]
    lot = spec["components"]["schemas"][items["$ref"].rsplit("/", 1)[1]]
    assert lot["properties"]["product"] == {"$ref": "#/components/schemas/ProductRef"}
    assert not {"id", "origin_areas", "claims"} & set(lot["required"])
    ops = {(m, p) for p, item in spec["paths"].items() for m in item}
    assert {("get", "/api/v1/trace"), ("get", "/epcis/events"), ("get", "/epcis/events/{eventID}")} <= ops
    assert spec["paths"]["/api/v1/trace"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/TraceOut"
    }


def test_every_epcis_route_is_described():
    (epcis,) = [p for p in get_resolver().url_patterns if str(p.pattern) == "epcis/"]
    names = {str(p.name) for p in epcis.url_patterns if isinstance(p, URLPattern)}
    assert sorted(names) == sorted(ROUTES), "describe the new routes in truyxuat/openapi_epcis.py"
    assert set(EPCIS_PATHS) == set().union(*ROUTES.values())
    methods = {(m, p) for p, item in EPCIS_PATHS.items() for m in item}
    assert {("post", "/epcis/capture"), ("post", "/epcis/events"), ("post", "/epcis/queries")} <= methods
    assert {("delete", "/epcis/queries/{queryName}"), ("post", "/epcis/queries/{queryName}/subscriptions")} <= methods
    assert len(methods) == 35


def test_the_binding_names_its_parameters_and_schemas(client):
    """Each SimpleEventQuery parameter and each schema the REST binding names is described under its name."""
    gs1 = json.loads(BINDING.read_text())
    spec = _spec(client)
    ours = {p["name"]: p for p in spec["paths"]["/epcis/events"]["get"]["parameters"]}
    theirs = {p["$ref"].rsplit("/", 1)[1] for p in gs1["paths"]["/events"]["get"]["parameters"] if "$ref" in p}
    wanted = {gs1["components"]["parameters"][ref]["name"]: gs1["components"]["parameters"][ref] for ref in theirs}
    wanted = {name: p for name, p in wanted.items() if name not in GS1_VERSION_HEADERS}
    assert sorted(set(wanted) - set(ours)) == []
    for name, theirs_param in wanted.items():
        assert (ours[name]["in"], ours[name].get("style")) == (theirs_param["in"], theirs_param.get("style")), name
    schemas = set(spec["components"]["schemas"])
    assert {"CaptureJob", "RFC7807ProblemResponseBody", "EPCISEvent", "epcisDocument", "epcisQueryDocument"} <= schemas
    assert {"QueryDefinition", "EventTypeCollection", "UriCollection", "ResourceCollection"} <= schemas
    assert {"AbstractQuerySubscription", "AbstractQuerySubscriptionResponse"} <= schemas


@pytest.fixture
def world(client, settings, tmp_path, producer, organization, officer):
    """A published lot of an approved producer in the officer's province, a draft lot of the producer, a recall
    and a report job: something behind every read operation."""
    settings.TRUYXUAT_LEDGER_KEY_FILE = tmp_path / "ledger.key"
    lot = published_lot()
    lot.product.organization.province_code = officer.agency.province_code
    lot.product.organization.save()
    organization.province_code = officer.agency.province_code
    organization.save()
    own = LotFactory(product=ProductFactory(organization=organization), status="draft")
    from recalls.services import start_recall
    from reports.services import request_report

    recall = start_recall(actor=officer, reason="Nấm mốc vượt giới hạn", lot=lot)
    job = request_report(actor=officer, period_kind="quarter", year=2026, number=1)
    token = create_api_token(actor=producer, organization=organization, name="openapi")[1]
    document = {
        "@context": ["https://ref.gs1.org/standards/epcis/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-11-20T03:00:00Z",
        "epcisBody": {"eventList": [_harvest(own)]},
    }
    captured = client.post(
        "/epcis/capture",
        json.dumps(document),
        content_type="application/ld+json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert captured.status_code == 202, captured.content
    assert captured.status_code == 202, captured.content
    xml = client.post(  # a capture whose original document is kept
        "/epcis/capture",
        (EPCIS / "XML" / "Example_9.6.1-ObjectEvent-2020_06_18a.xml").read_bytes(),
        content_type="application/xml",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert xml.status_code == 202, xml.content
    capture_id = xml.json()["captureID"]
    settings.TRUYXUAT_SUBSCRIPTION_ALLOW_PRIVATE = True
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    query = {"name": "harvests", "query": {"EQ_bizStep": ["commissioning"]}}
    assert client.post("/epcis/queries", query, content_type="application/json", **bearer).status_code == 201
    hook = {"dest": "http://127.0.0.1:9/hook", "schedule": {"hour": "1"}}
    subscribed = client.post("/epcis/queries/harvests/subscriptions", hook, content_type="application/json", **bearer)
    assert subscribed.status_code == 201, subscribed.content
    return {
        "subscription": subscribed.json()["subscriptionID"],
        "lot": lot,
        "own": own,
        "recall": recall,
        "job": job,
        "token": token,
        "officer": officer,
        "capture": capture_id,
    }


EVENT_ID = "urn:uuid:6b2f1d3e-0c4a-4e1f-9a57-1d2e3f405162"


READ_POINT = "urn:epc:id:sgln:8938502.00001.0"


def _item(lot: Any) -> str:
    return f"https://id.gs1.org/01/{lot.product.gtin}/21/S1"


def _harvest(lot: Any) -> dict[str, Any]:
    return {
        "type": "ObjectEvent",
        "eventID": EVENT_ID,
        "eventTime": "2026-11-20T03:00:00Z",
        "eventTimeZoneOffset": "+07:00",
        "action": "ADD",
        "bizStep": "commissioning",
        "disposition": "active",
        "readPoint": {"id": READ_POINT},
        "bizLocation": {"id": READ_POINT},
        "epcList": [_item(lot)],
        "quantityList": [
            {"epcClass": f"https://id.gs1.org/01/{lot.product.gtin}/10/{lot.lot_code}", "quantity": 10, "uom": "KGM"}
        ],
    }


def _path_args(world: dict[str, Any]) -> dict[str, str]:
    lot = world["lot"]
    return {
        "captureID": world["capture"],
        "gtin": lot.product.gtin,
        "lot": lot.lot_code,
        "lot_id": str(world["own"].pk),
        "recall_id": str(world["recall"].pk),
        "job_id": str(world["job"].pk),
        "eventID": EVENT_ID,
        "queryName": "harvests",
        "subscriptionID": world["subscription"],
        "eventType": "ObjectEvent",
        "epc": quote(_item(world["own"]), safe=""),
        "bizStep": "commissioning",
        "bizLocation": READ_POINT,
        "readPoint": READ_POINT,
        "disposition": "active",
        "dataset": "organizations",
    }


QUERIES = {
    "/api/v1/trace": {"id": "{digital_link}"},
    "/api/v1/ledger/proof": {"leaf_index": "0"},
    "/api/v1/ledger/consistency": {"first": "0"},
    "/api/v1/eudr/products/{gtin}/season": {"start": "2026-01-01", "end": "2026-12-31"},
}
SKIP = {
    # a shipment needs two organisations and a capture (logistics/tests cover its answer)
    "/api/v1/workspace/shipments/{public_id}": "needs a shipment",
    # an exporter's shipment with plots of origin (exchange/tests/test_eudr.py checks these answers)
    **{
        f"/api/v1/eudr/shipments/{{public_id}}{tail}": "needs an EUDR shipment" for tail in ("", "/geojson", "/package")
    },
    # a zip file, described as such (exchange/tests/test_eudr_lots.py downloads a lot's package from its page)
    "/api/v1/eudr/lots/{gtin}/{lot}/package": "a zip file",
}


def test_every_read_answers_as_described(client, world):
    spec = _spec(client)
    args = _path_args(world)
    own = world["own"]
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {world['token']}"}
    checked = []
    for path, item in sorted(spec["paths"].items()):
        if "get" not in item or path in SKIP:
            continue
        url = path
        mine = {"gtin": own.product.gtin, "lot": own.lot_code} if "/eudr/" in path else {}  # an exporter's own lot
        for name, value in {**args, **mine}.items():
            url = url.replace("{" + name + "}", value)
        assert "{" not in url, path
        query = {
            k: v.replace("{digital_link}", f"https://id.gs1.org/01/{own.product.gtin}/10/{own.lot_code}")
            for k, v in QUERIES.get(path, {}).items()
        }
        client.logout()
        headers: dict[str, str] = {}
        if "/oversight/" in path:
            client.force_login(world["officer"])
        elif (
            "/workspace/" in path
            or "/iot/" in path
            or "/eudr/" in path
            or path.startswith("/epcis/")
            or path.endswith("/trace")
        ):
            headers = bearer
        response = client.get(url, query, **headers)
        _check(spec, path, "get", response)
        checked.append((path, response.status_code))
    statuses = dict(checked)
    assert len(checked) >= 20
    assert statuses["/api/v1/lots"] == 200 and statuses["/api/v1/lots/{gtin}/{lot}/proof-bundle"] == 200
    assert statuses["/api/v1/trace"] == 200 and statuses["/epcis/events"] == 200
    assert statuses["/epcis/events/{eventID}"] == 200 and statuses["/epcis/capture/{captureID}"] == 200
    assert statuses["/api/v1/oversight/recalls/{recall_id}"] == 200
    epcis = {p: s for p, s in checked if p.startswith("/epcis/")}
    assert len(epcis) == 29 and {p for p, s in epcis.items() if s != 200} == set(), epcis


def test_errors_answer_as_described(client, world):
    spec = _spec(client)
    _check(spec, "/api/v1/ledger/proof", "get", client.get("/api/v1/ledger/proof", {"leaf_index": "99"}))
    missing = client.get(f"/api/v1/lots/{world['lot'].product.gtin}/NOPE/proof-bundle")
    assert missing.status_code == 404
    _check(spec, "/api/v1/lots/{gtin}/{lot}/proof-bundle", "get", missing)
    _check(spec, "/api/v1/trace", "get", client.get("/api/v1/trace", {"id": "x", "direction": "sideways"}))


@pytest.mark.parametrize("path", ["/api/v1/lots", "/api/v1/products", "/api/v1/organizations"])
def test_limit_and_offset_are_honoured_and_bounded(client, path):
    for n in range(3):
        LotFactory(lot_code=f"L-{n}", status="published", production_date=dt.date(2026, 1, 1 + n))
    everything = client.get(path, {"page_size": 100}).json()
    assert everything["count"] == 3 and len(everything["items"]) == 3
    page = client.get(path, {"limit": 2, "offset": 1}).json()
    assert page == {"items": everything["items"][1:3], "count": 3}
    assert client.get(path, {"limit": 1}).json()["items"] == everything["items"][:1]
    assert client.get(path, {"offset": 2}).json()["items"] == everything["items"][2:]
    for bad in ({"limit": 0}, {"limit": MAX_PAGE_SIZE + 1}, {"offset": -1}, {"offset": MAX_OFFSET + 1}):
        refused = client.get(path, bad)
        assert (refused.status_code, refused["Content-Type"]) == (422, "application/problem+json"), bad

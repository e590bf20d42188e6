"""Issue 19 'Done when': every JSON and XML example of GS1's EPCIS repository and of another implementation's public
test resources (OpenEPCIS) through `POST /epcis/capture`: each valid document accepted, each invalid one refused
naming the event and the field; nothing half-written.

Sources (README.md beside each folder under events/tests/conformance/ names repository, commit and licence):
GS1's examples on the shared conformance shelf (read in place), GS1's examples of the same commit the shelf leaves
out (`conformance/gs1/`), and OpenEPCIS' openepcis-test-resources (`conformance/openepcis/`). Each document is
captured in a savepoint rolled back after it, so documents that reuse an eventID do not meet. GS1's JSON examples
are also queried back inside their savepoint and must come back equal to what was sent (as JSON).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from events.models import Event
from events.tests.epcis._conformance import JSON_DIR, XML_DIR
from events.tests.helpers import token_for

pytestmark = pytest.mark.django_db

HERE = Path(__file__).resolve().parent / "conformance"
OPENEPCIS = HERE / "openepcis"

# Documents refused on purpose, by path under their source: why (what the standard, its schema or errata say).
_ERRATA = "persistentDisposition outside ObjectEvent and TransformationEvent (gs1/EPCIS errata #395, #440)"
_MASTER_DATA = "an EPCISMasterDataDocument, not an EPCISDocument: /epcis/capture takes EPCIS documents only"
_BARE_EVENT = "a bare event, not an EPCISDocument (single events are POSTed as JSON to /epcis/events)"
GS1_REFUSED: dict[str, str] = {
    "XML/Example-PersistentDisposition.xml": _ERRATA,
    "XML/WithSensorData/SensorDataExamples.xml": "sensor reports outside GS1's EPCIS 2.0 JSON schema "
    "(events/tests/test_conformance_api.py names each)",
    # Ruling (issue 19): refused as GS1's schema says. EPCIS 2.0 JSON writes a standard CBV value as its bare word
    # ("receiving"), which the context maps to https://ref.gs1.org/cbv/BizStep-receiving; GS1's JSON schema lets a
    # URI through only as `vocab-other-uri`, whose pattern `^(?!(urn:epcglobal:cbv|https?://ns.gs1.org/cbv/))`
    # refuses the CBV's URN and old Web URI forms in bizStep, disposition, bizTransaction/source/destination types
    # and error reasons (EPCIS-JSON-Schema.json, definitions/vocab-other-uri; gs1/EPCIS pull request #421). The file
    # sits in GS1's XML/WithEventHashID/ as input of the event-hash tests, not as a valid JSON example.
    "XML/WithEventHashID/event_with_identical_hash_id_7.json": "CBV values in URN form in JSON "
    "('urn:epcglobal:cbv:bizstep:receiving'): GS1's EPCIS 2.0 JSON schema refuses them (vocab-other-uri; "
    "gs1/EPCIS#421), the JSON form of a CBV value is its bare word",
    "XML/CBV/CBV-11.4-2020-06-16a.xml": _MASTER_DATA,
    "XML/Mimasu/Example-masterData.xml": _MASTER_DATA,
}
_XSD_12 = "invalid under GS1's EPCIS 1.2 XSD"
_NOT_CBV = "a sensor report type that is neither a CBV measurement type nor a URI (GS1's JSON schema)"
OPENEPCIS_REFUSED: dict[str, str] = {
    **{
        f"1.2/EPCIS/XML/Capture/Documents/{name}": why
        for name, why in {
            "AggregationEvent_all_possible_fields.xml": f"{_XSD_12}: typed extension elements with whitespace",
            "AssociationEvent_all_possible_fields.xml": f"{_XSD_12}: xsi:type QNames with an undeclared prefix",
            "TransformationEvent_all_possible_fields.xml": f"{_XSD_12}: typed extension elements with whitespace",
            "ObjectEvent_all_possible_fields.xml": f"{_XSD_12}: certificationInfo without a namespace in 1.2",
            "TransactionEvent_all_possible_fields.xml": f"{_XSD_12}: declarationTime '2006-11-07T13:00Z' (no "
            "seconds) is not an xs:dateTime",
            "Jumbled_attributes_order.xml": f"{_XSD_12}: an extension element before eventTime",
            "Document_with_namespace.xml": "events in EventList are unqualified elements (the XSD's form)",
            "All_eventTypes_in_single_document.xml": _ERRATA,
            "Single_event.xml": _BARE_EVENT,
            "Single_event_with_namespace.xml": _BARE_EVENT,
        }.items()
    },
    "2.0/EPCIS/JSON/Capture/Documents/AggregationEvent_with_persistentDisposition.json": _ERRATA,
    "2.0/EPCIS/XML/Capture/Documents/AggregationEvent_with_persistentDisposition.xml": _ERRATA,
    "2.0/EPCIS/JSON/Capture/Documents/SensorData_with_combined_events.json": f"{_NOT_CBV} ('Molar_concentration'), "
    "and a sensorReport without its required type",
    "2.0/EPCIS/XML/Capture/Documents/SensorData_with_combined_events.xml": "as its JSON twin",
    "2.0/EPCIS/JSON/Capture/Documents/TransactionEvent_with_userExtensions.json": f"{_NOT_CBV} ('EffectiveDoseRate')",
    "2.0/EPCIS/XML/Capture/Documents/TransactionEvent_with_userExtensions.xml": "as its JSON twin",
    "2.0/EPCIS/XML/Capture/Documents/JumbledFieldsOrder.xml": "invalid under GS1's EPCIS 2.0 XSD (element order)",
    "2.0/EPCIS/XML/Capture/Documents/Namespace_document.xml": "events in EventList are unqualified elements",
    "2.0/EPCIS/XML/Capture/Documents/epcisDocWithAllGS1Keys.xml": "epcList repeats urn:epc:id:sscc:4012345."
    "0000000333; GS1's JSON schema requires unique epcList items (its JSON twin does not repeat it)",
    **{str(p.relative_to(OPENEPCIS)): "OpenEPCIS' own invalid example" for p in OPENEPCIS.rglob("Invalid/*")},
}


def _documents(root: Path, *, skip: tuple[str, ...] = ()) -> list[Path]:
    found = [p for p in root.rglob("*") if p.suffix in (".json", ".jsonld", ".xml")]
    return sorted(p for p in found if not any(part in skip for part in p.relative_to(root).parts))


def _capture(client: Any, token: str, path: Path, check: Callable[[Any], None] | None = None) -> Any:
    media = "application/xml" if path.suffix == ".xml" else "application/ld+json"
    with transaction.atomic():
        response = client.post(
            "/epcis/capture", path.read_bytes(), content_type=media, HTTP_AUTHORIZATION=f"Bearer {token}"
        )
        stored = Event.objects.count()
        if check is not None and response.status_code == 202:
            check(response)
        transaction.set_rollback(True)
    return response, stored


def _named(response: Any) -> bool:
    """A refusal names the event (its index) and the field (a JSON pointer inside it), or the document's field."""
    errors = response.json().get("errors") or []
    for error in errors:
        index, pointer = error["event_index"], error["pointer"]
        if index is None:  # the document itself ('' its root, or one of its fields)
            if pointer.startswith("/epcisBody/eventList/"):
                return False
        elif not pointer.startswith(f"/epcisBody/eventList/{index}"):
            return False
    return bool(errors)


def _run(
    client: Any,
    organization: Any,
    root: Path,
    paths: list[Path],
    refused: dict[str, str],
    check: Callable[[Any, str, Path, Any], None] | None = None,
) -> dict[str, str]:
    token = token_for(organization)
    outcome: dict[str, str] = {}
    for path in paths:
        response, stored = _capture(client, token, path, check and (lambda r, p=path: check(client, token, p, r)))
        name = str(path.relative_to(root))
        if response.status_code == 202:
            outcome[name] = "accepted"
        elif response.status_code == 400 and _named(response):
            outcome[name] = "refused" if stored == 0 else "refused, but stored"
        else:
            outcome[name] = f"{response.status_code}: {response.content[:300]!r}"
    expected = {name: "refused" if name in refused else "accepted" for name in outcome}
    assert outcome == expected
    return outcome


def _query_all(client: Any, token: str) -> tuple[list[dict[str, Any]], list[Any]]:
    out: list[dict[str, Any]] = []
    url: str | None = "/epcis/events?perPage=7"
    while url:
        response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 200, response.content
        doc = response.json()
        assert doc["type"] == "EPCISQueryDocument"
        out += doc["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
        link = response.get("Link")
        url = link[1 : link.index(">")] if link else None
    return out, doc["@context"]


def _without_ids(event: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in event.items() if k not in ("eventID", "recordTime")}


def _queried_back_equal(client: Any, token: str, path: Path, response: Any) -> None:
    """A JSON example, once captured, is stored whole and every event comes back from a query as it was sent
    (with the recordTime, and the eventID where it had none, the server adds); its contexts are on the page."""
    if path.suffix == ".xml":
        return
    sent_document = json.loads(path.read_bytes())
    sent = sent_document["epcisBody"]["eventList"]
    job = response.json()
    assert job["storedCount"] + job["duplicateCount"] == len(sent), path
    got, context = _query_all(client, token)
    assert len(got) == job["storedCount"], path
    by_id = {e["eventID"]: e for e in got}
    duplicates = {d["eventID"] for d in job.get("duplicates", [])}
    for event in sent:
        if event.get("eventID") in duplicates:
            continue
        match = by_id[event["eventID"]] if "eventID" in event else next(e for e in got if _without_ids(e) == event)
        assert match == {"eventID": match["eventID"], "recordTime": match["recordTime"], **event}, path
    assert [entry for entry in sent_document["@context"] if entry not in context] == [], path


def test_gs1_examples(client, organization):
    shelf = JSON_DIR.parent
    paths = [p for p in _documents(JSON_DIR) if p.name != "EPCISQueryDocument.jsonld"]
    paths += _documents(XML_DIR, skip=("CaptureJob",))
    outcome = _run(client, organization, shelf, paths, GS1_REFUSED, _queried_back_equal)
    assert len(outcome) == len(paths)
    assert sum(name.startswith("JSON/") for name, result in outcome.items() if result == "accepted") == 38


def test_gs1_examples_beyond_the_shelf(client, organization):
    root = HERE / "gs1"
    _run(client, organization, root, _documents(root), GS1_REFUSED)


def test_openepcis_test_resources(client, organization):
    _run(client, organization, OPENEPCIS, _documents(OPENEPCIS), OPENEPCIS_REFUSED)

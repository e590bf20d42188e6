"""Capture as the REST binding says (issue 19, item 6): `GS1-Capture-Error-Behaviour: proceed` stores the valid events
and reports the others per event, `rollback` (the default) stores none; the job's finishedAt is never before its
createdAt; a refusal names its reason even for a long value; a JSON body without Content-Type is JSON; a document
without `eventList` is refused."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest

from catalog.tests.factories import ProductFactory
from events.epcis import CONTEXT_URL
from events.models import Capture, Event
from events.tests.helpers import GTIN_A, body, document, lgtin, object_event, token_for

pytestmark = pytest.mark.django_db


def _post(client: Any, token: str, data: Any, behaviour: str | None = None, **kwargs: Any) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if behaviour is not None:
        headers["HTTP_GS1_CAPTURE_ERROR_BEHAVIOUR"] = behaviour
    payload = data if isinstance(data, bytes) else body(data)
    return client.generic(
        "POST",
        kwargs.pop("path", "/epcis/capture"),
        payload,
        kwargs.pop("content_type", "application/ld+json"),
        **headers,
    )


def _job(client: Any, token: str, response: Any) -> dict[str, Any]:
    return client.get(response["Location"], HTTP_AUTHORIZATION=f"Bearer {token}").json()


def _bad_time(lot: str) -> dict[str, Any]:
    event = object_event([lgtin(GTIN_A, lot)])
    del event["eventTime"]
    return event


def _mixed(other_gtin: str) -> dict[str, Any]:
    """Five events: 0 and 3 valid; 1 invalid (no eventTime); 2 names another organisation's product; 4 valid."""
    return document(
        [
            object_event([lgtin(GTIN_A, "P0")]),
            _bad_time("P1"),
            object_event([lgtin(other_gtin, "X1")]),
            object_event([lgtin(GTIN_A, "P3")], time="2026-11-02T08:00:00+07:00"),
            object_event([lgtin(GTIN_A, "P4")], time="2026-11-03T08:00:00+07:00"),
        ]
    )


def _stored_lots() -> list[str]:
    return sorted(json.loads(e.body)["quantityList"][0]["epcClass"].rsplit("/", 1)[1] for e in Event.objects.all())


def test_proceed_stores_the_valid_events_and_reports_each_refused_one(client, organization, other_organization):
    ProductFactory(organization=organization, gtin=GTIN_A)
    other = ProductFactory(organization=other_organization)
    token = token_for(organization)
    response = _post(client, token, _mixed(other.gtin), "proceed")
    assert response.status_code == 202
    assert _stored_lots() == ["P0", "P3", "P4"]
    job = _job(client, token, response)
    assert (job["running"], job["success"], job["captureErrorBehaviour"]) == (False, False, "proceed")
    assert (job["eventCount"], job["storedCount"]) == (5, 3)
    assert [(e["event_index"], e["pointer"]) for e in job["errors"]] == [
        (1, "/epcisBody/eventList/1/eventTime"),
        (2, "/epcisBody/eventList/2/quantityList/0/epcClass"),
    ]
    assert job["errors"][0]["message"] == "'eventTime' is required"
    assert [e.get("eventID") for e in job["errors"]] == [None, None]  # (these events have no eventID)
    assert [e["type"] for e in job["errors"]] == [
        "epcisException:ValidationException",
        "epcisException:SecurityException",
    ]
    assert response.json()["errors"] == job["errors"]  # the 202 answer is the job


def test_rollback_is_the_default_and_stores_nothing(client, organization, other_organization):
    ProductFactory(organization=organization, gtin=GTIN_A)
    other = ProductFactory(organization=other_organization)
    token = token_for(organization)
    for behaviour in (None, "rollback", "ROLLBACK"):
        response = _post(client, token, _mixed(other.gtin), behaviour)
        assert response.status_code == 400, behaviour
        assert Event.objects.count() == 0
        job = _job(client, token, response)
        assert (job["success"], job["captureErrorBehaviour"], job["storedCount"]) == (False, "rollback", 0)
        assert [e["event_index"] for e in job["errors"]] == [1]  # the first refusal: the document is invalid


def test_proceed_with_a_different_event_under_a_taken_event_id(client, organization):
    token = token_for(organization)
    first = object_event([lgtin(GTIN_A, "T0")], eventID="urn:uuid:3f1c1a4e-2b41-4f7d-9a43-0d7c2f5e4a11")
    assert _post(client, token, document([first])).status_code == 202
    other = object_event([lgtin(GTIN_A, "T1")], eventID=first["eventID"])
    response = _post(client, token, document([object_event([lgtin(GTIN_A, "T2")]), other]), "proceed")
    assert response.status_code == 202
    job = response.json()
    assert (job["success"], job["storedCount"], job["eventCount"]) == (False, 1, 2)
    assert [(e["event_index"], e["pointer"]) for e in job["errors"]] == [(1, "/epcisBody/eventList/1/eventID")]
    assert "already names a different event" in job["errors"][0]["message"]
    assert job["errors"][0]["type"] == "epcisException:ResourceAlreadyExistsException"
    assert job["errors"][0]["eventID"] == first["eventID"]  # the refused event named by its eventID too
    assert _stored_lots() == ["T0", "T2"]


def test_proceed_with_every_event_refused_stores_nothing(client, organization):
    token = token_for(organization)
    bad = [{**_bad_time(f"Z{n}"), "eventID": f"urn:uuid:{n}"} for n in range(2)]
    response = _post(client, token, document(bad), "proceed")
    assert response.status_code == 400
    assert response.json()["type"] == "epcisException:ValidationException"
    job = _job(client, token, response)
    assert (job["success"], job["captureErrorBehaviour"], job["storedCount"], job["eventCount"]) == (
        False,
        "proceed",
        0,
        2,
    )
    assert [(e["event_index"], e["eventID"]) for e in job["errors"]] == [(0, "urn:uuid:0"), (1, "urn:uuid:1")]
    assert Event.objects.count() == 0


def test_proceed_all_valid_is_a_plain_success(client, organization):
    token = token_for(organization)
    response = _post(client, token, document([object_event([lgtin(GTIN_A, "V0")])]), "proceed")
    assert response.status_code == 202
    job = response.json()
    assert (job["success"], job["errors"], job["storedCount"], job["captureErrorBehaviour"]) == (
        True,
        [],
        1,
        "proceed",
    )


def test_unknown_error_behaviour_is_refused(client, organization):
    token = token_for(organization)
    response = _post(client, token, document([object_event([lgtin(GTIN_A, "U0")])]), "all")
    assert response.status_code == 400
    assert response.json()["type"] == "epcisException:ValidationException"
    assert "rollback or proceed" in response.json()["detail"]
    assert Event.objects.count() == 0


def test_options_announces_both_behaviours(client, organization):
    response = client.options("/epcis/capture", HTTP_AUTHORIZATION=f"Bearer {token_for(organization)}")
    assert response.status_code == 204
    assert response["GS1-Capture-Error-Behaviour"] == "all"


def test_finished_at_is_never_before_created_at(client, organization):
    token = token_for(organization)
    ok = _post(client, token, document([object_event([lgtin(GTIN_A, "F0")])]))
    refused = _post(client, token, document([_bad_time("F1")]))
    single = _post(
        client,
        token,
        json.dumps({"@context": [CONTEXT_URL], **object_event([lgtin(GTIN_A, "F2")])}).encode(),
        path="/epcis/events",
    )
    assert (ok.status_code, refused.status_code, single.status_code) == (202, 400, 201)
    jobs = client.get("/epcis/capture", HTTP_AUTHORIZATION=f"Bearer {token}").json()["captureJobs"]
    assert len(jobs) == 3
    for job in jobs:
        assert datetime.fromisoformat(job["finishedAt"]) >= datetime.fromisoformat(job["createdAt"])
    for capture in Capture.objects.all():
        assert capture.finished_at is not None and capture.finished_at >= capture.created_at


def test_a_refusal_of_a_long_value_keeps_its_reason(client, organization):
    token = token_for(organization)
    long_value = "not a uri " + "x" * 400
    event = object_event([lgtin(GTIN_A, "R0")], readPoint={"id": long_value})
    response = _post(client, token, document([event]))
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["pointer"] == "/epcisBody/eventList/0/readPoint/id"
    assert error["message"].endswith("is not a 'uri'")
    assert error["message"].startswith("'not a uri xxx")
    assert len(error["message"]) <= 300


@pytest.mark.parametrize("content_type", ["", "text/plain;charset=UTF-8"])
@pytest.mark.parametrize(("path", "status"), [("/epcis/capture", 202), ("/epcis/events", 201)])
def test_json_without_content_type_is_json(client, organization, path, status, content_type):
    token = token_for(organization)
    event = object_event([lgtin(GTIN_A, "C0")])
    data = body(document([event])) if path == "/epcis/capture" else json.dumps({"@context": [CONTEXT_URL], **event})
    response = _post(
        client, token, data if isinstance(data, bytes) else data.encode(), path=path, content_type=content_type
    )
    assert response.status_code == status
    assert Event.objects.count() == 1


def test_a_body_that_is_neither_json_nor_xml_is_415(client, organization):
    response = _post(client, token_for(organization), b"eventList=1", content_type="")
    assert response.status_code == 415
    assert response.json()["type"] == "epcisException:UnsupportedMediaTypeException"


@pytest.mark.parametrize(
    "epcis_body",
    [{}, {"event": object_event([lgtin(GTIN_A, "E0")])}, {"eventList": {}}],
    ids=["empty", "single-event-form", "not-a-list"],
)
def test_a_document_without_event_list_is_refused(client, organization, epcis_body):
    doc = {**document([]), "epcisBody": epcis_body}
    response = _post(client, token_for(organization), doc, "proceed")
    assert response.status_code == 400
    assert response.json()["errors"][0]["pointer"] == "/epcisBody/eventList"
    assert Event.objects.count() == 0

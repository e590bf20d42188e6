"""POST /epcis/capture and /epcis/events: status codes, Location, capture jobs, all-or-nothing, limits."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from django.db.models import F

from accounts.permissions import SYSTEM, TokenActor
from accounts.services import create_api_token
from core import audit
from core.models import AuditEntry
from events.models import Capture, Event, EventEpc, LotEdge
from events.services import capture_events
from events.tests.helpers import GTIN_A, body, document, lgtin, object_event, token_for, transformation
from ledger.models import LedgerLeaf
from ledger.records import record_bytes

pytestmark = pytest.mark.django_db


def _post(client, token, doc, path="/epcis/capture", content_type="application/ld+json"):
    data = doc if isinstance(doc, bytes) else body(doc)
    return client.post(path, data=data, content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {token}")


def _state():
    return (Event.objects.count(), EventEpc.objects.count(), LotEdge.objects.count(), LedgerLeaf.objects.count())


def test_capture_document_202_location_job_success(client, organization):
    token = token_for(organization)
    doc = document([object_event([lgtin(GTIN_A, "L1")]), transformation([lgtin(GTIN_A, "L1")], [lgtin(GTIN_A, "L2")])])
    response = _post(client, token, doc)
    assert response.status_code == 202
    location = response["Location"]
    assert location.startswith("/epcis/capture/")
    job = client.get(location, HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert (job["running"], job["success"], job["storedCount"], job["errors"]) == (False, True, 2, [])
    assert Event.objects.count() == 2
    assert LotEdge.objects.count() == 1
    event = Event.objects.order_by("pk").first()
    assert event.organization_id == organization.pk
    leaf = LedgerLeaf.objects.get(record_type="events.event", record_id=str(event.pk))
    assert bytes(leaf.data) == record_bytes(event)
    assert AuditEntry.objects.filter(action="capture", organization_id=organization.pk).count() == 1


def test_invalid_event_rejects_whole_document(client, organization):
    token = token_for(organization)
    bad = object_event([lgtin(GTIN_A, "L1")])
    del bad["eventTime"]
    before = _state()
    response = _post(client, token, document([object_event([lgtin(GTIN_A, "L0")]), bad]))
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["errors"] == [
        {"event_index": 1, "pointer": "/epcisBody/eventList/1/eventTime", "message": "'eventTime' is required"}
    ]
    assert "event 1" in problem["detail"]
    assert _state() == before
    job = client.get(response["Location"], HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert (job["running"], job["success"]) == (False, False)
    assert job["errors"][0]["pointer"] == "/epcisBody/eventList/1/eventTime"


def test_resend_same_document_stores_nothing_new(client, organization):
    token = token_for(organization)
    doc = document([object_event([lgtin(GTIN_A, "L1")])])
    first = _post(client, token, doc).json()
    before = _state()
    again = _post(client, token, doc)
    assert again.status_code == 202
    job = again.json()
    assert (job["storedCount"], job["duplicateCount"]) == (0, 1)
    assert job["duplicates"][0]["reason"] == "eventID"  # the eventID it was given is its event hash
    assert _state() == before
    assert first["storedCount"] == 1


def test_same_event_id_and_content_is_a_duplicate_another_event_under_it_is_refused(client, organization):
    """A repeat of an eventID is a duplicate only when it is the same event (issue 19): a different event
    under a taken eventID is refused naming the event and its eventID, never dropped as a success."""
    token = token_for(organization)
    event = object_event([lgtin(GTIN_A, "L1")], eventID="urn:uuid:6f1a2b9e-0c1d-4e3f-9a8b-7c6d5e4f3a2b")
    _post(client, token, document([event]))
    job = _post(client, token, document([dict(event)])).json()
    assert job["duplicates"] == [
        {"index": 0, "eventID": event["eventID"], "reason": "eventID", "existing": event["eventID"]}
    ]
    changed = dict(event, bizStep="inspecting")
    response = _post(client, token, document([object_event([lgtin(GTIN_A, "L2")]), changed]))
    assert response.status_code == 400
    assert [(e["event_index"], e["pointer"]) for e in response.json()["errors"]] == [
        (1, "/epcisBody/eventList/1/eventID")
    ]
    assert Event.objects.count() == 1


def test_same_content_under_another_event_id_is_a_duplicate_by_event_hash(client, organization):
    token = token_for(organization)
    event = object_event([lgtin(GTIN_A, "L1")])
    first = _post(client, token, document([event])).json()
    (stored,) = Event.objects.values_list("event_id", "event_hash")
    assert stored[0].startswith("ni:///sha-256;") and stored[1] is None  # the eventID is the hash: kept once
    again = dict(event, eventID="urn:uuid:0b6c3c4e-4a55-4f43-9d2e-1d9f0f6a7b8c")
    job = _post(client, token, document([again])).json()
    assert job["duplicates"] == [
        {"index": 0, "eventID": again["eventID"], "reason": "eventHash", "existing": stored[0]}
    ]
    assert (first["storedCount"], Event.objects.count()) == (1, 1)


def test_an_event_id_of_its_own_keeps_the_hash_and_content_without_it_is_a_duplicate(client, organization):
    token = token_for(organization)
    uuid_id = "urn:uuid:3a0e8f7c-1b2d-4c5e-8f9a-0b1c2d3e4f5a"
    event = object_event([lgtin(GTIN_A, "L1")])
    _post(client, token, document([dict(event, eventID=uuid_id)]))
    (stored,) = Event.objects.values_list("event_id", "event_hash")
    assert stored[0] == uuid_id and stored[1].startswith("ni:///sha-256;")
    job = _post(client, token, document([event])).json()
    assert job["duplicates"] == [{"index": 0, "eventID": stored[1], "reason": "eventHash", "existing": uuid_id}]
    assert Event.objects.count() == 1


def test_rows_that_repeat_their_event_id_as_hash_are_still_found_by_hash(client, organization):
    """Events stored before the hash was kept once have event_hash = event_id: still duplicates by hash."""
    token = token_for(organization)
    event = object_event([lgtin(GTIN_A, "L1")])
    _post(client, token, document([event]))
    Event.objects.update(event_hash=F("event_id"))
    again = dict(event, eventID="urn:uuid:9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d")
    job = _post(client, token, document([again])).json()
    assert [(d["reason"], d["existing"]) for d in job["duplicates"]] == [("eventHash", Event.objects.get().event_id)]
    assert Event.objects.count() == 1


def test_single_event_201_location_then_409(client, organization):
    token = token_for(organization)
    event = {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        **object_event([lgtin(GTIN_A, "L9")]),
    }
    response = _post(client, token, event, path="/epcis/events")
    assert response.status_code == 201
    stored = Event.objects.get()
    assert response["Location"] == f"/epcis/events/{quote(stored.event_id, safe='')}"
    got = client.get(response["Location"], HTTP_AUTHORIZATION=f"Bearer {token}")
    assert got.status_code == 200
    data = got.json()
    assert data["eventID"] == stored.event_id
    assert {k: v for k, v in data.items() if k not in ("eventID", "recordTime")} == event
    again = _post(client, token, event, path="/epcis/events")
    assert again.status_code == 409
    assert Event.objects.count() == 1


def test_unauthenticated_and_bad_token(client):
    doc = document([object_event([lgtin(GTIN_A, "L1")])])
    assert client.post("/epcis/capture", data=body(doc), content_type="application/json").status_code == 401
    assert _post(client, "tx_not-a-token", doc).status_code == 401
    assert Event.objects.count() == 0


def test_suspended_organisation_token_forbidden(client, organization):
    token = token_for(organization)
    organization.status = "suspended"
    organization.save()
    response = _post(client, token, document([object_event([lgtin(GTIN_A, "L1")])]))
    assert response.status_code == 403
    assert Event.objects.count() == 0


def test_limits_413(client, organization, settings):
    token = token_for(organization)
    settings.TRUYXUAT_CAPTURE_MAX_EVENTS = 2
    doc = document([object_event([lgtin(GTIN_A, f"L{i}")]) for i in range(3)])
    response = _post(client, token, doc)
    assert response.status_code == 413
    assert "limit is 2" in response.json()["detail"]
    settings.TRUYXUAT_CAPTURE_MAX_EVENTS = 10
    settings.TRUYXUAT_CAPTURE_MAX_BYTES = 200
    response = _post(client, token, doc)
    assert response.status_code == 413
    assert Event.objects.count() == 0


def test_malformed_json_and_media_type(client, organization):
    token = token_for(organization)
    response = _post(client, token, b"{not json")
    assert response.status_code == 400
    assert "malformed JSON" in response.json()["detail"]
    assert _post(client, token, b"x", content_type="text/plain").status_code == 415


def test_session_capture_needs_csrf(organization, producer):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(producer)
    doc = document([object_event([lgtin(GTIN_A, "L1")])])
    response = client.post("/epcis/capture", data=body(doc), content_type="application/ld+json")
    assert response.status_code == 403
    assert Event.objects.count() == 0
    client.get("/epcis/capture")  # any page; set the cookie ourselves
    from django.middleware.csrf import _get_new_csrf_string

    secret = _get_new_csrf_string()
    client.cookies["csrftoken"] = secret
    response = client.post(
        "/epcis/capture", data=body(doc), content_type="application/ld+json", HTTP_X_CSRFTOKEN=secret
    )
    assert response.status_code == 202
    assert Event.objects.get().organization_id == organization.pk


def test_capture_jobs_are_private(client, organization, other_organization):
    token = token_for(organization)
    other = token_for(other_organization)
    location = _post(client, token, document([object_event([lgtin(GTIN_A, "L1")])]))["Location"]
    assert client.get(location, HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 404
    assert client.get(location).status_code == 401
    listing = client.get("/epcis/capture", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert [j["captureID"] for j in listing["captureJobs"]] == [str(Capture.objects.get(status="success").capture_id)]
    assert json.loads(json.dumps(listing))


@pytest.mark.parametrize("as_token", [False, True])
def test_capture_audit_entry_is_what_core_audit_writes(organization, as_token):
    token, _plain = create_api_token(actor=SYSTEM, organization=organization, name="ERP")
    actor = TokenActor(token) if as_token else SYSTEM
    result = capture_events(actor=actor, organization=organization, events=[object_event()])
    ours = AuditEntry.objects.get(action="capture", object_id=str(result.capture.pk))
    theirs = audit.record(
        actor=actor,
        action="capture",
        instance=Capture.objects.get(pk=result.capture.pk),
        after=ours.after,
        organization_id=organization.pk,
        reason=f"[{actor.username}]" if as_token else "",
    )
    fields = ("actor_id", "action", "object_type", "object_id", "organization_id", "before", "after", "reason")
    assert [getattr(ours, f) for f in fields] == [getattr(theirs, f) for f in fields]
    assert ours.reason == (f"[token:{token.prefix}]" if as_token else "[system]")
    assert ours.after["stored"] == 1
    assert abs((ours.at - theirs.at).total_seconds()) < 60


def test_document_without_context_is_refused_whole(client, organization):
    """The document's own header is validated with its events: a missing @context is not filled in for it."""
    token = token_for(organization)
    doc = document([object_event([lgtin(GTIN_A, "L1")])])
    del doc["@context"]
    before = _state()
    response = _post(client, token, doc)
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"event_index": None, "pointer": "/@context", "message": "'@context' is required"}
    ]
    assert _state() == before

"""EPCIS 2.0 error declarations (§7.4.1.2) through the REST binding: who may declare, what is stored, what the
queries, the ledger and the trace make of it; and eventIDs reused for another event (issue 19, issue 15 item 4)."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from accounts.permissions import SYSTEM
from accounts.tests.factories import UserFactory
from events.epcis import CONTEXT_URL
from events.models import ErrorDeclaration, Event, LotEdge, Shipment
from events.services import capture_events
from events.tests.conftest import _shipping
from events.tests.epcis._conformance import JSON_DIR
from events.tests.helpers import GTIN_A, body, document, lgtin, object_event, token_for, transformation
from events.trace import trace
from ledger.audit import run_audit
from ledger.models import LedgerLeaf
from ledger.records import record_bytes

pytestmark = pytest.mark.django_db

ORIGINAL = "urn:uuid:1b0c9a2e-6f0d-4a51-9d7e-6a3c2b1f0e11"
CORRECTIVE = "urn:uuid:2c1d0b3f-7a1e-4b62-8e8f-7b4d3c2a1f22"
FOREIGN_CLASS = "urn:epc:class:lgtin:4012345.022222.87545GHGH"  # a company nobody here registered


def _post(client, token, doc, path="/epcis/capture"):
    return client.post(path, data=body(doc), content_type="application/ld+json", HTTP_AUTHORIZATION=f"Bearer {token}")


def _declaration(event, reason="incorrect_data", corrective=(CORRECTIVE,), **extra):
    declared = {"declarationTime": "2026-11-10T09:00:00+07:00", "reason": reason, **extra}
    if corrective:
        declared["correctiveEventIDs"] = list(corrective)
    return dict(event, errorDeclaration=declared)


def _query(client, token, url="/epcis/events"):
    response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200, response.content
    return response.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]


def test_the_author_declares_an_event_in_error_original_kept_declaration_ledgered_and_queried(client, organization):
    token = token_for(organization)
    original = object_event([lgtin(GTIN_A, "L1")], eventID=ORIGINAL)
    assert _post(client, token, document([original])).status_code == 202
    stored = Event.objects.get(event_id=ORIGINAL)
    before = (stored.body, stored.event_hash)
    corrective = object_event([lgtin(GTIN_A, "L1")], eventID=CORRECTIVE, time="2026-11-02T08:00:00+07:00")
    response = _post(client, token, document([_declaration(original), corrective]))
    assert response.status_code == 202, response.content
    job = response.json()
    assert (job["storedCount"], job["duplicateCount"], job["errorDeclarations"]) == (
        2,
        0,
        [{"index": 0, "eventID": ORIGINAL}],
    )
    stored.refresh_from_db()
    assert (stored.body, stored.event_hash) == before  # the original exactly as captured
    declaration = ErrorDeclaration.objects.get(event=stored)
    assert (declaration.reason, declaration.corrective_event_ids, declaration.inline) == (
        "incorrect_data",
        [CORRECTIVE],
        False,
    )
    assert declaration.organization_id == organization.pk
    leaf = LedgerLeaf.objects.get(record_type="events.errordeclaration", record_id=str(declaration.pk))
    assert bytes(leaf.data) == record_bytes(declaration)
    event_leaf = LedgerLeaf.objects.get(record_type="events.event", record_id=str(stored.pk))
    assert leaf.index > event_leaf.index and bytes(event_leaf.data) == record_bytes(stored)
    shown = client.get(f"/epcis/events/{quote(ORIGINAL, safe='')}", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert shown["errorDeclaration"] == {
        "declarationTime": "2026-11-10T09:00:00+07:00",
        "reason": "incorrect_data",
        "correctiveEventIDs": [CORRECTIVE],
    }
    listed = {e["eventID"]: e for e in _query(client, token)}
    assert set(listed) == {ORIGINAL, CORRECTIVE}
    assert listed[ORIGINAL]["errorDeclaration"]["reason"] == "incorrect_data"
    assert "errorDeclaration" not in listed[CORRECTIVE]
    audit = run_audit(alarm=False)  # the declaration's leaf is recomputed from its row, like the events'
    assert audit.ok and audit.records_checked == LedgerLeaf.objects.count() == 3, audit.problems


def test_another_organisation_cannot_declare_an_event_it_did_not_capture(client, organization, other_organization):
    original = object_event([FOREIGN_CLASS], eventID=ORIGINAL)
    _post(client, token_for(organization), document([original]))
    counts = (Event.objects.count(), LedgerLeaf.objects.count())
    response = _post(client, token_for(other_organization), document([_declaration(original, corrective=())]))
    assert response.status_code == 403
    problem = response.json()
    assert problem["type"] == "epcisException:SecurityException"
    assert [(e["event_index"], e["pointer"]) for e in problem["errors"]] == [
        (0, "/epcisBody/eventList/0/errorDeclaration")
    ]
    assert ErrorDeclaration.objects.count() == 0
    assert (Event.objects.count(), LedgerLeaf.objects.count()) == counts
    assert "errorDeclaration" not in json.loads(Event.objects.get(event_id=ORIGINAL).body)


def test_an_officer_of_the_province_and_an_admin_may_declare(client, organization, agency, officer):
    """An officer captures for its agency, and may declare in error an event of an organisation of its province."""
    original = object_event([FOREIGN_CLASS], eventID=ORIGINAL)
    capture_events(actor=SYSTEM, organization=organization, events=[original])
    officer.memberships.create(organization=agency, role="staff")
    client.force_login(officer)
    response = client.post(
        f"/epcis/events?organization={agency.tax_code}",
        data=body({"@context": [CONTEXT_URL], **_declaration(original, reason="did_not_occur", corrective=())}),
        content_type="application/ld+json",
    )
    assert response.status_code == 201, response.content
    assert response["Location"] == f"/epcis/events/{quote(ORIGINAL, safe='')}"
    assert ErrorDeclaration.objects.get().reason == "did_not_occur"
    second = object_event([FOREIGN_CLASS], eventID=CORRECTIVE, time="2026-11-03T08:00:00+07:00")
    capture_events(actor=SYSTEM, organization=organization, events=[second])
    admin = UserFactory(username="root", is_superuser=True)
    result = capture_events(actor=admin, organization=None, events=[_declaration(second, corrective=())])
    assert result.declared == [{"index": 0, "eventID": CORRECTIVE}]


def test_a_different_event_under_a_taken_event_id_is_refused_single_and_within_a_batch(client, organization):
    token = token_for(organization)
    original = {"@context": [CONTEXT_URL], **object_event([lgtin(GTIN_A, "L1")], eventID=ORIGINAL)}
    assert _post(client, token, dict(original), path="/epcis/events").status_code == 201
    again = _post(client, token, dict(original), path="/epcis/events")
    assert again.status_code == 409 and again.json()["type"] == "epcisException:ResourceAlreadyExistsException"
    other = _post(client, token, dict(original, bizStep="inspecting"), path="/epcis/events")
    assert other.status_code == 409
    assert other.json()["errors"][0]["pointer"] == "/epcisBody/eventList/0/eventID"
    twice = [
        object_event([lgtin(GTIN_A, "L2")], eventID=CORRECTIVE),
        object_event([lgtin(GTIN_A, "L3")], eventID=CORRECTIVE),
    ]
    response = _post(client, token, document(twice))
    assert response.status_code == 400
    assert [e["pointer"] for e in response.json()["errors"]] == ["/epcisBody/eventList/1/eventID"]
    assert list(Event.objects.values_list("event_id", flat=True)) == [ORIGINAL]


def test_a_declaration_sent_again_is_a_duplicate_a_different_one_is_refused(client, organization):
    token = token_for(organization)
    original = object_event([lgtin(GTIN_A, "L1")], eventID=ORIGINAL)
    _post(client, token, document([original]))
    assert _post(client, token, document([_declaration(original)])).json()["storedCount"] == 1
    job = _post(client, token, document([_declaration(original)])).json()
    assert (job["storedCount"], job["duplicates"]) == (
        0,
        [{"index": 0, "eventID": ORIGINAL, "reason": "errorDeclaration", "existing": ORIGINAL}],
    )
    response = _post(client, token, document([_declaration(original, reason="did_not_occur")]))
    assert response.status_code == 400
    assert response.json()["errors"][0]["pointer"] == "/epcisBody/eventList/0/errorDeclaration"
    assert ErrorDeclaration.objects.count() == 1


def test_a_transformation_declared_in_error_leaves_the_trace_and_its_correction_takes_its_place(
    chain, other_organization
):
    made = Event.objects.get(type="TransformationEvent")
    assert trace(chain.b, direction="backward", viewer=SYSTEM).lots[0]["depth"] < 0
    assert LotEdge.objects.filter(event=made).count() == 2
    wrong = json.loads(made.body)
    del wrong["recordTime"]
    corrective = dict(transformation([chain.a], [chain.b], time="2026-11-04T08:00:00+07:00"), eventID=CORRECTIVE)
    result = capture_events(actor=SYSTEM, organization=other_organization, events=[_declaration(wrong), corrective])
    assert result.declared == [{"index": 0, "eventID": made.event_id}]
    assert LotEdge.objects.filter(event=made).count() == 0
    walked = trace(chain.b, direction="backward", viewer=SYSTEM)
    assert {lot["lot"] for lot in walked.lots} == {"A1", "B1"}  # C1 came only through the declared event
    assert made.pk not in walked.event_pks
    assert Event.objects.get(event_id=CORRECTIVE).pk in walked.event_pks
    assert [e["event_id"] for e in walked.edges] == [CORRECTIVE]
    forward = trace(chain.c, direction="forward", viewer=SYSTEM)
    assert {lot["lot"] for lot in forward.lots} == {"C1"}


def test_a_shipping_event_declared_in_error_withdraws_its_shipment(organization):
    lot = lgtin(GTIN_A, "S1")
    farm, plant = "https://id.gs1.org/414/8938501000007", "https://id.gs1.org/414/8938502000006"
    shipped = dict(_shipping([lot], time="2026-11-02T08:00:00+07:00", src=farm, dst=plant), eventID=ORIGINAL)
    capture_events(actor=SYSTEM, organization=organization, events=[object_event([lot]), shipped])
    assert Shipment.objects.filter(ship_event__event_id=ORIGINAL).count() == 1
    capture_events(actor=SYSTEM, organization=organization, events=[_declaration(shipped, "did_not_occur", ())])
    assert Shipment.objects.count() == 0


def test_gs1_error_declaration_example_is_stored_as_sent_and_the_declared_event_leaves_the_trace(client, organization):
    """GS1's own example (unmodified) sends an erroneous event with its declaration and the corrective event."""
    path = JSON_DIR / "WithErrorDeclaration" / "ErrorDeclarationAndCorrectiveEvent.jsonld"
    sent = json.loads(path.read_bytes())["epcisBody"]["eventList"]
    response = client.post(
        "/epcis/capture",
        data=path.read_bytes(),
        content_type="application/ld+json",
        HTTP_AUTHORIZATION=f"Bearer {token_for(organization)}",
    )
    assert response.status_code == 202, response.content
    assert response.json()["storedCount"] == 2
    wrong, right = (Event.objects.get(event_id=e["eventID"]) for e in sent)
    declaration = ErrorDeclaration.objects.get()
    assert (declaration.event_id, declaration.inline) == (wrong.pk, True)
    assert declaration.corrective_event_ids == [right.event_id]
    assert json.loads(wrong.body)["errorDeclaration"] == sent[0]["errorDeclaration"]
    assert LotEdge.objects.filter(event=wrong).count() == 0 and LotEdge.objects.filter(event=right).count() == 4
    result = trace("urn:epc:id:sgtin:4012345.033333.AGHFG", direction="backward", viewer=SYSTEM)
    assert result.event_pks == [right.pk]

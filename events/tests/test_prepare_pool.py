"""Large documents prepared partly in a real helper process: same stored events, same problems."""

from __future__ import annotations

import pytest

from events.epcis import parallel
from events.epcis.prepare import merge, prepare
from events.models import Event
from events.tests.helpers import GTIN_A, body, document, lgtin, object_event, token_for
from ledger.models import LedgerLeaf

pytestmark = pytest.mark.django_db

STAMP = "2026-11-20T00:00:00.000Z"


@pytest.fixture
def helper(settings):
    settings.TRUYXUAT_CAPTURE_PREPARE_WORKERS = 1
    settings.TRUYXUAT_CAPTURE_PREPARE_MIN_EVENTS = 4
    assert parallel.pool.wait(timeout=120), "the preparing helper process did not start"
    yield parallel.helped
    parallel.pool.shutdown()


def _events(n: int) -> list[dict]:
    return [
        object_event([lgtin(GTIN_A, f"P{i}")], time=f"2026-11-01T08:{i:02d}:00+07:00", recordTime=STAMP)
        for i in range(n)
    ]


def _post(client, organization, doc):
    return client.post(
        "/epcis/capture",
        data=body(doc),
        content_type="application/ld+json",
        HTTP_AUTHORIZATION=f"Bearer {token_for(organization)}",
    )


def test_document_prepared_in_two_processes_stores_what_one_would(client, organization, helper):
    events = _events(12)
    doc = document(events)
    header = {k: v for k, v in doc.items() if k != "epcisBody"}
    expected = merge([prepare(events, header, doc["@context"], STAMP)])
    before = dict(helper)
    response = _post(client, organization, doc)
    assert response.status_code == 202
    assert (helper["documents"] - before["documents"], helper["events"] - before["events"]) == (1, 6)
    stored = list(Event.objects.order_by("pk").values_list("event_id", "event_hash", "body"))
    assert all(p.index.event_id == p.hash for p in expected)  # sent without eventIDs: their hashes are their IDs
    assert stored == [(p.index.event_id, None, p.body) for p in expected]  # and the hash is not kept twice
    assert LedgerLeaf.objects.filter(record_type="events.event").count() == 12


def test_problem_found_by_the_helper_names_its_place_in_the_document(client, organization, helper):
    events = _events(10)
    del events[8]["eventTime"]
    before = dict(helper)
    response = _post(client, organization, document(events))
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"event_index": 8, "pointer": "/epcisBody/eventList/8/eventTime", "message": "'eventTime' is required"}
    ]
    assert helper["documents"] - before["documents"] == 1
    assert Event.objects.count() == 0


def test_a_helper_that_died_is_replaced_by_preparing_here(client, organization, helper):
    parallel.pool._proc.kill()  # the helper process dies (OOM killer, operator…)
    parallel.pool._proc.wait()
    before = dict(helper)
    response = _post(client, organization, document(_events(8)))
    assert response.status_code == 202
    assert helper == before  # nothing came from a helper
    assert Event.objects.count() == 8

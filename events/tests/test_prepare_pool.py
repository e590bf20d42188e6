"""Large documents prepared partly in a real helper process: same stored events, same problems."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from core.models import AuditEntry
from events.epcis import parallel
from events.epcis.prepare import merge, prepare
from events.models import EpcKey, Event
from events.tests.helpers import GTIN_A, aggregation, body, document, lgtin, object_event, token_for, transformation
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
    parallel.pool._failed_at = float("-inf")  # a test that killed it: the next one starts one at once


def _share() -> float:
    """The helper's share of a large document: stored part by part on SQLite, prepared whole on PostgreSQL."""
    return parallel.HELPER_SHARE if connection.vendor == "sqlite" else 0.5


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
    assert (helper["documents"] - before["documents"], helper["events"] - before["events"]) == (
        1,
        int(12 * _share()),
    )
    stored = list(Event.objects.order_by("pk").values_list("event_id", "event_hash", "body"))
    assert all(p.index.event_id == p.hash for p in expected)  # sent without eventIDs: their hashes are their IDs
    assert stored == [(p.index.event_id, None, p.body) for p in expected]  # and the hash is not kept twice
    assert LedgerLeaf.objects.filter(record_type="events.event").count() == 12


def test_problem_found_by_the_helper_names_its_place_in_the_document(client, organization, helper):
    events = _events(10)  # 2 prepared here, then 4 parts of 2 from the helper: the last one fails
    del events[8]["eventTime"]
    before = dict(helper)
    response = _post(client, organization, document(events))
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"event_index": 8, "pointer": "/epcisBody/eventList/8/eventTime", "message": "'eventTime' is required"}
    ]
    assert helper["documents"] - before["documents"] == 1
    assert Event.objects.count() == 0  # nor anything the parts before it wrote
    assert (EpcKey.objects.count(), LedgerLeaf.objects.count()) == (0, 0)
    assert not AuditEntry.objects.filter(object_type="events.capture").exists()


def test_a_helper_that_died_is_replaced_by_preparing_here(client, organization, helper):
    parallel.pool._proc.kill()  # the helper process dies (OOM killer, operator…)
    parallel.pool._proc.wait()
    before = dict(helper)
    response = _post(client, organization, document(_events(8)))
    assert response.status_code == 202
    assert helper == before  # nothing came from a helper
    assert Event.objects.count() == 8


def _chain(n: int) -> list[dict]:
    """A document whose genealogy and shipments cross the helper's parts: lots shipped early and received late,
    a transformation told in two events (one transformationID) far apart, an aggregation, and a repeat."""
    lots = [lgtin(GTIN_A, f"C{i}") for i in range(6)]
    events = [
        object_event([lot], time=f"2026-11-01T07:{i:02d}:00+07:00", recordTime=STAMP) for i, lot in enumerate(lots)
    ]
    events.append(object_event([lots[0], lots[1]], biz_step="shipping", time="2026-11-01T09:00:00+07:00"))
    first = transformation([lots[0]], [lots[2]], time="2026-11-01T10:00:00+07:00")
    first["transformationID"] = "urn:uuid:6f3e8c1e-4c1b-4c55-9d55-0c6d1a2b3c4d"
    events.append(first)
    events += [object_event([lgtin(GTIN_A, f"F{i}")], time=f"2026-11-01T11:{i:02d}:00+07:00") for i in range(n - 12)]
    second = transformation([lots[3]], [lots[4]], time="2026-11-01T12:00:00+07:00")
    second["transformationID"] = first["transformationID"]
    events.append(second)
    events.append(aggregation(lots[5], [lots[4]], time="2026-11-01T13:00:00+07:00"))
    events.append(object_event([lots[0], lots[1]], biz_step="receiving", time="2026-11-01T14:00:00+07:00"))
    for event in events:
        event["recordTime"] = STAMP  # (else each capture stamps its own)
    events.append(dict(events[3]))  # the same event again: a duplicate, reported at its place
    return events


def _stored() -> dict[str, list]:
    """Everything capture wrote, named by eventIDs and keys (not primary keys)."""
    from events.models import EventEpc, LotEdge, Shipment

    return {
        "events": list(Event.objects.order_by("pk").values_list("event_id", "body")),
        "mentions": sorted(EventEpc.objects.values_list("event__event_id", "key__key", "role", "link")),
        "edges": sorted(LotEdge.objects.values_list("src__key", "dst__key", "kind", "event__event_id")),
        "shipments": sorted(
            Shipment.objects.values_list("key__key", "ship_event__event_id", "receive_event__event_id", "source")
        ),
        "leaves": [  # each names its event's primary key, which PostgreSQL does not give back on rollback
            {k: v for k, v in json.loads(bytes(data)).items() if k != "id"}
            for data in LedgerLeaf.objects.order_by("index").values_list("data", flat=True)
        ],
    }


def test_a_document_stored_part_by_part_is_stored_as_in_one_go(organization, helper, settings):
    from django.db import transaction

    from accounts.permissions import SYSTEM
    from events.services import capture_events

    events = _chain(40)
    settings.TRUYXUAT_CAPTURE_PREPARE_WORKERS = 0  # first in one part, rolled back
    with transaction.atomic():
        alone = capture_events(actor=SYSTEM, organization=organization, events=events)
        expected = _stored()
        transaction.set_rollback(True)
    assert Event.objects.count() == 0
    settings.TRUYXUAT_CAPTURE_PREPARE_WORKERS = 1
    before = dict(helper)
    parted = capture_events(actor=SYSTEM, organization=organization, events=events)
    assert helper["documents"] - before["documents"] == 1  # the helper prepared parts of it
    assert helper["events"] - before["events"] == int(len(events) * _share())
    assert _stored() == expected
    assert parted.stored == alone.stored and len(parted.stored) == len(events) - 1
    assert (
        parted.duplicates
        == alone.duplicates
        == [{"index": len(events) - 1, "eventID": alone.stored[3], "reason": "eventID", "existing": alone.stored[3]}]
    )
    job = parted.capture
    job.refresh_from_db()
    assert (job.event_count, job.stored_count, job.duplicate_count) == (len(events), len(events) - 1, 1)
    # C0→C2, then C3→C4, C3→C2 and C0→C4 (one transformationID), the aggregation C4→C5; C0 and C1 shipped
    assert len(expected["edges"]) == 5 and len(expected["shipments"]) == 2
    assert all(receive is not None for _k, _s, receive, _src in expected["shipments"])


def test_a_helper_that_dies_midway_leaves_the_rest_to_this_process(organization, helper, monkeypatch):
    from accounts.permissions import SYSTEM
    from events.services import capture_events

    answered = parallel._Pending.next_result

    def die_then_answer(self, timeout=parallel.HELPER_TIMEOUT):
        if self.helper._proc is not None:  # the helper process dies while its parts are due
            self.helper._proc.kill()
            self.helper._proc.wait()
        return answered(self, timeout)

    monkeypatch.setattr(parallel._Pending, "next_result", die_then_answer)
    events = _chain(40)
    before = dict(helper)
    result = capture_events(actor=SYSTEM, organization=organization, events=events)
    # the parts it wrote before dying are used (how many depends on timing), the others prepared here
    assert helper["events"] - before["events"] in ((0, 6, 12, 18, 24, 30, 32) if _share() > 0.5 else (0, 20))
    assert len(result.stored) == Event.objects.count() == len(events) - 1
    assert LedgerLeaf.objects.filter(record_type="events.event").count() == len(events) - 1


@pytest.mark.django_db(transaction=True)
def test_a_document_that_must_queue_for_the_write_lock_is_prepared_whole_first(organization, helper):
    import fcntl
    import os
    import threading

    from accounts.permissions import SYSTEM
    from core.storage import writelock
    from events.services import capture_events

    if connection.vendor != "sqlite":  # PostgreSQL has no capture write lock
        return
    fd = os.open(str(writelock.lock_path()), os.O_RDWR | os.O_CREAT)  # another capture is writing…
    fcntl.flock(fd, fcntl.LOCK_EX)
    threading.Timer(0.5, os.close, [fd]).start()  # … for half a second
    events = _chain(40)
    before = dict(helper)
    result = capture_events(actor=SYSTEM, organization=organization, events=events)
    assert helper["events"] - before["events"] == len(events) // 2  # in one part, the old split
    assert len(result.stored) == Event.objects.count() == len(events) - 1

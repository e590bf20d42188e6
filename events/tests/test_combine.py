"""Small captures arriving at once are stored together, each with its own outcome (writelock.Combiner)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from accounts.permissions import SYSTEM
from core.models import AuditEntry
from core.storage.writelock import Combiner
from events.models import Capture, Event, Shipment
from events.services import capture_events, store
from events.tests.helpers import GTIN_A, lgtin, object_event
from ledger.models import LedgerLeaf

pytestmark = pytest.mark.django_db(transaction=True)


def _queued(combiner: Combiner, n: int) -> None:
    deadline = time.monotonic() + 10
    while len(combiner._queue) < n:
        assert time.monotonic() < deadline, "the threads did not queue"
        time.sleep(0.005)


def _all_at_once(combiner: Combiner, work: list) -> list:
    """Run each of `work` (callables) in its own thread, all queued before any is written; their outcomes."""
    out: list = [None] * len(work)

    def run(i: int) -> None:
        try:
            out[i] = work[i]()
        except Exception as exc:  # the outcome of that one
            out[i] = exc
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(work))]
    with combiner._turn:  # a write is under way: all of them queue
        for t in threads:
            t.start()
        _queued(combiner, len(work))
    for t in threads:
        t.join(30)
    return out


def test_items_waiting_are_written_together_and_each_gets_its_own_result():
    combiner: Combiner[int, int] = Combiner()
    batches: list[list[int]] = []

    def write(items: list[int]) -> list[int]:
        batches.append(items)
        return [i * 10 for i in items]

    out = _all_at_once(combiner, [lambda i=i: combiner.run(i, write) for i in range(5)])
    assert out == [0, 10, 20, 30, 40]
    assert len(batches) == 1 and sorted(batches[0]) == [0, 1, 2, 3, 4]
    assert (combiner.batches, combiner.items) == (1, 5)
    assert combiner.run(7, write) == 70  # alone: a batch of one
    assert batches[-1] == [7]


def test_a_failed_combined_write_is_retried_item_by_item():
    combiner: Combiner[int, int] = Combiner()
    calls: list[list[int]] = []

    def write(items: list[int]) -> list[int]:
        calls.append(sorted(items))
        if 3 in items:
            raise ValueError("three")
        return items

    out = _all_at_once(combiner, [lambda i=i: combiner.run(i, write) for i in range(1, 5)])
    assert out[:2] == [1, 2] and out[3] == 4
    assert isinstance(out[2], ValueError) and str(out[2]) == "three"
    assert calls[0] == [1, 2, 3, 4] and sorted(calls[1:]) == [[1], [2], [3], [4]]


def test_single_event_captures_arriving_at_once_are_stored_together_as_one_after_another(organization):
    lot = lgtin(GTIN_A, "K1")
    shipped = object_event([lot], biz_step="shipping", time="2026-11-01T09:00:00+07:00")
    events = [
        object_event([lot], time="2026-11-01T08:00:00+07:00"),
        shipped,
        object_event([lot], biz_step="receiving", time="2026-11-01T10:00:00+07:00"),
        dict(shipped),  # the same event from another client: a duplicate of whichever came first
    ]
    before = store.combiner.batches, store.combiner.items, AuditEntry.objects.count()
    out = _all_at_once(
        store.combiner,
        [
            lambda e=e: capture_events(actor=SYSTEM, organization=organization, events=[e], source="api-event")
            for e in events
        ],
    )
    assert (store.combiner.batches - before[0], store.combiner.items - before[1]) == (1, 4)  # one transaction
    assert sorted(len(r.stored) for r in out) == [0, 1, 1, 1]
    assert sorted(len(r.duplicates) for r in out) == [0, 0, 0, 1]
    repeat = next(r for r in out if r.duplicates)
    assert repeat.duplicates[0]["reason"] == "eventID"
    assert repeat.duplicates[0]["existing"] in {s for r in out for s in r.stored}
    assert Event.objects.count() == 3 and LedgerLeaf.objects.filter(record_type="events.event").count() == 3
    jobs = {r.capture.pk: r for r in out}
    assert len(jobs) == 4  # each capture its own job, with its own counts
    for job in Capture.objects.filter(pk__in=jobs):
        assert (job.event_count, job.stored_count, job.duplicate_count) == (
            1,
            len(jobs[job.pk].stored),
            len(jobs[job.pk].duplicates),
        )
        assert list(Event.objects.filter(capture=job).values_list("event_id", flat=True)) == jobs[job.pk].stored
    assert AuditEntry.objects.count() - before[2] == 4
    assert sorted(
        AuditEntry.objects.filter(object_type="events.capture").values_list("object_id", flat=True)
    ) == sorted(str(pk) for pk in jobs)
    # the shipment opened by one capture is closed by another of the same transaction, if it came later
    rows = list(Shipment.objects.values_list("ship_event__event_id", "receive_event__event_id"))
    assert len(rows) in (1, 2) and all(ship or receive for ship, receive in rows)


def test_a_capture_that_fails_in_a_combined_write_fails_alone(organization, monkeypatch):
    insert = store.insert_events

    def failing(rows):  # a database failure for one capture's event (a full disk, a broken constraint…)
        if any("FAIL" in r.body for r in rows):
            raise RuntimeError("disk full")
        return insert(rows)

    monkeypatch.setattr(store, "insert_events", failing)
    events = [object_event([lgtin(GTIN_A, lot)]) for lot in ("A1", "FAIL", "A3")]
    out = _all_at_once(
        store.combiner,
        [lambda e=e: capture_events(actor=SYSTEM, organization=organization, events=[e]) for e in events],
    )
    assert [type(r).__name__ for r in out] == ["CaptureResult", "RuntimeError", "CaptureResult"]
    assert Event.objects.count() == 2 and Capture.objects.count() == 2
    assert LedgerLeaf.objects.filter(record_type="events.event").count() == 2
    assert not Event.objects.filter(body__contains="FAIL").exists()


def test_captures_inside_a_callers_transaction_are_not_combined(organization, settings):
    from django.db import transaction

    before = store.combiner.items
    with transaction.atomic():
        capture_events(actor=SYSTEM, organization=organization, events=[object_event()])
    assert store.combiner.items == before
    settings.TRUYXUAT_CAPTURE_COMBINE = False
    capture_events(actor=SYSTEM, organization=organization, events=[object_event([lgtin(GTIN_A, "Z")])])
    assert store.combiner.items == before
    settings.TRUYXUAT_CAPTURE_COMBINE = True
    capture_events(actor=SYSTEM, organization=organization, events=[object_event([lgtin(GTIN_A, "Y")])])
    assert store.combiner.items == before + 1

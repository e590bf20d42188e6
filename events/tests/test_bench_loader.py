"""The benchmark's province loader (bench/bench_epcis.py) writes events with the capture path's own code."""

from __future__ import annotations

import pytest
from django.db import connection

from accounts.permissions import SYSTEM
from catalog.models import Organization
from events.integrity import dangling_references
from events.models import Capture, Event, EventEpc, LotEdge
from events.services import capture_events
from events.tests.helpers import GTIN_A, lgtin, object_event

pytestmark = pytest.mark.django_db(transaction=True)


def _event_indexes() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events_event'")
        else:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'events_event'")
        return {name for (name,) in cursor.fetchall()}


def test_the_loader_stores_a_small_province_with_every_index_back():
    from bench import bench_epcis

    indexes = _event_indexes()
    stored, _seconds = bench_epcis.load(600, seed=5, parallel=False)
    assert stored == Event.objects.count() >= 600
    assert not Event.objects.filter(record_time__isnull=True).exists()
    assert set(Event.objects.values_list("capture_id", flat=True)) <= set(Capture.objects.values_list("pk", flat=True))
    assert EventEpc.objects.count() > stored and LotEdge.objects.exists()
    assert dangling_references() == {}  # the projections' references, unconstrained on PostgreSQL, all hold
    assert _event_indexes() == indexes  # the secondary indexes dropped for the load are rebuilt
    assert bench_epcis.added_by_runs() == 0  # the load writes no ledger leaves; captures after it do
    org = Organization.objects.filter(tax_code__startswith="69").first()
    capture_events(actor=SYSTEM, organization=org, events=[object_event([lgtin(GTIN_A, "RUN1")])], source="bench")
    assert bench_epcis.added_by_runs() == 1

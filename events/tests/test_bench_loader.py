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


def test_fresh_copy_makes_the_benchmarks_database_anew_from_a_loaded_one(tmp_path, monkeypatch):
    """`--fresh-from`: on a database server the URL's database is dropped and made from the loaded one as template
    (rows added to the copy are gone at the next copy); on SQLite the loaded data dir is copied over the bench's."""
    import os

    import psycopg

    from bench import bench_epcis
    from core.tests.served import _postgres, _with_database

    server = os.environ.get("TRUYXUAT_DATABASE_URL", "")
    if connection.vendor == "postgresql" and server:
        source, target = f"bench_loaded_{os.getpid()}", f"bench_run_{os.getpid()}"
        _postgres(server, f"CREATE DATABASE {source}")
        try:
            _postgres(_with_database(server, source), "CREATE TABLE loaded (n int); INSERT INTO loaded VALUES (7)")
            monkeypatch.setenv("TRUYXUAT_DATABASE_URL", _with_database(server, target))
            for _ in range(2):
                bench_epcis.fresh_copy(source, str(tmp_path))
                with psycopg.connect(_with_database(server, target), autocommit=True) as conn:
                    assert conn.execute("SELECT n FROM loaded").fetchall() == [(7,)]
                    conn.execute("INSERT INTO loaded VALUES (8)")  # a run's additions, gone at the next copy
        finally:
            _postgres(server, f"DROP DATABASE IF EXISTS {target} WITH (FORCE)")
            _postgres(server, f"DROP DATABASE IF EXISTS {source} WITH (FORCE)")
        return
    monkeypatch.delenv("TRUYXUAT_DATABASE_URL", raising=False)
    loaded, run = tmp_path / "loaded", tmp_path / "run"
    (loaded / "media").mkdir(parents=True)
    (loaded / "truyxuat.sqlite3").write_bytes(b"loaded")
    (loaded / "media" / "photo.jpg").write_bytes(b"jpg")
    bench_epcis.fresh_copy(str(loaded), str(run))
    assert (run / "truyxuat.sqlite3").read_bytes() == b"loaded"
    assert (run / "media" / "photo.jpg").read_bytes() == b"jpg"
    (run / "truyxuat.sqlite3").write_bytes(b"a run's additions")
    (run / "added.log").write_text("run")
    bench_epcis.fresh_copy(str(loaded), str(run))  # the run's additions are gone
    assert (run / "truyxuat.sqlite3").read_bytes() == b"loaded"
    assert not (run / "added.log").exists()
    with pytest.raises(SystemExit):
        bench_epcis.fresh_copy(str(loaded), str(loaded))

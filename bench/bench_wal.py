"""WAL written per captured document on PostgreSQL, with and without events_event's `_like` twin indexes.

    TRUYXUAT_PG_DURABLE=1 scripts/with-postgres.sh sh -c '
        .venv/bin/python bench/bench_epcis.py --events 200000 --data-dir /tmp/wal --load-only &&
        flock /tmp/truyxuat-bench.lock .venv/bin/python bench/bench_wal.py --data-dir /tmp/wal'

On a loaded province (bench_epcis.py), captures `--docs` documents of 1,000 new events through
`events.services.capture_events` after a CHECKPOINT (so each index page a document touches first is written
whole, as in steady running between checkpoints) and reads the WAL position before and after: first at the
newest migration, then with the events migrations taken back to `--back-to` (the twins rebuilt), then forward
again. Needs full_page_writes on (TRUYXUAT_PG_DURABLE=1), or the figures leave out the page images.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_epcis import load_average, run_number, setup


def wal_per_document(docs: int, seed: int) -> tuple[float, int]:
    """MB of WAL per 1,000-event document, and the count of `_like` indexes on events_event."""
    from django.db import connection

    from accounts.permissions import SYSTEM
    from bench.province_generator import Province
    from catalog.models import Organization
    from events.services import capture_events

    org = Organization.objects.filter(tax_code__startswith="69").first()
    events = [e for _o, evs in Province(seed=seed).batches(docs * 1000) for e in evs]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_indexes WHERE tablename = 'events_event' AND indexname LIKE %s", [r"%\_like"]
        )
        twins = cursor.fetchone()[0]
        cursor.execute("CHECKPOINT")
        cursor.execute("SELECT pg_current_wal_lsn()")
        start = cursor.fetchone()[0]
    for i in range(docs):
        capture_events(actor=SYSTEM, organization=org, events=events[i * 1000 : (i + 1) * 1000], source="bench")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s)", [start])
        written = float(cursor.fetchone()[0])
    return written / docs / 1e6, twins


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--docs", type=int, default=5)
    parser.add_argument("--back-to", default="0004_epckey_gln_not_indexed")
    args = parser.parse_args()
    setup(args.data_dir)
    from django.core.management import call_command
    from django.db import connection

    assert connection.vendor == "postgresql", "a PostgreSQL measure: run it under scripts/with-postgres.sh"
    with connection.cursor() as cursor:
        cursor.execute("SHOW full_page_writes")
        fpw = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM events_event")
        stored = cursor.fetchone()[0]
    print(f"PostgreSQL, {stored:,} events, full_page_writes={fpw}; load average {load_average()}")
    seed = 77_001 + 10 * run_number()
    for step, target in enumerate(("newest", args.back_to, "newest")):
        if step:
            call_command("migrate", "events", *([] if target == "newest" else [target]), verbosity=0)
        mb, twins = wal_per_document(args.docs, seed + step)
        print(f"  events at {target}: {twins} _like indexes on events_event, {mb:.2f} MB of WAL per document")
    print(f"load average at end: {load_average()}")


if __name__ == "__main__":
    main()

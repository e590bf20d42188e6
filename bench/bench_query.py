"""SimpleEventQuery pages (`GET /epcis/events` without the HTTP layer) on a loaded province. A plain script.

    cp -r /tmp/epcis1m /tmp/mine && sync          # never run it on a shared original: it migrates the copy
    .venv/bin/python bench/bench_query.py --data-dir /tmp/mine --migrate-only      # outside the lock
    flock /tmp/truyxuat-bench.lock .venv/bin/python bench/bench_query.py --data-dir /tmp/mine

Times `events.query.page` (filters, keyset page, rows with their capture loaded) for `EQ_readPoint` on the
busiest one and two locations, as the platform admin, the producer owning the busiest location and an officer
of its province: the first page and the fifth (through the previous pages' nextPageToken), in capture order
and by eventTime; `EQ_bizLocation` alongside as the yardstick. Prints the median and worst of `--rounds` runs;
`--plans` adds the query plans of the first pages (SQLite's EXPLAIN QUERY PLAN, PostgreSQL's EXPLAIN);
`--query F` times another version of `events/query.py` (`git show REV:events/query.py > F`: before/after).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_epcis import load_average, setup


def busiest_locations(n: int) -> list[tuple[str, int]]:
    """The `n` business locations with the most events, with the organisation capturing most of them."""
    from django.db.models import Count

    from events.models import Event

    top = Event.objects.values("biz_location").annotate(n=Count("id")).order_by("-n")[:n]
    result = []
    for row in top:
        org = (
            Event.objects.filter(biz_location=row["biz_location"])
            .values("organization_id")
            .annotate(n=Count("id"))
            .order_by("-n")[0]["organization_id"]
        )
        result.append((row["biz_location"], org))
    return result


def viewer_queryset(visibility: Any) -> Any:
    from events.models import Event

    return Event.objects.filter(visibility.event_filter()).select_related("capture")


QUERY: Any = None  # events.query, or the version given with --query


def timed_page(params: dict[str, str], visibility: Any, page_no: int, rounds: int) -> tuple[float, float, int]:
    """Median and worst ms of page `page_no` (1-based) of `params`, and its row count."""
    page = QUERY.page
    params = dict(params)
    for _ in range(page_no - 1):
        token = page(params, viewer_queryset(visibility)).next_token
        if token is None:
            return 0.0, 0.0, 0
        params["nextPageToken"] = token
    times, rows = [], 0
    for _ in range(rounds):
        start = time.perf_counter()
        rows = len(page(params, viewer_queryset(visibility)).events)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times), rows


def show_plan(params: dict[str, str], visibility: Any) -> None:
    from django.db import connection

    captured: list[tuple[str, Any]] = []

    def capture(execute: Any, sql: str, p: Any, many: bool, context: Any) -> Any:
        captured.append((sql, p))
        return execute(sql, p, many, context)

    with connection.execute_wrapper(capture):
        QUERY.page(params, viewer_queryset(visibility))
    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        for sql, p in captured:
            if sql.startswith("EXPLAIN"):  # events.query.by_branches asking SQLite's plan for the OR
                continue
            cursor.execute(explain + sql, p)
            print("      " + "\n      ".join(" ".join(str(c) for c in row) for row in cursor.fetchall()))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True, help="a loaded data dir (a copy: it is migrated)")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--migrate-only", action="store_true")
    parser.add_argument("--plans", action="store_true")
    parser.add_argument("--query", help="time this version of events/query.py (`git show REV:events/query.py > F`)")
    args = parser.parse_args()
    setup(args.data_dir)
    if args.migrate_only:
        return
    global QUERY
    if args.query:
        import importlib.util

        spec = importlib.util.spec_from_file_location("events.query_timed", args.query)
        assert spec and spec.loader
        QUERY = sys.modules[spec.name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(QUERY)
    else:
        from events import query as QUERY
    from django.db import connection

    from catalog.models import Organization
    from events.visibility import Visibility

    locations = busiest_locations(2)
    owner = locations[0][1]
    viewers = [
        ("admin", Visibility(everything=True)),
        ("producer", Visibility(organization_ids=frozenset({owner}))),
        ("officer", Visibility(province_code=Organization.objects.get(pk=owner).province_code)),
    ]
    print(f"database: {connection.vendor}; load average at start: {load_average()}")
    cases = [
        ("EQ_readPoint", 1),
        ("EQ_readPoint", 2),
        ("EQ_bizLocation", 1),
        ("EQ_bizLocation", 2),
    ]
    for name, n in cases:
        value = "|".join(loc for loc, _ in locations[:n])
        for order in ("", "eventTime"):
            params = {name: value, **({"orderBy": order} if order else {})}
            for who, visibility in viewers:
                figures = []
                for page_no in (1, 5):
                    med, worst, rows = timed_page(params, visibility, page_no, args.rounds)
                    figures.append(f"page {page_no}: {med:6.1f} ms (worst {worst:6.1f}, {rows} rows)")
                label = f"{name} x{n}{' by ' + order if order else ''}, {who}"
                print(f"  {label:<40} " + "; ".join(figures))
                if args.plans:
                    show_plan(params, visibility)
    print(f"load average at end: {load_average()}")


if __name__ == "__main__":
    main()

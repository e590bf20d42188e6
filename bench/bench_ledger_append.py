"""Append throughput of the database-backed ledger, by batch size, on SQLite and PostgreSQL.

    .venv/bin/python bench/bench_ledger_append.py              # 200,000 leaves per batch size
    .venv/bin/python bench/bench_ledger_append.py --leaves 50000 --only sqlite

What an EPCIS capture does: one transaction per document, ``ledger.services.append_many`` of
one leaf per event (record-sized canonical JSON), commit. Timed: append_many plus commit (the
caller already has its canonical bytes). Also one leaf per transaction with ``append``, the path of
single record writes (lot published, certificate added). Target (issue 4): >= 20,000 leaves/s
in batches. PostgreSQL runs on scripts/with-postgres.sh's throwaway server (fsync off).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_ledger import canonical, run_child, setup_django  # noqa: E402


def child(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="truyxuat-bench-") as d:
        setup_django(d)
        from django.db import connection, transaction

        from ledger.services import Item, append, append_many
        from ledger.tree import tree_size

        report: dict = {"database": connection.vendor, "batches": {}}
        for batch in (100, 1000, 10_000):
            n0 = tree_size()
            total = 0.0
            done = 0
            while done < args.leaves:
                k = min(batch, args.leaves - done)
                items = [Item("event", canonical(n0 + done + j), "events.event", str(n0 + done + j)) for j in range(k)]
                t = time.perf_counter()
                with transaction.atomic():
                    append_many(items)
                total += time.perf_counter() - t
                done += k
            report["batches"][str(batch)] = args.leaves / total
            print(f"  {connection.vendor}: batches of {batch:,}: {args.leaves / total:,.0f} leaves/s", flush=True)
        n0 = tree_size()
        single = min(args.leaves, 5000)
        data = [canonical(n0 + j) for j in range(single)]
        t = time.perf_counter()
        for j, c in enumerate(data):
            with transaction.atomic():
                append("lot", c, record_type="catalog.lot", record_id=str(j))
        report["single"] = single / (time.perf_counter() - t)
        print(f"  {connection.vendor}: one leaf per transaction: {report['single']:,.0f} leaves/s", flush=True)
        print("RESULT " + json.dumps(report), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--leaves", type=int, default=200_000)
    ap.add_argument("--only", choices=["sqlite", "postgresql"])
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args)
        return
    argv = ["--leaves", str(args.leaves)]
    here = str(Path(__file__).resolve())
    results = []
    if args.only in (None, "sqlite"):
        results.append(run_child(None, argv, script=here))
    if args.only in (None, "postgresql"):
        results.append(run_child(None, argv, wrapper=[str(ROOT / "scripts" / "with-postgres.sh")], script=here))
    print("== ledger appends (target >= 20,000 leaves/s in batches) ==")
    for r in results:
        if r:
            batches = ", ".join(f"{int(b):,}: {v:,.0f}/s" for b, v in r["batches"].items())
            print(f"  {r['database']}: batch {batches}; single appends {r['single']:,.0f}/s")


if __name__ == "__main__":
    main()

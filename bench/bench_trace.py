"""Trace benchmark with published lots, for the viewers bench_epcis.py cannot show. A plain script, not a test.

    .venv/bin/python bench/bench_trace.py --data-dir /tmp/epcis1m     # a province loaded by bench_epcis.py
    .venv/bin/python bench/bench_trace.py --data-dir /tmp/epcis10m --keep-copy /tmp/trace10m   # reused later

bench_epcis.py's province has no catalogue lots, so the public sees nothing and its public figures time only
"nothing visible". This script copies the loaded SQLite data dir (the original is never written), registers
a product for every second GTIN and a catalogue lot for about half of their lot codes (4 in 5 published),
adds a producer who is a member of one capturing organisation, then times backward+forward traces of the
same lots (random, and the generator's hubs) as the platform admin, the public and that producer:
p50/p99 (target < 50 ms p99 for lots reaching ≤ 10,000 lots).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import random
import shutil
import sys
import tempfile
import time
import zlib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def publish(seed: int) -> Any:
    """Products, catalogue lots and a producer on the copy; returns the producer (a user)."""
    from django.db import transaction

    from accounts.models import Membership, User
    from catalog.models import Lot, Organization, PriorityCategory, Product
    from events.models import EpcKey, Event

    gtins = sorted(set(EpcKey.objects.filter(kind="lgtin").values_list("gtin", flat=True)))
    orgs = list(Organization.objects.filter(tax_code__startswith="69").order_by("pk")[:50])
    category = PriorityCategory.objects.order_by("pk").first()
    assert category is not None, "no priority categories (migrations seed them)"
    with transaction.atomic():
        products = {}
        for i, gtin in enumerate(gtins[::2]):
            products[gtin] = Product.objects.create(
                organization=orgs[i % len(orgs)],
                gtin=gtin,
                name=f"Bench {gtin}",
                category=category,
                priority_group=category.priority_group,
                risk_class=category.default_risk_class,
            )
        # half the GTINs: one pass over the lot keys, filtered here (EpcKey.gtin is not indexed)
        keys = [
            row
            for row in EpcKey.objects.filter(kind="lgtin").values_list("pk", "gtin", "lot_code")
            if row[1] in products
        ]
        lots = []
        for _pk, gtin, code in keys:
            bucket = zlib.crc32(f"{seed}/{gtin}/{code}".encode()) % 10
            if bucket < 5:
                lots.append(
                    Lot(
                        product=products[gtin],
                        lot_code=code,
                        production_date=datetime.date(2026, 1, 1),
                        quantity=1,
                        status="published" if bucket < 4 else "draft",
                    )
                )
        Lot.objects.bulk_create(lots, batch_size=2000)
        lot_ids = {(lot.product_id, lot.lot_code): lot.pk for lot in Lot.objects.filter(product__in=products.values())}
        linked = [
            EpcKey(pk=pk, lot_id=lot_ids[(products[gtin].pk, code)])
            for pk, gtin, code in keys
            if (products[gtin].pk, code) in lot_ids
        ]
        EpcKey.objects.bulk_update(linked, ["lot"], batch_size=2000)
        busiest = Event.objects.exclude(organization=None).values_list("organization_id", flat=True).first()
        assert busiest is not None, "no events with an organisation"
        producer = User.objects.create(username=f"bench-producer-{seed}")
        Membership.objects.create(user=producer, organization_id=busiest, role="owner")
    print(f"  published: {len(products)} products, {len(lots):,} catalogue lots ({len(linked):,} identifiers linked)")
    return producer


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True, help="a SQLite data dir loaded by bench_epcis.py (copied)")
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--keep-copy",
        metavar="DIR",
        help="copy and publish into DIR and keep it; a later run with the same DIR reuses it (before/after timings "
        "of a 10M province without copying 17 GB twice; delete DIR when done)",
    )
    args = parser.parse_args()
    copy = args.keep_copy or tempfile.mkdtemp(prefix="truyxuat-bench-trace-")
    marker = Path(copy) / "PUBLISHED"
    reuse = bool(args.keep_copy) and marker.exists()
    try:
        if not reuse:
            Path(copy).mkdir(parents=True, exist_ok=True)
            for path in Path(args.data_dir).glob("truyxuat.sqlite3*"):  # the database and its WAL, if any
                shutil.copy2(path, Path(copy) / path.name)
        from bench.bench_epcis import load_average, pct, setup

        setup(copy)
        if reuse:
            from accounts.models import User

            producer = User.objects.get(pk=int(marker.read_text()))
            print(f"  reusing the published copy in {copy}")
        else:
            producer = publish(args.seed)
            if args.keep_copy:
                marker.write_text(str(producer.pk))
        from accounts.permissions import SYSTEM
        from bench.province_generator import HUB_FARM, HUB_LOT, HUB_RETAIL, gtin
        from core.errors import NotFound
        from events import selectors
        from events.models import EpcKey
        from events.services.keys import gtin_keys

        rng = random.Random(args.seed)
        ids = list(EpcKey.objects.filter(kind="lgtin").values_list("key", flat=True))
        chosen: list[tuple[str, int]] = []
        for key in rng.sample(ids, args.samples * 4):
            size = len(selectors.trace(key, viewer=SYSTEM).lots)
            if size <= 10_000:
                chosen.append((key, size))
            if len(chosen) >= args.samples:
                break
        hubs: list[tuple[str, int]] = []
        for number, count in ((HUB_LOT, 8), (HUB_FARM, 6), (HUB_RETAIL, 6)):
            keys = list(EpcKey.objects.filter(gtin_keys(gtin(number)), kind="lgtin").values_list("key", flat=True))
            for key in rng.sample(keys, min(count, len(keys))):
                size = len(selectors.trace(key, viewer=SYSTEM).lots)
                if size <= 10_000:
                    hubs.append((key, size))
        print(f"database: sqlite (copy of {args.data_dir}); load average at start: {load_average()}")
        for label, viewer in (("admin", SYSTEM), ("public", None), ("producer", producer)):
            for name, group in (("random lots", chosen), ("hub lots", hubs)):
                times, found = [], 0
                per_lot: dict[str, tuple[float, int]] = {}  # key: (slowest time, events listed)
                for _ in range(args.rounds):
                    for key, _size in group:
                        listed = 0
                        t = time.perf_counter()
                        with contextlib.suppress(NotFound):
                            listed = len(selectors.trace(key, viewer=viewer).event_pks)
                            found += 1
                        times.append((time.perf_counter() - t) * 1000)
                        per_lot[key] = (max(times[-1], per_lot.get(key, (0.0, 0))[0]), listed)
                sizes = [s for _k, s in group]
                slowest = sorted(per_lot.values(), reverse=True)[:3]
                print(
                    f"  trace ({label}, {name}: {len(group)} lots reaching {min(sizes)}–{max(sizes)} lots for the "
                    f"admin; {found // args.rounds} visible): p50 {pct(times, 50):.1f} ms, p99 {pct(times, 99):.1f} "
                    f"ms; events listed: max {max(n for _t, n in per_lot.values()):,}, slowest lots "
                    + ", ".join(f"{ms:.0f} ms/{n:,} events" for ms, n in slowest)
                )
        print(f"  load average at end: {load_average()}")
    finally:
        if not args.keep_copy:
            shutil.rmtree(copy, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("TRUYXUAT_DEBUG", "1")
    main()

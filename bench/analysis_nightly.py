"""The nightly analysis (`analysis.services.run_analysis`) over a loaded province, with its progress. A plain script.

    .venv/bin/python bench/analysis_nightly.py --events 1000000 --data-dir /work/benchdata/an1m   # load, analyse
    .venv/bin/python bench/analysis_nightly.py --data-dir /work/benchdata/an1m --skip-load        # analyse again

Loads the EPCIS province of `bench/province_generator.py` (`bench_epcis.load`: 1M events by default, its
TransformationEvents are what the processors' mass balance reads), then adds what the other detectors read and
that generator does not make: a growing area per farm of the generator (its organisations 0–1,999) with four
seasons of harvest, spraying and fertilising entries (Oct–Jan harvests, a seasonal history for the forecasts),
consumers' scans of stamped serials, and planted cases (farms harvesting 3× their plot's yield, stamps scanned in
two cities 40 minutes apart, sprayings recorded after a harvest inside their interval). Prints the load average,
each step's progress and time, the flags found, the planted cases found, the honest farms flagged (and apart, the
generator's processors, whose outputs are ~2.5× their inputs by its design, flagged for it), the yield ranges
learned from the four seasons (proposed, not applied: how many honest and planted farm-seasons each holds), and the
forecasts' back-test (MAPE over harvest months, share of months inside the 80 % interval), for the stored history
and for 20 synthetic seasonal series. On PostgreSQL (`TRUYXUAT_DATABASE_URL`), a VACUUM ANALYZE after the records
are added, as autovacuum would have left the server by night.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_epcis import load, load_average, organizations, peak_rss_mb, rebuild_dropped_indexes, setup  # noqa: E402

from bench.province_generator import Province  # noqa: E402

FARMS = 2000
SEASONS = 4
FRAUD_FARMS = 10
SERIALS = 5000
COPIED = 5
ROASTER = 20_000  # the generator's first processor owns the stamped product (its index; processors are 20,000+)


def add_records(seed: int = 7) -> dict[str, list[int]]:
    """Growing areas, diary, stamps and scans for the province's farms (idempotent: skipped when present)."""
    from catalog.models import GrowingArea, Organization, PriorityCategory, Product
    from demo.catalog import plot_polygon
    from diary.models import DiaryEntry
    from stamps.models import Scan, Stamp, StampBatch

    rnd = random.Random(seed)
    if GrowingArea.objects.filter(code__startswith="BENCH-").exists():
        farms = list(
            GrowingArea.objects.filter(code__startswith="BENCH-")
            .order_by("code")
            .values_list("organization_id", flat=True)
        )
        return {"fraud": farms[:FRAUD_FARMS], "honest": farms[FRAUD_FARMS:]}
    # the generator's own farms (org indices 0–1,999, made here if a small load did not reach them all): the first
    # 2,000 organisations by creation order also held its collectors and processors, whose flags then counted as
    # honest farms flagged
    index = organizations(set(range(FARMS)))
    farms = [index[i] for i in range(FARMS)]
    areas = [
        GrowingArea(
            organization_id=o,
            code=f"BENCH-{i:05d}",
            name=f"Vùng {i}",
            crop="Cà phê",
            ward_code=23425,
            declared_area_ha=Decimal(2),
            computed_area_ha=Decimal(2),
            boundary=plot_polygon(14.0 + (i % 50) * 0.02, 107.5 + (i // 50) * 0.02, 2.0),
        )
        for i, o in enumerate(farms)
    ]
    GrowingArea.objects.bulk_create(areas, batch_size=1000)
    areas = list(GrowingArea.objects.filter(code__startswith="BENCH-").order_by("code"))
    entries = []
    for i, area in enumerate(areas):
        fraud = i < FRAUD_FARMS
        for season in range(SEASONS):
            start = dt.datetime(2022 + season, 10, 15, 8, tzinfo=dt.UTC)
            per_ha = rnd.uniform(10_000, 14_000) * (3 if fraud else 1)
            for k in range(4):
                when = start + dt.timedelta(days=25 * k + rnd.randint(0, 5))
                q = Decimal(per_ha * 2 / 4 * rnd.uniform(0.8, 1.2)).quantize(Decimal("0.1"))
                entries.append(
                    DiaryEntry(
                        client_id=uuid.uuid4(),
                        organization_id=area.organization_id,
                        growing_area=area,
                        activity="harvesting",
                        occurred_at=when,
                        quantity=q,
                        unit="KGM",
                    )
                )
            spray_at = start - dt.timedelta(days=40)
            entries.append(
                DiaryEntry(
                    client_id=uuid.uuid4(),
                    organization_id=area.organization_id,
                    growing_area=area,
                    activity="spraying",
                    occurred_at=spray_at,
                    product_name="Abamectin",
                    phi_days=14,
                )
            )
            entries.append(
                DiaryEntry(
                    client_id=uuid.uuid4(),
                    organization_id=area.organization_id,
                    growing_area=area,
                    activity="fertilising",
                    occurred_at=spray_at - dt.timedelta(days=30),
                    product_name="NPK",
                )
            )
            if fraud and season == SEASONS - 1:
                entries.append(
                    DiaryEntry(
                        client_id=uuid.uuid4(),
                        organization_id=area.organization_id,
                        growing_area=area,
                        activity="spraying",
                        occurred_at=start + dt.timedelta(days=20),
                        product_name="Chlorpyrifos",
                        phi_days=21,
                    )
                )
    DiaryEntry.objects.bulk_create(entries, batch_size=2000)
    # entries recorded the day of the work, the planted late sprayings a month later
    from django.db.models import F

    DiaryEntry.objects.filter(growing_area__code__startswith="BENCH-").update(created_at=F("occurred_at"))
    late = DiaryEntry.objects.filter(growing_area__code__startswith="BENCH-", product_name="Chlorpyrifos")
    late.update(created_at=F("occurred_at") + dt.timedelta(days=60))
    owner = Organization.objects.get(pk=organizations({ROASTER})[ROASTER])
    product = Product.objects.create(
        organization=owner,
        gtin="08930000999992",
        name="Cà phê rang xay Bench",
        category=PriorityCategory.objects.get(code="coffee"),
        priority_group="UT1",
        risk_class="medium",
    )
    batch = StampBatch.objects.create(organization=owner, product=product, quantity=SERIALS, status="approved")
    Stamp.objects.bulk_create(
        [Stamp(batch=batch, gtin=product.gtin, serial=f"B{n}", check_hash="x") for n in range(SERIALS)], batch_size=2000
    )
    stamps = list(Stamp.objects.filter(batch=batch).order_by("pk"))
    scans = []
    for n, s in enumerate(stamps):
        for _k in range(rnd.randint(1, 4)):
            scans.append(
                Scan(
                    gtin=s.gtin,
                    serial=s.serial,
                    stamp=s,
                    address_hash="h",
                    latitude=Decimal("10.8"),
                    longitude=Decimal("106.7"),
                )
            )
        if n < COPIED:
            scans.append(
                Scan(
                    gtin=s.gtin,
                    serial=s.serial,
                    stamp=s,
                    address_hash="c",
                    latitude=Decimal("21.0"),
                    longitude=Decimal("105.9"),
                )
            )
    Scan.objects.bulk_create(scans, batch_size=2000)
    return {"fraud": farms[:FRAUD_FARMS], "honest": farms[FRAUD_FARMS:]}


def synthetic_backtests(n: int = 20) -> tuple[float, float]:
    """Back-tests on seasonal monthly series (4 years: a 4-month harvest season, ±20 % noise)."""
    import numpy as np

    from analysis.forecast import backtest

    rnd = np.random.default_rng(3)
    mapes, covs = [], []
    for _ in range(n):
        base = rnd.uniform(5e4, 5e5)
        shape = np.array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0.6, 1.0, 0.8])
        shape = np.roll(shape, int(rnd.integers(0, 12)))
        y = np.concatenate([base * shape * rnd.uniform(0.8, 1.2, 12) for _ in range(4)])
        r = backtest(y)
        mapes.append(r["mape"])
        covs.append(r["coverage"])
    return float(np.mean(mapes)), float(np.mean(covs))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--skip-load", action="store_true")
    args = parser.parse_args()
    data_dir = args.data_dir or tempfile.mkdtemp(prefix="bench-analysis-")
    setup(data_dir)
    from django.db import connection
    from django.db.models import Sum
    from django.utils import timezone

    from accounts.permissions import SYSTEM
    from analysis import services
    from analysis.choices import FlagKind
    from analysis.models import AnalysisRun, Flag, YieldProposal
    from diary.models import DiaryEntry
    from events.models import Event

    print(f"database: {connection.vendor}; load average at start: {load_average()}", flush=True)
    if not args.skip_load and not Event.objects.exists():
        n, secs = load(args.events, seed=1)
        print(f"loaded {n:,} events in {secs:,.0f} s ({n / secs:,.0f}/s)", flush=True)
    elif rebuilt := rebuild_dropped_indexes():
        print(f"{rebuilt} indexes an interrupted load had dropped were rebuilt (the loaded events are partial)")
    t = time.perf_counter()
    planted = add_records()
    print(f"records added in {time.perf_counter() - t:,.1f} s; events: {Event.objects.count():,}", flush=True)
    if connection.vendor == "postgresql":
        # as autovacuum would have left the server by night: fresh statistics and visibility maps after the load
        t = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(f"VACUUM ANALYZE in {time.perf_counter() - t:,.1f} s", flush=True)

    def show(run: AnalysisRun) -> None:
        print(f"  {run.progress:3d}% {run.step} ({time.perf_counter() - began:,.1f} s)", flush=True)

    began = time.perf_counter()
    run = services.run_analysis(actor=SYSTEM, now=timezone.now(), progress=show)
    total = time.perf_counter() - began
    print(f"analysis: {total:,.1f} s, peak RSS {peak_rss_mb():,.0f} MB; load average at the end: {load_average()}")
    for step, secs in run.counts["seconds"].items():
        print(f"  {step}: {secs} s")
    print("flags found:", dict(sorted(run.counts["found"].items())))
    area_orgs = set(Flag.objects.filter(kind=FlagKind.AREA_YIELD).values_list("organization_id", flat=True))
    phi_orgs = set(Flag.objects.filter(kind=FlagKind.PHI_AFTER).values_list("organization_id", flat=True))
    flagged = set(Flag.objects.values_list("organization_id", flat=True))
    honest = set(planted["honest"])
    print(
        f"planted 3x-yield farms found: {len(area_orgs & set(planted['fraud']))}/{len(planted['fraud'])}; "
        f"late sprayings found: {len(phi_orgs & set(planted['fraud']))}/{len(planted['fraud'])}; "
        f"copied stamps found: {Flag.objects.filter(kind=FlagKind.STAMP_TRAVEL).count()}/{COPIED}"
    )
    share = 100 * len(flagged & honest) / max(1, len(honest))
    print(f"honest farms flagged: {len(flagged & honest)}/{len(honest)} ({share:.2f} %)")
    # the generator's processors make 4–8 lots of 100 kg from 1–3 of 100 kg (~2.5×): not mass-balanced by design
    processors = set(organizations(set(range(20_000, 20_000 + Province.PROCESSORS))).values())
    balance = set(Flag.objects.filter(kind=FlagKind.PROCESSOR_BALANCE).values_list("organization_id", flat=True))
    print(
        f"generator's processors flagged for outputs above inputs (~2.5x by its design): "
        f"{len(balance & processors)}/{len(processors)}; other organisations flagged: "
        f"{len(flagged - honest - set(planted['fraud']) - processors)}"
    )
    honest_farms = set(planted["honest"])
    for p in YieldProposal.objects.filter(status="proposed"):
        lo, hi = float(p.min_kg_per_ha_year), float(p.max_kg_per_ha_year)
        inside = {"honest": [0, 0], "fraud": [0, 0]}
        per_ha = (
            DiaryEntry.objects.filter(growing_area__code__startswith="BENCH-", activity="harvesting")
            .values_list("organization_id", "growing_area__declared_area_ha", "occurred_at__year", "occurred_at__month")
            .annotate(q=Sum("quantity"))
        )
        seasons: dict[tuple[int, int], float] = {}
        for org, ha, year, month, q in per_ha:
            key = (org, year if month >= 10 else year - 1)
            seasons[key] = seasons.get(key, 0.0) + float(q) / float(ha)
        for (org, _y), v in seasons.items():
            group = inside["honest" if org in honest_farms else "fraud"]
            group[0] += lo <= v <= hi
            group[1] += 1
        print(
            f"learned yield {p.crop_label} (province {p.province_code}): {lo:,.0f}–{hi:,.0f} kg/ha/year from "
            f"{p.stats['samples']} area-seasons of {p.stats['areas']} areas, left out {p.stats['left_out']}; "
            f"holds {inside['honest'][0]}/{inside['honest'][1]} honest farm-seasons and "
            f"{inside['fraud'][0]}/{inside['fraud'][1]} planted 3x ones"
        )
    for crop, fc in run.counts.get("forecasts", {}).items():
        print(f"forecast {crop}: {fc['method']}; back-test {fc['backtest']}")
    mape, cov = synthetic_backtests()
    print(f"20 synthetic seasonal series: mean MAPE {mape:.1f} %, mean 80 % interval coverage {cov:.1f} %")


if __name__ == "__main__":
    main()

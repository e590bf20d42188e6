"""Periodic report benchmark on the synthetic province (1M EPCIS events by default). A plain script, not a test.

    .venv/bin/python bench/bench_reports.py --events 1000000        # SQLite in a temporary data dir
    scripts/with-postgres.sh .venv/bin/python bench/bench_reports.py --events 1000000

1. loads the province's events with bench_epcis.load (bench/province_generator.py);
2. adds the catalogue around them: products and lots for the bench organisations (published across the year),
   lab tests, inspections, violations and recalls;
3. generates the quarterly, half-year and annual reports of the province and a commune's quarterly report
   through `reports.services.generate` (figures, XLSX and PDF), printing progress; target < 30 s each.

Measured 2026-11-28 on SQLite, 2 shared cores, 1,000,034 events, 2,531 organisations, 126,550 lots, 20,000
tests: quarter 2.9 s, half-year 2.9 s, year 2.9 s, one commune's quarter 4.7 s (loading took 29 min).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def catalogue(products_per_org: int, lots_per_product: int, year: int) -> dict[str, int]:
    from django.utils import timezone

    from catalog.models import Lot, Organization, PriorityCategory, Product
    from gs1.keys import with_check_digit
    from quality.models import Analyte, Inspection, LabTest, Violation

    rng = random.Random(7)
    cats = list(PriorityCategory.objects.all())
    wards = [23425, 23500, 23473, 21025, 23461]
    orgs = list(Organization.objects.filter(tax_code__startswith="69"))
    for i, org in enumerate(orgs):
        org.ward_code = wards[i % len(wards)]
        org.kind = ["enterprise", "cooperative", "household"][i % 3]
        org.approved_at = timezone.now()
    Organization.objects.bulk_update(orgs, ["ward_code", "kind", "approved_at"], batch_size=1000)
    products, n = [], 0
    for org in orgs:
        for _ in range(products_per_org):
            cat = rng.choice(cats)
            products.append(
                Product(
                    organization=org,
                    gtin="0" + with_check_digit(f"89399{n:07d}"),
                    name=f"SP {n}",
                    category=cat,
                    priority_group=cat.priority_group,
                    risk_class=cat.default_risk_class,
                    ocop_stars=rng.choice([None, None, None, 3, 4, 5]),
                    brand="B",
                )
            )
            n += 1
    Product.objects.bulk_create(products, batch_size=2000)
    products = list(Product.objects.filter(gtin__startswith="089399"))
    lots = []
    start = dt.datetime(year, 1, 1, 8, tzinfo=dt.UTC)
    for p in products:
        for k in range(lots_per_product):
            published = start + dt.timedelta(days=rng.randrange(365), minutes=rng.randrange(600))
            status = rng.choice(["published"] * 8 + ["submitted", "draft", "recalled"])
            lots.append(
                Lot(
                    product=p,
                    lot_code=f"B{k}",
                    production_date=published.date(),
                    quantity=100,
                    status=status,
                    published_at=published if status in ("published", "recalled") else None,
                )
            )
    Lot.objects.bulk_create(lots, batch_size=5000)
    analytes = list(Analyte.objects.all())
    tests = [
        LabTest(
            kind="rapid",
            analyte=rng.choice(analytes),
            value=rng.random(),
            unit="mg/kg",
            limit=0.5,
            passed=rng.random() > 0.05,
            laboratory="Bench",
            sampled_on=dt.date(year, 1, 1) + dt.timedelta(rng.randrange(365)),
            organization=rng.choice(orgs),
        )
        for _ in range(20_000)
    ]
    LabTest.objects.bulk_create(tests, batch_size=5000)
    agency = Organization.objects.filter(kind="agency").first() or orgs[0]
    inspections = []
    for _ in range(3000):
        org = rng.choice(orgs)
        day = dt.date(year, 1, 1) + dt.timedelta(rng.randrange(365))
        facility = org.facilities.first()
        if facility is None:
            from catalog.models import Facility

            facility = Facility.objects.create(
                organization=org, name="F", kind="farm", gln=with_check_digit(f"89398{org.pk:07d}")
            )
        inspections.append(
            Inspection(
                facility=facility,
                organization=org,
                agency=agency,
                planned_on=day,
                inspected_on=day,
                status="done",
                verdict=rng.choice("ABC"),
            )
        )
    Inspection.objects.bulk_create(inspections, batch_size=2000)
    Violation.objects.bulk_create(
        [
            Violation(
                organization=rng.choice(orgs),
                description="v",
                found_on=dt.date(year, 1, 1) + dt.timedelta(rng.randrange(365)),
            )
            for _ in range(2000)
        ],
        batch_size=2000,
    )
    return {"organisations": len(orgs), "products": len(products), "lots": len(lots), "lab_tests": len(tests)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--products-per-org", type=int, default=2)
    parser.add_argument("--lots-per-product", type=int, default=25)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    from bench_epcis import load, setup

    data_dir = tempfile.mkdtemp(prefix="bench-reports-")
    setup(data_dir)
    from django.db import connection

    print(f"database: {connection.vendor}  data dir: {data_dir}")
    n, seconds = load(args.events, args.seed)
    print(f"loaded {n:,} events in {seconds:.1f} s")
    from django.db.models import Max, Min

    from accounts.models import User
    from catalog.tests.factories import AgencyFactory
    from events.models import Event
    from reports import services

    span = Event.objects.aggregate(a=Min("event_time"), b=Max("event_time"))
    year = span["b"].year
    print(f"events from {span['a']:%Y-%m-%d} to {span['b']:%Y-%m-%d}")
    t = time.perf_counter()
    print(
        "catalogue:",
        catalogue(args.products_per_org, args.lots_per_product, year),
        f"({time.perf_counter() - t:.1f} s)",
    )
    agency = AgencyFactory(name="Sở Khoa học và Công nghệ")
    officer = User.objects.create(username="bench-officer", agency=agency)
    quarter = (span["b"].month - 1) // 3 + 1
    runs = [
        ("quarter", quarter, None),
        ("half", 1 if quarter <= 2 else 2, None),
        ("year", 1, None),
        ("quarter", quarter, 23425),
    ]
    import reports.services as rs

    original = rs._set
    current = {"start": 0.0}

    def traced(j, progress, message, **fields):  # type: ignore[no-untyped-def]
        original(j, progress, message, **fields)
        print(f"    {time.perf_counter() - current['start']:6.2f} s  {progress:3d}%  {message}", flush=True)

    rs._set = traced
    for kind, number, ward in runs:
        job = services.request_report(actor=officer, period_kind=kind, year=year, number=number, ward_code=ward)
        start = current["start"] = time.perf_counter()
        job = services.generate(job)
        elapsed = time.perf_counter() - start
        f = job.figures
        print(
            f"{kind} {number}/{year}{' ward ' + str(ward) if ward else ''}: {job.status} in {elapsed:.2f} s "
            f"(events in period {f['events']['in_period']:,}, lots published {f['lots']['published_in_period']:,}, "
            f"xlsx {job.xlsx.size:,} B, pdf {job.pdf.size:,} B) {'OK' if elapsed < 30 else 'SLOW'}"
        )


if __name__ == "__main__":
    main()

# mypy: disable-error-code="misc,arg-type,attr-defined,var-annotated"
"""Open-data snapshot benchmark at the size of the 1M-event synthetic province's catalogue. A plain script.

    .venv/bin/python bench/exchange_opendata.py                 # SQLite in a temporary data dir
    scripts/with-postgres.sh .venv/bin/python bench/exchange_opendata.py

The open datasets are catalogue records (organisations, products, published lots, certificates, recalls) and
statistics, not the events themselves; this builds the catalogue that `bench/bench_reports.py` puts around the 1M
events (2,531 organisations, 2 products each, 25 published lots per product: 126,550 lots; certificates), skips
loading the events (29 min here), and times a full snapshot (CSV, JSON and Parquet per dataset, the Data Package,
the ledger leaves), printing progress per dataset, then a changes release after 1,000 new publications.
Target: < 60 s for the snapshot.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--organizations", type=int, default=2531)
    parser.add_argument("--products-per-org", type=int, default=2)
    parser.add_argument("--lots-per-product", type=int, default=25)
    args = parser.parse_args()
    from bench_epcis import setup

    data_dir = tempfile.mkdtemp(prefix="bench-opendata-")
    setup(data_dir)
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import User
    from catalog.models import Certificate, Lot, Organization, PriorityCategory, Product
    from catalog.tests.factories import AgencyFactory
    from catalog.validators import tax_code_check_digit
    from exchange.choices import ReleaseKind
    from exchange.opendata.services import release
    from gs1.keys import with_check_digit

    print(f"database: {connection.vendor}  data dir: {data_dir}  (measured on a shared machine)")
    t0 = time.perf_counter()
    cats = list(PriorityCategory.objects.all())
    now = timezone.now()
    with transaction.atomic():
        orgs, n = [], 0
        while len(orgs) < args.organizations:
            nine = f"69{n:07d}"
            n += 1
            check = tax_code_check_digit(nine)
            if check is None:
                continue
            orgs.append(
                Organization(
                    name=f"Cơ sở {n}",
                    kind="cooperative",
                    tax_code=f"{nine}{check}",
                    province_code=51,
                    ward_code=[23425, 23500, 23473][n % 3],
                    street_address="Thôn 1",
                    status="approved",
                    phone="0905000000",
                    email="x@example.vn",
                    representative="Nguyễn Văn A",
                    search_text=f"co so {n}",
                )
            )
        orgs = Organization.objects.bulk_create(orgs, batch_size=2000)
        products = [
            Product(
                organization=o,
                gtin="0" + with_check_digit(f"89399{i * args.products_per_org + k:07d}"),
                name=f"SP {i}-{k}",
                category=cats[(i + k) % len(cats)],
                priority_group="UT1",
                risk_class="medium",
                brand="B",
                search_text=f"sp {i}",
            )
            for i, o in enumerate(orgs)
            for k in range(args.products_per_org)
        ]
        products = Product.objects.bulk_create(products, batch_size=2000)
        day = dt.date(2026, 6, 1)
        lots = [
            Lot(
                product=p,
                lot_code=f"L{j:04d}",
                production_date=day,
                quantity=100,
                unit="KGM",
                status="published",
                published_at=now - dt.timedelta(minutes=j),
            )
            for p in products
            for j in range(args.lots_per_product)
        ]
        Lot.objects.bulk_create(lots, batch_size=5000)
        Certificate.objects.bulk_create(
            [
                Certificate(
                    organization=o,
                    kind="vietgap",
                    number=f"VG-{o.pk}",
                    issuer="QUACERT",
                    valid_from=dt.date(2025, 1, 1),
                    valid_to=dt.date(2028, 1, 1),
                    scope="organization",
                )
                for o in orgs
            ],
            batch_size=2000,
        )
    print(
        f"catalogue: {len(orgs):,} organisations, {len(products):,} products, {len(lots):,} published lots "
        f"({time.perf_counter() - t0:.1f} s)"
    )
    officer = User.objects.create(username="bench-officer", agency=AgencyFactory(name="Sở KH&CN"))
    start = time.perf_counter()

    def progress(name: str, rows: int) -> None:
        print(f"    {time.perf_counter() - start:6.2f} s  {name}: {rows:,} rows", flush=True)

    rel = release(actor=officer, progress=progress)
    snapshot = time.perf_counter() - start
    size = sum(f.size for f in rel.files.all())
    print(f"snapshot: {rel.files.count()} files, {size / 1e6:.1f} MB in {snapshot:.1f} s (target < 60 s)")
    Lot.objects.bulk_create(
        [
            Lot(
                product=products[i],
                lot_code=f"N{i:04d}",
                production_date=day,
                quantity=1,
                unit="KGM",
                status="published",
                published_at=timezone.now(),
            )
            for i in range(1000)
        ]
    )
    start = time.perf_counter()
    changes = release(actor=officer, kind=ReleaseKind.CHANGES)
    rows = changes.files.get(dataset="lots", path="lots.csv").rows
    print(f"changes: {rows:,} new lots in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()

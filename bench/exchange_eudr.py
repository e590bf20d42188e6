# mypy: disable-error-code="misc,arg-type,attr-defined,var-annotated"
"""EUDR package benchmark: a shipment whose roasted lot was made from 2,000 harvests, one plot each.

    .venv/bin/python bench/exchange_eudr.py --plots 2000        # SQLite in a temporary data dir
    scripts/with-postgres.sh .venv/bin/python bench/exchange_eudr.py

Builds (not timed) 2,000 growing areas with boundaries and a harvest lot on each, one roasting that takes them all
(through `logistics.services.transform`: one EPCIS TransformationEvent, 2,000 genealogy edges) and a shipment of
its output; then times, as the exporter: the assessment (backward trace, plots, geometry and area checks, overlap
with a forest layer of 500 polygons), the GeoJSON text, and the whole package (GeoJSON, PDF summary, ledger proof
bundle). Target: < 5 s for the package.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--plots", type=int, default=2000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    from bench_epcis import setup

    data_dir = tempfile.mkdtemp(prefix="bench-eudr-")
    setup(data_dir)
    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import Membership
    from accounts.tests.factories import UserFactory
    from catalog.models import GrowingArea, Lot, PriorityCategory
    from catalog.tests.factories import OrganizationFactory, ProductFactory
    from exchange.eudr.assess import assess
    from exchange.eudr.package import package
    from exchange.tests.chain import plot_polygon
    from logistics import services

    print(f"database: {connection.vendor}  data dir: {data_dir}  (measured on a shared machine)")
    t0 = time.perf_counter()
    coffee = PriorityCategory.objects.get(code="coffee")
    roaster = OrganizationFactory(name="Bench roaster", kind="processor")
    user = UserFactory(username="bench-roaster")
    Membership.objects.create(user=user, organization=roaster, role="owner")
    green = ProductFactory(organization=roaster, name="Green coffee", category=coffee)
    roasted = ProductFactory(organization=roaster, name="Roasted coffee", category=coffee)
    areas, plots = [], []
    for i in range(args.plots):
        lat, lon = 14.0 + (i // 50) * 0.01, 107.5 + (i % 50) * 0.01
        ha = 2.0 + (i % 5)
        areas.append(
            GrowingArea(
                organization=roaster,
                code=f"VT-B-{i:05d}",
                name=f"Plot {i}",
                crop="Cà phê",
                declared_area_ha=Decimal(str(ha)),
                computed_area_ha=Decimal(str(ha)),
                boundary=plot_polygon(lat, lon, ha),
                search_text=f"plot {i}",
            )
        )
        plots.append((lat, lon))
    with transaction.atomic():
        GrowingArea.objects.bulk_create(areas, batch_size=1000)
        day = dt.date(2026, 10, 1)
        lots = Lot.objects.bulk_create(
            [
                Lot(product=green, lot_code=f"H{i:05d}", production_date=day, quantity=100, unit="KGM")
                for i in range(args.plots)
            ]
        )
        through = Lot.origin_areas.through
        through.objects.bulk_create(
            [through(lot_id=lot.pk, growingarea_id=a.pk) for lot, a in zip(lots, areas, strict=True)]
        )
    made = services.transform(
        actor=user,
        organization=roaster,
        data={
            "process": "roasting",
            "inputs": [{"lot": lot.pk, "quantity": "100"} for lot in lots],
            "outputs": [{"product": roasted.pk, "quantity": str(80 * args.plots), "unit": "KGM"}],
            "occurred_at": timezone.now() - dt.timedelta(days=1),
        },
    )
    output = made.outputs.get()
    shipment = services.create_shipment(
        actor=user,
        organization=roaster,
        data={
            "buyer_name": "EU importer",
            "buyer_phone": "0905 123 456",
            "lines": [{"lot": output, "quantity": "1000"}],
        },
    )
    forest = [
        {"type": "Feature", "properties": {}, "geometry": plot_polygon(lat + 0.001, lon + 0.001, 1.0)}
        for lat, lon in plots[:: max(1, args.plots // 500)]
    ]
    layer = Path(data_dir) / "forest.geojson"
    layer.write_text(json.dumps({"type": "FeatureCollection", "features": forest}))
    settings.TRUYXUAT_EUDR_FOREST_LAYER = str(layer)
    print(f"built {args.plots:,} plots, lots and one roasting in {time.perf_counter() - t0:.1f} s")

    if "--profile" in sys.argv:
        import cProfile
        import pstats

        cProfile.runctx("assess(shipment, user)", globals(), locals(), "/tmp/eudr.prof")
        pstats.Stats("/tmp/eudr.prof").sort_stats("cumulative").print_stats("exchange|trace|query.py:3|ledger", 30)
        return
    for run in (1, 2):
        t = time.perf_counter()
        a = assess(shipment, user)
        t_assess = time.perf_counter() - t
        text = a.geojson()
        t_geojson = time.perf_counter() - t - t_assess
        data = package(a)
        total = time.perf_counter() - t
        failing = len({area.code for _lot, area, _why in a.failing_lots()})
        print(
            f"run {run}: {len(a.plots):,} plots, {failing} overlapping forest; assess {t_assess:.2f} s, "
            f"GeoJSON {len(text) / 1e6:.1f} MB {t_geojson:.2f} s, package {len(data) / 1e6:.1f} MB "
            f"total {total:.2f} s (target < 5 s)"
        )


if __name__ == "__main__":
    main()

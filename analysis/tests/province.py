"""A synthetic province with planted frauds, for the analysis tests and `bench/analysis_nightly.py`.

Honest cooperatives harvest within their plots' yield, record their diary on time and their stamps are scanned in
one city; the planted cases: a cooperative selling 3× its plot's yield, a roaster whose output is above its input,
a stamp scanned in Đà Nẵng and Hà Nội 40 minutes apart, a spraying recorded after a harvest and dated inside its
pre-harvest interval. Rows of projections are written in bulk (the events behind them are not what is tested
here); the roasters' TransformationEvents go through the one capture path."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import F

from accounts.permissions import SYSTEM
from analysis import services
from catalog.models import GrowingArea, Lot, Organization, PriorityCategory, Product
from catalog.tests.factories import GrowingAreaFactory, OrganizationFactory, ProductFactory
from demo.catalog import plot_polygon
from diary.models import DiaryEntry
from events.services.capture import capture_events
from stamps.models import Scan, Stamp, StampBatch

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
HONEST = 60


@dataclass
class Planted:
    honest: list[int] = field(default_factory=list)
    seller: Any = None
    seller_area: Any = None
    roaster: Any = None
    stamp: Stamp | None = None
    sprayer: Any = None
    sprayer_lot: Lot | None = None


def _entry(org: Organization, area: GrowingArea, activity: str, when: dt.datetime, **kw: object) -> DiaryEntry:
    return DiaryEntry(
        client_id=uuid.uuid4(), organization=org, growing_area=area, activity=activity, occurred_at=when, **kw
    )


def _transformation(inp: str, out: str, kg_in: float, kg_out: float, when: str) -> dict[str, object]:
    return {
        "type": "TransformationEvent",
        "eventTime": when,
        "eventTimeZoneOffset": "+07:00",
        "inputQuantityList": [{"epcClass": inp, "quantity": kg_in, "uom": "KGM"}],
        "outputQuantityList": [{"epcClass": out, "quantity": kg_out, "uom": "KGM"}],
        "bizStep": "commissioning",
    }


def build(honest: int = HONEST) -> Planted:
    planted = Planted()
    services.set_reference_yield(actor=SYSTEM, crop="Cà phê", min_kg=Decimal(8000), max_kg=Decimal(20000))
    coffee = PriorityCategory.objects.get(code="coffee")
    entries: list[DiaryEntry] = []
    start = dt.datetime(2025, 10, 20, 8, tzinfo=dt.UTC)
    for i in range(honest + 2):
        org = OrganizationFactory()
        area = GrowingAreaFactory(
            organization=org,
            declared_area_ha=Decimal(2),
            crop="Cà phê",
            boundary=plot_polygon(14.5 + i * 0.01, 107.9, 2.0),
        )
        lat = Decimal(str(round(14.5 + i * 0.01, 6)))
        if i < honest:
            planted.honest.append(org.pk)
            kg = Decimal(24000 + (i % 7) * 1000)  # 12–15 t/ha: inside the 8–20 t range
        elif i == honest:
            planted.seller, planted.seller_area = org, area
            kg = Decimal(90000)  # 45 t/ha: three times a good yield
        else:
            planted.sprayer = org
            kg = Decimal(26000)
        for k in range(4):  # four pickings a season, each recorded the same day
            when = start + dt.timedelta(days=10 * k + i % 5)
            entries.append(
                _entry(
                    org, area, "harvesting", when, quantity=kg / 4, unit="KGM", latitude=lat, longitude=Decimal("107.9")
                )
            )
        entries.append(_entry(org, area, "fertilising", start - dt.timedelta(days=30), product_name="NPK"))
    DiaryEntry.objects.bulk_create(entries)
    for e in DiaryEntry.objects.all():
        DiaryEntry.objects.filter(pk=e.pk).update(created_at=e.occurred_at + dt.timedelta(hours=3))
    # the late spraying: recorded a week after the harvest, dated three days before it, 14 days' interval
    sprayer_area = GrowingArea.objects.get(organization=planted.sprayer)
    product = ProductFactory(organization=planted.sprayer, risk_class="high", category=coffee)
    lot = Lot.objects.create(
        product=product, lot_code="PHUN1", production_date=dt.date(2025, 10, 20), quantity=Decimal(6500), unit="KGM"
    )
    planted.sprayer_lot = lot
    harvest = DiaryEntry.objects.filter(organization=planted.sprayer, activity="harvesting").order_by("occurred_at")[0]
    DiaryEntry.objects.filter(pk=harvest.pk).update(lot=lot)
    spray = _entry(
        planted.sprayer,
        sprayer_area,
        "spraying",
        harvest.occurred_at - dt.timedelta(days=3),
        product_name="Chlorpyrifos",
        phi_days=14,
    )
    spray.save()
    DiaryEntry.objects.filter(pk=spray.pk).update(created_at=harvest.created_at + dt.timedelta(days=7))
    # roasters: the honest one keeps 83 % of its green coffee, the planted one gives out 120 %
    for name, ratio in (("Rang xay Trung thực", 0.83), ("Rang xay Thổi phồng", 1.2)):
        org = OrganizationFactory(name=name)
        green = ProductFactory(organization=org, name="Cà phê nhân xanh")
        roasted = ProductFactory(organization=org, name="Cà phê rang xay")
        events = [
            _transformation(
                f"https://id.gs1.org/01/{green.gtin}/10/N{k}",
                f"https://id.gs1.org/01/{roasted.gtin}/10/R{k}",
                1000,
                1000 * ratio,
                f"2026-0{k + 1}-10T08:00:00+07:00",
            )
            for k in range(3)
        ]
        capture_events(actor=SYSTEM, organization=org, events=events)
        if ratio > 1:
            planted.roaster = org
        else:
            planted.honest.append(org.pk)
    # stamps: honest scans in Kon Tum a day apart; the copied one in Đà Nẵng then Hà Nội 40 minutes later
    owner = Organization.objects.get(pk=planted.honest[0])
    stamped = Product.objects.filter(organization=owner).first() or ProductFactory(organization=owner)
    batch = StampBatch.objects.create(organization=owner, product=stamped, quantity=3, status="approved")
    stamps = [Stamp.objects.create(batch=batch, gtin=stamped.gtin, serial=f"S{n}", check_hash="x") for n in range(3)]
    scans = []
    for s in stamps[:2]:
        for _d in range(2):
            scans.append(
                Scan(
                    gtin=s.gtin,
                    serial=s.serial,
                    stamp=s,
                    address_hash="h",
                    latitude=Decimal("14.3"),
                    longitude=Decimal("108.0"),
                )
            )
    copied = stamps[2]
    scans.append(
        Scan(
            gtin=copied.gtin,
            serial=copied.serial,
            stamp=copied,
            address_hash="a",
            latitude=Decimal("16.1"),
            longitude=Decimal("108.2"),
        )
    )
    scans.append(
        Scan(
            gtin=copied.gtin,
            serial=copied.serial,
            stamp=copied,
            address_hash="b",
            latitude=Decimal("21.0"),
            longitude=Decimal("105.9"),
        )
    )
    Scan.objects.bulk_create(scans)
    times = [NOW - dt.timedelta(days=3 - i // 2, hours=i) for i in range(4)]
    times += [NOW - dt.timedelta(hours=5), NOW - dt.timedelta(hours=5) + dt.timedelta(minutes=40)]
    for scan, at in zip(Scan.objects.order_by("pk"), times, strict=True):
        Scan.objects.filter(pk=scan.pk).update(at=at)
    planted.stamp = copied
    return planted


def add_history(planted: Planted, seasons: tuple[int, ...] = (2022, 2023, 2024)) -> None:
    """Earlier crop years for every growing area of `build`, harvested as in 2025: honest areas 12–15 t/ha (the
    figure turns with the season), the seller three times a good yield (45 t/ha), the sprayer 13 t/ha. With 2025
    these are four finished seasons before `NOW`, enough for the yield table to be learned. Recorded the day of the
    work (created_at as occurred_at), so no record looks back-dated."""
    entries: list[DiaryEntry] = []
    for i, area in enumerate(GrowingArea.objects.select_related("organization").order_by("pk")):
        for year in seasons:
            if area.organization == planted.seller:
                kg = Decimal(90000)
            elif area.organization == planted.sprayer:
                kg = Decimal(26000)
            else:
                kg = Decimal(24000 + ((i + year) % 7) * 1000)
            start = dt.datetime(year, 10, 20, 8, tzinfo=dt.UTC)
            entries += [
                _entry(
                    area.organization,
                    area,
                    "harvesting",
                    start + dt.timedelta(days=10 * k + i % 5),
                    quantity=kg / 4,
                    unit="KGM",
                    latitude=Decimal(str(round(14.5 + i * 0.01, 6))),
                    longitude=Decimal("107.9"),
                )
                for k in range(4)
            ]
    made = DiaryEntry.objects.bulk_create(entries)
    DiaryEntry.objects.filter(pk__in=[e.pk for e in made]).update(created_at=F("occurred_at") + dt.timedelta(hours=3))

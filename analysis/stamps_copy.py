"""Copied stamps, from consumers' scans (`stamps.Scan`: time, code, location rounded to 0.1° when shared):
one serial scanned far apart faster than goods travel, in more places than a product plausibly reaches, long
after its lot's expiry, or a serial never issued for a product that has stamps."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from itertools import pairwise

from analysis.choices import FlagKind
from analysis.findings import Finding, day
from analysis.geo import haversine_km, place_name
from catalog.models import Product
from stamps.models import Scan, Stamp

MIN_KM = 100  # coarse locations are ±8 km: nearer pairs prove nothing
MAX_KMH = 200  # faster than a product travels by road or rail between two scans
MAX_PLACES = 4  # distinct cities of one stamp's scans
EXPIRY_GRACE = dt.timedelta(days=30)
WINDOW = dt.timedelta(days=180)


def _minutes(delta: dt.timedelta) -> int:
    return int(delta.total_seconds() // 60)


def copied_stamps(now: dt.datetime) -> Iterator[Finding]:
    scans = (
        Scan.objects.filter(at__gte=now - WINDOW)
        .exclude(serial="")
        .order_by("gtin", "serial", "at")
        .values_list("gtin", "serial", "at", "latitude", "longitude", "stamp_id")
    )
    by_code: dict[tuple[str, str], list[tuple[dt.datetime, float | None, float | None, int | None]]] = defaultdict(list)
    for gtin, serial, at, lat, lon, stamp_id in scans.iterator(chunk_size=5000):
        by_code[(gtin, serial)].append(
            (at, float(lat) if lat is not None else None, float(lon) if lon is not None else None, stamp_id)
        )
    products = {p.gtin: p for p in Product.objects.filter(gtin__in={g for g, _s in by_code})}
    stamped = set(Stamp.objects.filter(gtin__in=list(products)).values_list("gtin", flat=True).distinct())
    expiry = dict(
        Stamp.objects.filter(gtin__in=list(products), batch__lot__expiry_date__isnull=False).values_list(
            "pk", "batch__lot__expiry_date"
        )
    )
    for (gtin, serial), rows in by_code.items():
        product = products.get(gtin)
        if product is None:
            continue
        org = product.organization_id
        located = [(at, lat, lon) for at, lat, lon, _s in rows if lat is not None and lon is not None]
        points = [(lat, lon, f"{place_name(lat, lon)} {at:%d/%m %H:%M}") for at, lat, lon in located]  # type: ignore[misc]
        base = {"product": product.name, "serial": serial}
        if rows[0][3] is None and gtin in stamped:
            yield Finding(
                kind=FlagKind.STAMP_UNISSUED,
                fingerprint=f"unissued:{gtin}:{serial}",
                organization_id=org,
                gtin=gtin,
                serial=serial,
                facts={**base, "count": len(rows), "first": day(rows[0][0])},
                evidence=[("Số lần quét", str(len(rows))), ("Lần đầu", f"{rows[0][0]:%d/%m/%Y %H:%M}")],
                points=points,
                severity=Decimal(len(rows)),
            )
            continue
        worst = None
        for (t1, a1, o1), (t2, a2, o2) in pairwise(located):
            km = haversine_km(a1, o1, a2, o2)  # type: ignore[arg-type]
            hours = max((t2 - t1).total_seconds() / 3600, 1 / 60)
            if km >= MIN_KM and km / hours > MAX_KMH and (worst is None or km / hours > worst[0]):
                worst = (km / hours, km, t1, a1, o1, t2, a2, o2)
        if worst is not None:
            speed, km, t1, a1, o1, t2, a2, o2 = worst
            yield Finding(
                kind=FlagKind.STAMP_TRAVEL,
                fingerprint=f"travel:{gtin}:{serial}",
                organization_id=org,
                gtin=gtin,
                serial=serial,
                facts={
                    **base,
                    "place1": place_name(a1, o1),
                    "place2": place_name(a2, o2),
                    "minutes": _minutes(t2 - t1),
                    "km": round(km),
                },
                evidence=[
                    (place_name(a1, o1), f"{t1:%d/%m/%Y %H:%M}"),
                    (place_name(a2, o2), f"{t2:%d/%m/%Y %H:%M}"),
                    ("Khoảng cách (km)", str(round(km))),
                    ("Tốc độ cần có (km/h)", str(round(speed))),
                ],
                points=points,
                severity=Decimal(min(round(speed / MAX_KMH, 2), 99)),
                thresholds={"min_km": MIN_KM, "max_kmh": MAX_KMH},
            )
        places = sorted({place_name(lat, lon) for _t, lat, lon in located})  # type: ignore[arg-type]
        if len(places) > MAX_PLACES:
            yield Finding(
                kind=FlagKind.STAMP_PLACES,
                fingerprint=f"places:{gtin}:{serial}",
                organization_id=org,
                gtin=gtin,
                serial=serial,
                facts={**base, "count": len(places), "places": ", ".join(places)},
                evidence=[("Nơi quét", ", ".join(places)), ("Số lần quét", str(len(rows)))],
                points=points,
                severity=Decimal(len(places)) / MAX_PLACES,
                thresholds={"max_places": MAX_PLACES},
            )
        expires = expiry.get(rows[0][3]) if rows[0][3] else None
        late = [at for at, *_ in rows if expires is not None and at.date() > expires + EXPIRY_GRACE]
        if late and expires is not None:
            yield Finding(
                kind=FlagKind.STAMP_EXPIRED,
                fingerprint=f"expired:{gtin}:{serial}",
                organization_id=org,
                gtin=gtin,
                serial=serial,
                facts={**base, "expiry": day(expires), "count": len(late), "last": day(late[-1])},
                evidence=[("Hạn sử dụng của lô", day(expires)), ("Quét sau hạn", str(len(late)))],
                points=points,
                thresholds={"grace_days": EXPIRY_GRACE.days},
            )

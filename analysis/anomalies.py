"""Anomalies in records: diary entries far from their plot, bulk back-dating, a spraying inside a harvest's
pre-harvest interval recorded after the harvest, sensor series copied between devices, lab results far out of
their analyte's family (robust z-score on the province's results)."""

from __future__ import annotations

import datetime as dt
import hashlib
import statistics
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from analysis.choices import FlagKind
from analysis.findings import Finding, day
from analysis.geo import centre, haversine_km
from catalog.models import GrowingArea
from diary.choices import Activity
from diary.models import DiaryEntry
from iot.models import Device, Reading
from quality.models import LabTest

FAR_KM = 3.0  # beyond a plot's radius, GPS drift and the walk from the road
BACKDATE_LAG = dt.timedelta(days=14)
BACKDATE_BATCH = 5  # entries recorded within one hour, each dated more than BACKDATE_LAG earlier
SENSOR_WINDOW = dt.timedelta(days=7)
SENSOR_MIN_READINGS = 12
LAB_MIN_RESULTS = 8
LAB_MAX_Z = Decimal(6)


def diary_far() -> Iterator[Finding]:
    rows = DiaryEntry.objects.filter(correction="", latitude__isnull=False, growing_area__isnull=False).values_list(
        "pk", "growing_area_id", "latitude", "longitude", "occurred_at", "organization_id"
    )
    found: dict[tuple[int, str], list[tuple[int, float, float, dt.datetime]]] = defaultdict(list)
    centres: dict[int, tuple[float, float] | None] = {}
    areas: dict[int, GrowingArea] = {}
    for pk, area_id, lat, lon, when, _org in rows.iterator(chunk_size=5000):
        if lat is None or lon is None:
            continue
        if area_id not in centres:
            area = GrowingArea.objects.get(pk=area_id)
            areas[area_id] = area
            centres[area_id] = centre(area.boundary)
        c = centres[area_id]
        if c is None:
            continue
        km = haversine_km(float(lat), float(lon), c[0], c[1])
        radius = float(areas[area_id].declared_area_ha or 0) ** 0.5 * 0.1  # a square plot's half-diagonal, ~km
        if km > FAR_KM + radius:
            found[(area_id, f"{when:%Y-%m}")].append((pk, float(lat), float(lon), when))
    for (area_id, month), entries in sorted(found.items()):
        area, c = areas[area_id], centres[area_id]
        far = max(haversine_km(lat, lon, c[0], c[1]) for _p, lat, lon, _w in entries)  # type: ignore[index]
        yield Finding(
            kind=FlagKind.DIARY_FAR,
            fingerprint=f"far:{area_id}:{month}",
            organization_id=area.organization_id,
            growing_area_id=area_id,
            facts={"area": area.name, "count": len(entries), "km": round(far, 1), "month": month},
            evidence=[(f"{w:%d/%m/%Y %H:%M}", f"{lat:.5f}°, {lon:.5f}°") for _p, lat, lon, w in entries[:20]],
            points=[(c[0], c[1], area.name)] + [(lat, lon, f"{w:%d/%m %H:%M}") for _p, lat, lon, w in entries[:20]],  # type: ignore[index]
            severity=Decimal(len(entries)),
            thresholds={"far_km": FAR_KM},
        )


def backdated() -> Iterator[Finding]:
    rows = (
        DiaryEntry.objects.filter(correction="")
        .order_by("organization_id", "created_at")
        .values_list("organization_id", "created_at", "occurred_at", "activity")
    )
    batches: dict[tuple[int, str], list[tuple[dt.datetime, dt.datetime, str]]] = defaultdict(list)
    for org_id, created, occurred, activity in rows.iterator(chunk_size=5000):
        if created - occurred > BACKDATE_LAG:
            batches[(org_id, f"{created:%Y-%m-%dT%H}")].append((created, occurred, activity))
    labels = dict(Activity.choices)
    for (org_id, hour), entries in sorted(batches.items()):
        if len(entries) < BACKDATE_BATCH:
            continue
        oldest = min(o for _c, o, _a in entries)
        yield Finding(
            kind=FlagKind.BACKDATED,
            fingerprint=f"backdated:{org_id}:{hour}",
            organization_id=org_id,
            facts={"count": len(entries), "recorded": day(entries[0][0]), "oldest": day(oldest)},
            evidence=[(str(labels.get(a, a)), f"{day(o)} → {day(c)}") for c, o, a in entries[:20]],
            severity=Decimal(len(entries)),
            thresholds={"lag_days": BACKDATE_LAG.days, "batch": BACKDATE_BATCH},
        )


def phi_after() -> Iterator[Finding]:
    standing = DiaryEntry.objects.filter(correction="", growing_area__isnull=False)
    sprays = standing.filter(activity=Activity.SPRAYING, phi_days__isnull=False).values_list(
        "pk", "growing_area_id", "occurred_at", "created_at", "phi_days", "product_name", "organization_id"
    )
    harvests: dict[int, list[tuple[int, dt.datetime, dt.datetime, int | None]]] = defaultdict(list)
    for h_pk, h_area, occurred, created, h_lot in standing.filter(activity=Activity.HARVESTING).values_list(
        "pk", "growing_area_id", "occurred_at", "created_at", "lot_id"
    ):
        if h_area is not None:
            harvests[h_area].append((h_pk, occurred, created, h_lot))
    for pk, area_id, sprayed, recorded, phi, product, org_id in sprays.iterator(chunk_size=5000):
        if phi is None or area_id is None:
            continue
        for h_pk, harvested, h_recorded, lot_id in harvests.get(area_id, []):
            if sprayed < harvested < sprayed + dt.timedelta(days=phi) and recorded > h_recorded:
                yield Finding(
                    kind=FlagKind.PHI_AFTER,
                    fingerprint=f"phi_after:{pk}:{h_pk}",
                    organization_id=org_id,
                    growing_area_id=area_id,
                    lot_id=lot_id,
                    facts={
                        "input": product,
                        "sprayed": day(sprayed),
                        "harvested": day(harvested),
                        "recorded": day(recorded),
                        "days": phi,
                    },
                    evidence=[
                        ("Phun thuốc (ngày ghi là)", day(sprayed)),
                        ("Thời gian cách ly (ngày)", str(phi)),
                        ("Thu hoạch", f"{day(harvested)} (ghi {day(h_recorded)})"),
                        ("Lần phun được ghi lúc", f"{recorded:%d/%m/%Y %H:%M}"),
                    ],
                    severity=Decimal(2),
                )


def sensor_copies(now: dt.datetime) -> Iterator[Finding]:
    """Devices whose series of one quantity over a day are identical value for value and minute for minute."""
    series: dict[tuple[int, int, str], list[str]] = defaultdict(list)
    rows = Reading.objects.filter(time__gte=now - SENSOR_WINDOW).order_by("device_id", "quantity", "time")
    for device_id, quantity, time, value in rows.values_list("device_id", "quantity", "time", "value").iterator(
        chunk_size=10000
    ):
        series[(device_id, quantity, f"{time:%Y-%m-%d}")].append(f"{time:%H:%M}={value:.3f}")
    prints: dict[tuple[int, str, str], list[int]] = defaultdict(list)
    for (device_id, quantity, date), values in series.items():
        if len(values) >= SENSOR_MIN_READINGS and len({v.split("=")[1] for v in values}) >= 3:
            digest = hashlib.sha256("|".join(values).encode()).hexdigest()
            prints[(quantity, date, digest)].append(device_id)
    devices = Device.objects.in_bulk({d for ids in prints.values() for d in ids})
    for (quantity, date, digest), ids in sorted(prints.items()):
        if len(ids) < 2:
            continue
        names = [devices[i].name for i in ids]
        yield Finding(
            kind=FlagKind.SENSOR_COPY,
            fingerprint=f"sensor:{quantity}:{date}:{digest[:16]}",
            organization_id=devices[ids[0]].organization_id,
            facts={"devices": ", ".join(names), "date": date, "count": len(series[(ids[0], quantity, date)])},
            evidence=[(devices[i].name, devices[i].identifier) for i in ids],
            severity=Decimal(len(ids)),
        )


def lab_outliers() -> Iterator[Finding]:
    groups: dict[tuple[int, str], list[tuple[int, Decimal]]] = defaultdict(list)
    for pk, analyte_id, unit, value in LabTest.objects.values_list("pk", "analyte_id", "unit", "value"):
        groups[(analyte_id, unit)].append((pk, value))
    for (_analyte, unit), rows in groups.items():
        if len(rows) < LAB_MIN_RESULTS:
            continue
        values = [v for _p, v in rows]
        median = statistics.median(values)
        mad = statistics.median([abs(v - median) for v in values])
        if not mad:
            continue
        for pk, value in rows:
            z = (Decimal("0.6745") * (value - median) / mad).quantize(Decimal("0.1"))
            if abs(z) <= LAB_MAX_Z:
                continue
            test = LabTest.objects.select_related("analyte").get(pk=pk)
            yield Finding(
                kind=FlagKind.LAB_OUTLIER,
                fingerprint=f"lab:{pk}",
                organization_id=test.organization_id,
                facts={
                    "analyte": str(test.analyte),
                    "value": str(value.normalize()),
                    "unit": unit,
                    "median": str(Decimal(median).normalize()),
                    "z": str(z),
                    "count": len(rows),
                },
                evidence=[
                    ("Kết quả", f"{value.normalize()} {unit}"),
                    ("Trung vị của cùng chỉ tiêu", f"{Decimal(median).normalize()} {unit}"),
                    ("Số kết quả so sánh", str(len(rows))),
                    ("Điểm z (trung vị, MAD)", str(z)),
                    ("Phòng thử nghiệm", test.laboratory),
                ],
                severity=abs(z) / LAB_MAX_Z,
                thresholds={"max_z": str(LAB_MAX_Z), "min_results": LAB_MIN_RESULTS},
            )

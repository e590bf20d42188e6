"""Reads the pages, the API and the conditions share: statistics over a window, chart series, the lots in a place,
a lot's conditions summary.

Raw readings are kept for `TRUYXUAT_IOT_RAW_DAYS`, minute aggregates for `TRUYXUAT_IOT_MINUTE_DAYS`, hourly ones
for ever (`iot.retention`). A window's statistics combine whole hours from the hourly aggregates with raw readings
for the ragged edges (and for hours not yet aggregated), so a month's summary reads ~700 rows, not 260,000.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Avg, Count, F, Max, Min, Sum

from catalog.models import Lot
from iot.models import Aggregate, ConditionHold, Device, Excursion, Placement, Reading, Stay


def _hour_floor(t: dt.datetime) -> dt.datetime:
    return t.replace(minute=0, second=0, microsecond=0)


def _hour_ceil(t: dt.datetime) -> dt.datetime:
    floor = _hour_floor(t)
    return floor if floor == t else floor + dt.timedelta(hours=1)


def _raw_stats(device_id: int, quantity: int, start: dt.datetime, end: dt.datetime) -> tuple[float, float, float, int]:
    row = Reading.objects.filter(device_id=device_id, quantity=quantity, time__gte=start, time__lt=end).aggregate(
        lo=Min("value"), hi=Max("value"), avg=Avg("value"), n=Count("id")
    )
    n = row["n"] or 0
    return (row["lo"] or 0.0, row["hi"] or 0.0, (row["avg"] or 0.0) * n, n)


def window_stats(device_id: int, quantity: int, start: dt.datetime, end: dt.datetime) -> dict[str, Any]:
    """min, max, mean and count of a device's quantity in [start, end]."""
    end = end + dt.timedelta(microseconds=1)
    parts: list[tuple[float, float, float, int]] = []
    whole_from, whole_to = _hour_ceil(start), _hour_floor(end)
    covered_to = whole_from
    if whole_to > whole_from:
        row = Aggregate.objects.filter(
            device_id=device_id, quantity=quantity, bucket="h", start__gte=whole_from, start__lt=whole_to
        ).aggregate(
            lo=Min("min"),
            hi=Max("max"),
            total=Sum(F("mean") * F("count")),
            n=Sum("count"),
            first=Min("start"),
            last=Max("start"),
        )
        if row["n"]:
            parts.append((row["lo"], row["hi"], row["total"], row["n"]))
            # hours before the first aggregate or after the last come from raw readings (not yet aggregated)
            if row["first"] > whole_from:
                parts.append(_raw_stats(device_id, quantity, whole_from, row["first"]))
            covered_to = row["last"] + dt.timedelta(hours=1)
        parts.append(_raw_stats(device_id, quantity, start, whole_from))
        parts.append(_raw_stats(device_id, quantity, covered_to, end))
    else:
        parts.append(_raw_stats(device_id, quantity, start, end))
    parts = [p for p in parts if p[3]]
    if not parts:
        return {"min": None, "max": None, "mean": None, "count": 0}
    count = sum(p[3] for p in parts)
    return {
        "min": min(p[0] for p in parts),
        "max": max(p[1] for p in parts),
        "mean": sum(p[2] for p in parts) / count,
        "count": count,
    }


Point = tuple[dt.datetime, float, float, float]


def series(device_id: int, quantity: int, start: dt.datetime, end: dt.datetime) -> list[Point]:
    """Points for a chart of [start, end]: (time, mean, min, max). Up to 2 days: raw readings thinned to ≤ 2,000
    points; up to 14 days: minute aggregates; beyond: hourly aggregates."""
    span = end - start
    if span <= dt.timedelta(days=2):
        rows = list(
            Reading.objects.filter(device_id=device_id, quantity=quantity, time__gte=start, time__lte=end)
            .order_by("time")
            .values_list("time", "value")
        )
        if len(rows) > 2000:
            step = -(-len(rows) // 2000)
            out = []
            for i in range(0, len(rows), step):
                chunk = [v for _t, v in rows[i : i + step]]
                out.append((rows[i][0], sum(chunk) / len(chunk), min(chunk), max(chunk)))
            return out
        if rows:
            return [(t, v, v, v) for t, v in rows]
    bucket = "m" if span <= dt.timedelta(days=14) else "h"
    rows2 = list(
        Aggregate.objects.filter(
            device_id=device_id, quantity=quantity, bucket=bucket, start__gte=start, start__lte=end
        )
        .order_by("start")
        .values_list("start", "mean", "min", "max")
    )
    if rows2:
        return rows2
    # nothing aggregated yet (a fresh device): hourly means straight from raw readings
    return _hourly_from_raw(device_id, quantity, start, end)


def _hourly_from_raw(device_id: int, quantity: int, start: dt.datetime, end: dt.datetime) -> list[Any]:
    rows = (
        Reading.objects.filter(device_id=device_id, quantity=quantity, time__gte=start, time__lte=end)
        .order_by("time")
        .values_list("time", "value")
    )
    buckets: dict[dt.datetime, list[float]] = {}
    for t, v in rows.iterator(chunk_size=5000):
        buckets.setdefault(_hour_floor(t), []).append(v)
    return [(t, sum(vs) / len(vs), min(vs), max(vs)) for t, vs in buckets.items()]


def latest(device_ids: list[int], after_id: int = 0, limit: int = 200) -> list[dict[str, Any]]:
    """Readings stored after `after_id` (the live view's cursor), oldest first."""
    rows = (
        Reading.objects.filter(device_id__in=device_ids, id__gt=after_id)
        .order_by("id")
        .values("id", "device_id", "quantity", "time", "value")[:limit]
    )
    return [dict(r) for r in rows]


def last_id() -> int:
    row = Reading.objects.order_by("-id").values_list("id", flat=True).first()
    return int(row or 0)


def lots_in_facility(facility_id: int, start: dt.datetime, end: dt.datetime) -> list[Lot]:
    """Lots with an event at the facility's location before `end` whose next event elsewhere is after `start`."""
    from catalog.models import Facility
    from diary import epcis
    from events.models import Event, EventEpc

    facility = Facility.objects.filter(pk=facility_id).first()
    if facility is None:
        return []
    location = epcis.facility_location(facility)
    arrivals = EventEpc.objects.filter(
        event__biz_location=location, event__event_time__lte=end, key__lot__isnull=False
    ).values_list("key__lot_id", flat=True)
    present = []
    for lot in Lot.objects.filter(pk__in=set(arrivals)).select_related("product"):
        moves = (
            Event.objects.filter(epcs__key__lot=lot, event_time__lte=end)
            .exclude(biz_location="")
            .order_by("event_time")
            .values_list("event_time", "biz_location")
        )
        inside_since: dt.datetime | None = None
        was_inside = False
        for when, where in moves:
            if where == location and inside_since is None:
                inside_since = when
            elif where != location and inside_since is not None:
                was_inside = was_inside or when >= start
                inside_since = None
        if was_inside or inside_since is not None:
            present.append(lot)
    return present


@dataclass
class LotConditions:
    stays: list[Stay]
    holds: list[ConditionHold]
    excursions: list[Excursion]


def lot_conditions(lot: Lot) -> LotConditions:
    """What a lot lived through: its summarised stays, its holds and the confirmed excursions that touched it."""
    holds = list(
        ConditionHold.objects.filter(lot=lot)
        .select_related("excursion__profile", "excursion__device")
        .order_by("held_at")
    )
    excursions = list(
        Excursion.objects.filter(holds__lot=lot)
        .exclude(confirmed_at=None)
        .select_related("profile", "device")
        .distinct()
    )
    return LotConditions(list(Stay.objects.filter(lot=lot)), holds, excursions)


def active_hold(lot: Lot) -> ConditionHold | None:
    return (
        ConditionHold.objects.filter(lot=lot, released_at=None)
        .select_related("excursion__profile", "excursion__device")
        .order_by("held_at")
        .first()
    )


def devices_of(organization_id: int) -> list[Device]:
    return list(Device.objects.filter(organization_id=organization_id).order_by("status", "name"))


def placement_now(device: Device) -> Placement | None:
    return (
        Placement.objects.filter(device=device, end=None).select_related("facility", "growing_area", "vehicle").first()
    )


def vendor() -> str:
    return connection.vendor

"""The end of a lot's stay in a monitored place becomes an EPCIS event that summarises its conditions.

A vehicle's stay is a shipment it carried (`Trip`), from shipping to receipt; a facility's stay runs from the
lot's event at the facility's location to its next event elsewhere (from the lots' EPCIS events). When a stay has
ended, `close_stays` (run by the maintenance job) records a `Stay` for each lot with min/max/mean/count per
quantity of the devices placed there, and captures one ObjectEvent OBSERVE `sensor_reporting` per stay, on its
lots, with a `sensorElement` per device (`sensorMetadata` start/end time, deviceID, rawData = the CSV series).
Idempotent: a stay already recorded is skipped (unique lot, place and start).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.permissions import SYSTEM
from catalog.models import Facility, Lot
from iot import conditions, selectors
from iot.choices import PlaceKind
from iot.models import Device, Placement, Stay, Trip
from iot.units import QUANTITIES


def _devices(kind: str, pk: int, start: dt.datetime, end: dt.datetime) -> list[Device]:
    field = {"facility": "facility_id", "vehicle": "vehicle_id", "area": "growing_area_id"}[kind]
    placements = Placement.objects.filter(**{field: pk}, start__lt=end).filter(Q(end=None) | Q(end__gt=start))
    return [p.device for p in placements.select_related("device")]


def _summary(devices: list[Device], start: dt.datetime, end: dt.datetime) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for device in devices:
        for name in device.quantities:
            stats = selectors.window_stats(device.pk, QUANTITIES[name].code, start, end)
            if not stats["count"]:
                continue
            seen = out.get(name)
            if seen is None:
                out[name] = stats
            else:
                count = seen["count"] + stats["count"]
                out[name] = {
                    "min": min(seen["min"], stats["min"]),
                    "max": max(seen["max"], stats["max"]),
                    "mean": (seen["mean"] * seen["count"] + stats["mean"] * stats["count"]) / count,
                    "count": count,
                }
    return {
        k: {**v, "min": round(v["min"], 3), "max": round(v["max"], 3), "mean": round(v["mean"], 3)}
        for k, v in out.items()
    }


@transaction.atomic
def record_stay(kind: str, pk: int, name: str, lots: list[Lot], start: dt.datetime, end: dt.datetime) -> int:
    """Stays of `lots` in a place from `start` to `end`, and their EPCIS event; how many stays were new."""
    lots = [lot for lot in lots if not Stay.objects.filter(lot=lot, kind=kind, place_id=pk, start=start).exists()]
    devices = _devices(kind, pk, start, end)
    if not lots or not devices:
        return 0
    summary = _summary(devices, start, end)
    if not summary:
        return 0
    organization = devices[0].organization
    event = None
    from diary import epcis

    measuring = [d for d in devices if d.organization_id == organization.pk]
    event = conditions.sensor_event(lots, measuring[0], None, start, end, None)
    event["sensorElementList"] = [conditions.sensor_element(d, d.quantities, start, end) for d in measuring]
    event["sensorElementList"] = [e for e in event["sensorElementList"] if e["sensorReport"]]
    if kind == PlaceKind.FACILITY:
        facility = Facility.objects.get(pk=pk)
        event["readPoint"] = {"id": epcis.facility_location(facility)}
    own = [lot for lot in lots if lot.product.organization_id == organization.pk]
    if own and event["sensorElementList"]:
        event["quantityList"] = [{"epcClass": epcis.lot_epc(lot)} for lot in own]
        epcis.capture(actor=SYSTEM, organization=organization, events=[event], source="iot")
    for lot in lots:
        Stay.objects.create(
            lot=lot,
            kind=kind,
            place_id=pk,
            place_name=name,
            start=start,
            end=end,
            devices=[d.pk for d in devices],
            summary=summary,
            event_id=event["eventID"] if own and lot in own else "",
        )
    return len(lots)


def close_stays(now: dt.datetime | None = None) -> int:
    """Record every stay that has ended and is not recorded yet; how many stays."""
    now = now or timezone.now()
    made = 0
    for trip in Trip.objects.filter(summarised_at=None, shipment__received_at__isnull=False).select_related(
        "shipment", "vehicle"
    ):
        shipment = trip.shipment
        assert shipment.received_at is not None
        lots = sorted({line.lot for line in shipment.lines.select_related("lot__product")}, key=lambda lot: lot.pk)
        made += record_stay(
            PlaceKind.VEHICLE, trip.vehicle_id, str(trip.vehicle), lots, shipment.shipped_at, shipment.received_at
        )
        Trip.objects.filter(pk=trip.pk).update(summarised_at=now)
    facilities = set(Placement.objects.exclude(facility=None).values_list("facility_id", flat=True))
    for facility in Facility.objects.filter(pk__in=facilities):
        for lot, start, end in _ended_stays(facility, now):
            made += record_stay(PlaceKind.FACILITY, facility.pk, facility.name, [lot], start, end)
    return made


def _ended_stays(facility: Facility, now: dt.datetime) -> list[tuple[Lot, dt.datetime, dt.datetime]]:
    from diary import epcis
    from events.models import Event, EventEpc

    location = epcis.facility_location(facility)
    since = now - dt.timedelta(days=60)
    lot_ids = set(
        EventEpc.objects.filter(
            event__biz_location=location, event__event_time__gte=since, key__lot__isnull=False
        ).values_list("key__lot_id", flat=True)
    )
    out = []
    for lot in Lot.objects.filter(pk__in=lot_ids).select_related("product"):
        moves = (
            Event.objects.filter(epcs__key__lot=lot, event_time__gte=since)
            .exclude(biz_location="")
            .order_by("event_time")
            .values_list("event_time", "biz_location")
        )
        inside: dt.datetime | None = None
        for when, where in moves:
            if where == location and inside is None:
                inside = when
            elif where != location and inside is not None:
                out.append((lot, inside, when))
                inside = None
    return out

"""From readings to the lots' story: thresholds and excursions, the lots in a place at a time, the EPCIS events
with a `sensorElementList`, holds, alerts.

An excursion opens at the first reading outside a profile's range and closes at the first one back inside. Once
it has lasted the profile's `min_minutes` (a door opened for a minute does not count) it is confirmed, in the same
transaction as the reading that confirms it: the organisation is alerted (and the province's agencies for
high-risk products), an EPCIS 2.0 ObjectEvent (`sensor_reporting`, EPCIS §7.3.7 `sensorElementList` with the
device and the time window in `sensorMetadata`, min/max/mean per quantity in `sensorReport`, `exception`
`ALARM_CONDITION`, the full series referenced by `rawData`) is captured on the lots in that place at that time,
and, when the profile says so, the lots are held (`ConditionHold`, read by the publication rule
`condition_excursion`; the rules are checked again at once, and again when the hold is released).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import SYSTEM
from catalog import departments
from catalog.choices import RiskClass
from catalog.models import Facility, Lot, Organization
from core import audit, generations
from core.choices import AuditAction
from core.numbers import format_number
from iot import selectors
from iot.choices import ExcursionState, PlaceKind
from iot.models import ConditionHold, Device, Excursion, Placement, Profile, Trip
from iot.payloads import Sample
from iot.units import QUANTITIES
from notifications.services import notify_officers, notify_organization
from rules.choices import Trigger
from rules.services import reevaluate


def device_uri(device: Device) -> str:
    return f"{settings.TRUYXUAT_PORTAL_URL}/iot/d/{device.identifier}"


def place_of(placement: Placement) -> tuple[str, int]:
    return placement.kind, int(placement.facility_id or placement.growing_area_id or placement.vehicle_id or 0)


def place_name(kind: str, pk: int) -> str:
    from catalog.models import GrowingArea
    from iot.models import Vehicle

    model: Any = {"facility": Facility, "area": GrowingArea, "vehicle": Vehicle}[kind]
    found = model.objects.filter(pk=pk).first()
    return str(found.name if kind != PlaceKind.VEHICLE else found) if found else "?"


def lots_present(kind: str, pk: int, start: dt.datetime, end: dt.datetime) -> list[Lot]:
    """The lots in a place at some time between `start` and `end`, from their events: a vehicle's shipments
    (shipped → received), a facility's stays (an event at its location until the next event elsewhere)."""
    if kind == PlaceKind.VEHICLE:
        from logistics.models import ShipmentLine

        trips = Trip.objects.filter(vehicle_id=pk, shipment__shipped_at__lte=end).filter(
            Q(shipment__received_at=None) | Q(shipment__received_at__gte=start)
        )
        lines = ShipmentLine.objects.filter(shipment__in=trips.values("shipment")).select_related("lot__product")
        return sorted({line.lot for line in lines}, key=lambda lot: lot.pk)
    if kind == PlaceKind.FACILITY:
        return selectors.lots_in_facility(pk, start, end)
    return []


def profiles_for(device: Device, placement: Placement, present: Iterable[Lot] = ()) -> list[Profile]:
    kind, pk = place_of(placement)
    field = {"facility": "facility_id", "area": "growing_area_id", "vehicle": "vehicle_id"}
    where = Q(**{field[kind]: pk})
    products = {lot.product_id for lot in present}
    if products:
        where |= Q(product_id__in=products)
    return list(Profile.objects.filter(where, organization_id=device.organization_id, active=True))


def _outside(profile: Profile, value: float) -> bool:
    return (profile.low is not None and value < profile.low) or (profile.high is not None and value > profile.high)


def evaluate(device: Device, samples: list[Sample], now: dt.datetime) -> int:
    """Run the device's profiles over new samples (in time order); returns how many excursions were confirmed."""
    if not samples or not Profile.objects.filter(organization_id=device.organization_id, active=True).exists():
        return 0
    times = [s.time or now for s in samples]
    first, last = min(times), max(times)
    placements = list(
        Placement.objects.filter(device=device, start__lte=last)
        .filter(Q(end=None) | Q(end__gt=first))
        .order_by("start")
    )
    if not placements:
        return 0
    confirmed = 0
    for placement in placements:
        kind, pk = place_of(placement)
        has_products = Profile.objects.filter(organization_id=device.organization_id, active=True).exclude(product=None)
        present = lots_present(kind, pk, first, last) if has_products.exists() else []
        for profile in profiles_for(device, placement, present):
            mine = sorted(
                (
                    (s.time or now, s.value)
                    for s in samples
                    if s.quantity.name == profile.quantity
                    and placement.start <= (s.time or now)
                    and (placement.end is None or (s.time or now) < placement.end)
                ),
                key=lambda pair: pair[0],
            )
            if mine:
                confirmed += _run(profile, device, placement, mine)
    return confirmed


def _run(profile: Profile, device: Device, placement: Placement, series: list[tuple[dt.datetime, float]]) -> int:
    confirmed = 0
    open_ = Excursion.objects.select_for_update().filter(profile=profile, device=device, state="open").first()
    need = dt.timedelta(minutes=profile.min_minutes)
    for when, value in series:
        if open_ is not None and when < open_.last_at:
            continue  # older than what the excursion already saw (a late batch): the live sequence decides
        if _outside(profile, value):
            if open_ is None:
                open_ = Excursion.objects.create(
                    profile=profile, device=device, started_at=when, last_at=when, worst=value
                )
            else:
                open_.last_at = when
                high = profile.high is not None and value > profile.high
                open_.worst = max(open_.worst, value) if high else min(open_.worst, value)
            if open_.confirmed_at is None and when - open_.started_at >= need:
                open_.confirmed_at = when
                open_.save()
                _confirm(open_, placement)
                confirmed += 1
            else:
                open_.save()
        elif open_ is not None:
            open_.state = ExcursionState.CLOSED
            open_.ended_at = when
            open_.save()
            open_ = None
    return confirmed


def describe(excursion: Excursion) -> dict[str, str]:
    """The excursion in plain words' parts: quantity, value with unit, limit, minutes."""
    profile = excursion.profile
    q = QUANTITIES[profile.quantity]
    unit = {"CEL": "°C", "P1": "%", "LUX": "lux"}[q.uom]
    if profile.low is not None and profile.high is not None:
        limit = f"{format_number(profile.low)}–{format_number(profile.high)} {unit}"
    elif profile.high is not None:
        limit = f"≤ {format_number(profile.high)} {unit}"
    else:
        limit = f"≥ {format_number(profile.low)} {unit}"
    end = excursion.ended_at or excursion.last_at
    minutes = max(1, int((end - excursion.started_at).total_seconds() // 60))
    return {
        "quantity": str(_quantity_label(profile.quantity)),
        "value": f"{format_number(round(excursion.worst, 1))} {unit}",
        "limit": limit,
        "minutes": str(minutes),
    }


def _quantity_label(name: str) -> str:
    from iot.choices import QuantityName

    return str(QuantityName(name).label)


def _confirm(excursion: Excursion, placement: Placement) -> None:
    device = excursion.device
    kind, pk = place_of(placement)
    where = place_name(kind, pk)
    lots = lots_present(kind, pk, excursion.started_at, excursion.last_at)
    words = describe(excursion)
    title = _("Vượt ngưỡng %(quantity)s tại %(place)s: %(value)s (ngưỡng %(limit)s) trong %(minutes)s phút") % {
        **words,
        "place": where,
    }
    body = (
        _("Các lô bị ảnh hưởng: %(lots)s.") % {"lots": ", ".join(f"{lot.product.name} {lot.lot_code}" for lot in lots)}
        if lots
        else ""
    )
    organization = device.organization
    notify_organization(organization, kind="other", title=title, body=body, link="/iot/", about=excursion)
    if any(lot.product.risk_class == RiskClass.HIGH for lot in lots):
        for agency in Organization.objects.filter(
            kind="agency", status="approved", province_code=organization.province_code
        ):
            link = reverse("iot:agency_lot", args=[lots[0].pk])  # the lot's conditions as time series
            notify_organization(
                agency, kind="other", title=f"{organization.name}: {title}", body=body, link=link, about=excursion
            )
        # an inspection or a recall may be needed: the officers whose department covers each high-risk lot's group
        officers: dict[int, Any] = {}
        for lot in lots:
            if lot.product.risk_class == RiskClass.HIGH:
                for officer in departments.responsible_officers(lot.product.organization, lot.product.category_id):
                    officers.setdefault(officer.pk, officer)
        notify_officers(
            officers.values(),
            kind="other",
            title=f"{organization.name}: {title}",
            body=body,
            link=reverse("iot:agency_lot", args=[lots[0].pk]),
            about=excursion,
        )
    if lots:
        event = sensor_event(
            lots,
            device,
            excursion.profile.quantity,
            excursion.started_at,
            excursion.last_at,
            placement,
            exception=True,
        )
        from diary import epcis

        epcis.capture(actor=SYSTEM, organization=organization, events=[event], source="iot")
        excursion.event_ids = [event["eventID"]]
        excursion.save(update_fields=["event_ids"])
    if excursion.profile.hold_lots and lots:
        for lot in lots:
            hold, created = ConditionHold.objects.get_or_create(
                lot=lot, excursion=excursion, defaults={"reason": title[:255]}
            )
            if created:
                audit.record(actor=SYSTEM, action=AuditAction.CREATE, instance=hold, organization_id=organization.pk)
        reevaluate(lots, trigger=Trigger.CHECK, actor=SYSTEM)  # the rule `condition_excursion` now holds them
    generations.bump_lots([(lot.product.gtin, lot.lot_code) for lot in lots])


def sensor_element(
    device: Device, quantities: Iterable[str], start: dt.datetime, end: dt.datetime, exception: bool = False
) -> dict[str, Any]:
    """One EPCIS `sensorElement`: the device and window in `sensorMetadata`, a `sensorReport` per quantity with
    min/max/mean and its UN/ECE unit; `rawData` is the series as CSV."""
    reports = []
    for name in quantities:
        q = QUANTITIES[name]
        stats = selectors.window_stats(device.pk, q.code, start, end)
        if not stats["count"]:
            continue
        report: dict[str, Any] = {
            "type": q.measurement_type,
            "minValue": round(stats["min"], 3),
            "maxValue": round(stats["max"], 3),
            "meanValue": round(stats["mean"], 3),
            "uom": q.uom,
        }
        if exception:
            report["exception"] = "ALARM_CONDITION"
        reports.append(report)

    def iso(t: dt.datetime) -> str:
        return t.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")

    raw = f"{settings.TRUYXUAT_PORTAL_URL}/iot/d/{device.identifier}/readings.csv?from={iso(start)}&to={iso(end)}"
    return {
        "sensorMetadata": {
            "startTime": iso(start),
            "endTime": iso(end),
            "deviceID": device_uri(device),
            "deviceMetadata": device_uri(device),
            "rawData": raw.replace("+", "%2B"),
        },
        "sensorReport": reports,
    }


def sensor_event(
    lots: list[Lot],
    device: Device,
    quantity: str | None,
    start: dt.datetime,
    end: dt.datetime,
    placement: Placement | None,
    exception: bool = False,
) -> dict[str, Any]:
    """An ObjectEvent OBSERVE `sensor_reporting` on the lots with one sensorElement for the device's window."""
    from diary import epcis

    names = [quantity] if quantity else list(device.quantities)
    event = epcis.base_event("ObjectEvent", end)
    event.update(
        {
            "epcList": [],
            "action": "OBSERVE",
            "bizStep": "sensor_reporting",
            "quantityList": [{"epcClass": epcis.lot_epc(lot)} for lot in lots],
            "sensorElementList": [sensor_element(device, names, start, end, exception)],
        }
    )
    if placement is not None and placement.facility_id:
        event["readPoint"] = {"id": epcis.facility_location(placement.facility)}  # type: ignore[arg-type]
    if not event["sensorElementList"][0]["sensorReport"]:
        event["sensorElementList"][0]["sensorReport"] = [{"type": QUANTITIES[names[0]].measurement_type}]
    return event


def check_silent(now: dt.datetime | None = None) -> int:
    """Alert once for each active device that has sent nothing for longer than its `silent_after` minutes."""
    now = now or timezone.now()
    count = 0
    for device in Device.objects.filter(status="active", silent_alerted_at=None).exclude(last_seen_at=None):
        assert device.last_seen_at is not None
        if now - device.last_seen_at < dt.timedelta(minutes=device.silent_after):
            continue
        Device.objects.filter(pk=device.pk).update(silent_alerted_at=now)
        minutes = int((now - device.last_seen_at).total_seconds() // 60)
        notify_organization(
            device.organization,
            kind="other",
            title=_("Thiết bị %(name)s không gửi số đo đã %(minutes)s phút")
            % {"name": device.name, "minutes": minutes},
            body=_("Kiểm tra nguồn điện, pin và sóng của thiết bị."),
            link="/iot/",
            about=device,
        )
        count += 1
    return count

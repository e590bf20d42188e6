"""The demo province's sensors: the coffee cooperative's drying yard (a field station) and the cold room of the
slaughterhouse (a cold-room sensor with its 0–4 °C threshold), each with a week of readings every 10 minutes (one
night the cold-room door was left open for 40 minutes); and the devices `truyxuat iot simulate` drives.
Idempotent: devices that exist keep their readings."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.permissions import SYSTEM
from catalog.models import Facility, GrowingArea, Organization
from catalog.services.places import create_facility
from iot import ingest, retention, services
from iot.models import Device, Profile, Vehicle
from iot.payloads import Sample
from iot.units import QUANTITIES

COFFEE_COOP = "6102314687"  # demo/data.py's coffee cooperative, 610231468, with its check digit
YARD = "Sân phơi cà phê Thôn 4"
COLD_ROOM = "Kho lạnh Hòa Bình"


def _week(role: str, now: dt.datetime, rng: random.Random) -> list[Sample]:
    start = (now - dt.timedelta(days=7)).replace(second=0, microsecond=0)
    out = []
    for i in range(7 * 24 * 6):
        when = start + dt.timedelta(minutes=10 * i)
        hour = (when.hour + 7) % 24 + when.minute / 60  # local time in Vietnam
        sun = max(0.0, math.sin(math.pi * (hour - 6) / 12))
        if role == "yard":
            values = {
                "temperature": 20 + 12 * sun + rng.uniform(-0.5, 0.5),
                "relative_humidity": 88 - 40 * sun + rng.uniform(-2, 2),
                "illuminance": 80000 * sun * rng.uniform(0.6, 1.0),
            }
        else:
            door = i in range(5 * 144 + 125, 5 * 144 + 129)  # day 5, ~20:50 local: 40 minutes
            values = {
                "temperature": (6.5 if door else 2.5 + 0.6 * math.sin(i / 7)) + rng.uniform(-0.2, 0.2),
                "relative_humidity": 86 + rng.uniform(-2, 2),
            }
        out += [Sample(None, when, QUANTITIES[q], round(v, 2)) for q, v in values.items()]
    return out


def _device(org: Organization, identifier: str, name: str, kind: str, quantities: list[str]) -> Device | None:
    if Device.objects.filter(identifier=identifier).exists():
        return None
    device, _secret = services.register_device(
        actor=SYSTEM,
        organization=org,
        data={"identifier": identifier, "name": name, "kind": kind, "quantities": quantities, "silent_after": 10080},
    )
    return device


def build_demo_sensors(log: Callable[[str], Any] = print) -> int:
    """Add the demo sensors and their week of readings; how many readings were stored."""
    now = timezone.now()
    rng = random.Random(850)
    stored = 0
    coop = Organization.objects.filter(tax_code=COFFEE_COOP).first()
    room = Facility.objects.filter(name=COLD_ROOM).select_related("organization").first()
    if coop is not None:
        yard = Facility.objects.filter(organization=coop, name=YARD).first() or create_facility(
            actor=SYSTEM,
            organization=coop,
            data={
                "name": YARD,
                "kind": "processing_plant",
                "province_code": coop.province_code,
                "ward_code": coop.ward_code,
                "street_address": "Thôn 4",
                "latitude": "14.534500",
                "longitude": "107.926600",
            },
        )
        device = _device(
            coop,
            "san-phoi-thon-4",
            "Trạm đo sân phơi",
            "field_station",
            ["temperature", "relative_humidity", "illuminance"],
        )
        if device is not None:
            services.place_device(
                actor=SYSTEM, device=device, kind="facility", place_id=yard.pk, start=now - dt.timedelta(days=8)
            )
            stored += _store(device, _week("yard", now, rng))
    if room is not None:
        org = room.organization
        device = _device(
            org, "kho-lanh-hoa-binh", "Cảm biến kho lạnh", "cold_room", ["temperature", "relative_humidity"]
        )
        if device is not None:
            services.place_device(
                actor=SYSTEM, device=device, kind="facility", place_id=room.pk, start=now - dt.timedelta(days=8)
            )
            if not Profile.objects.filter(organization=org, facility=room).exists():
                services.save_profile(
                    actor=SYSTEM,
                    organization=org,
                    data={
                        "name": "Kho lạnh 0–4 °C",
                        "quantity": "temperature",
                        "low": "0",
                        "high": "4",
                        "min_minutes": "15",
                        "facility": room.pk,
                    },
                )
            stored += _store(device, _week("room", now, rng))
    retention.downsample()
    log(f"Cảm biến / Sensors: {stored} số đo mới / new readings.")
    return stored


def _store(device: Device, samples: list[Sample]) -> int:
    with transaction.atomic():
        return ingest.store(actor=SYSTEM, groups={device.pk: (device, samples)}, source="demo").stored


def simulated_devices(tax_code: str) -> dict[str, tuple[str, str]]:
    """The organisation's three simulated devices (made and placed the first time), each with a fresh secret."""
    org = Organization.objects.filter(tax_code=tax_code).first()
    if org is None:
        raise ValueError(f"no organisation with tax code {tax_code}")
    now = timezone.now()
    field = GrowingArea.objects.filter(organization=org).order_by("pk").first()
    facilities = Facility.objects.filter(organization=org).order_by("pk")
    room = facilities.filter(kind="cold_store").first() or facilities.first()
    truck = Vehicle.objects.filter(organization=org, plate="SIM-01").first() or services.add_vehicle(
        actor=SYSTEM, organization=org, plate="SIM-01", name="Xe lạnh mô phỏng"
    )
    plan: list[tuple[str, str, str, list[str], str, Any]] = [
        (
            "station",
            "field_station",
            "Trạm đo mô phỏng",
            ["temperature", "relative_humidity", "illuminance"],
            "area" if field else "facility",
            field or room,
        ),
        ("room", "cold_room", "Kho lạnh mô phỏng", ["temperature", "relative_humidity"], "facility", room),
        ("truck", "vehicle", "Xe lạnh mô phỏng", ["temperature"], "vehicle", truck),
    ]
    out = {}
    for role, kind, name, quantities, place_kind, place in plan:
        identifier = f"sim-{tax_code}-{role}"
        device = Device.objects.filter(identifier=identifier).first()
        if device is None:
            device, secret = services.register_device(
                actor=SYSTEM,
                organization=org,
                data={"identifier": identifier, "name": name, "kind": kind, "quantities": quantities},
            )
            if place is not None:
                services.place_device(
                    actor=SYSTEM, device=device, kind=place_kind, place_id=place.pk, start=now - dt.timedelta(days=1)
                )
        else:
            secret = services.rotate_credential(actor=SYSTEM, device=device)
        out[role] = (identifier, secret)
    return out

"""The device registry: devices, credentials (shown once), where devices are, vehicles and the shipments they carry,
threshold profiles, releasing condition holds. Every write: atomic, permission checked, one audit entry; the
broker's files follow after commit (`iot.broker.sync`)."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.permissions import Actor, person
from catalog.models import Facility, GrowingArea, Organization, Product
from core import audit, generations
from core.choices import AuditAction
from core.errors import Forbidden
from iot import broker
from iot.choices import DeviceKind, DeviceStatus, QuantityName
from iot.models import ConditionHold, Credential, Device, Placement, Profile, Trip, Vehicle
from iot.secrets import hash_secret, new_secret
from rules.choices import Trigger
from rules.services import reevaluate

IDENTIFIER = re.compile(r"^[a-z0-9][a-z0-9-]{2,63}$")
DEV_EUI = re.compile(r"^[0-9A-F]{16}$")


def may_write(actor: Actor, organization: Organization) -> bool:
    """Members of a non-suspended organisation, and platform admins, manage its devices."""
    return permissions.can_edit_organization_data(actor, organization) or permissions.is_platform_admin(actor)


def _require(condition: bool) -> None:
    if not condition:
        raise Forbidden()


def _error(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def _sync_broker() -> None:
    transaction.on_commit(lambda: broker.sync())


def _quantities(value: Any) -> list[str]:
    names = [value] if isinstance(value, str) else list(value or [])
    known = set(QuantityName.values)
    chosen = [str(n) for n in names if str(n)]
    if not chosen or any(n not in known for n in chosen):
        raise _error("quantities", _("Chọn ít nhất một đại lượng đo trong danh sách."))
    return sorted(set(chosen))


@transaction.atomic
def register_device(*, actor: Actor, organization: Organization, data: dict[str, Any]) -> tuple[Device, str]:
    """A new device with its first credential; returns (device, secret) — the secret is shown once."""
    _require(may_write(actor, organization))
    identifier = str(data.get("identifier") or "").strip().lower()
    if not IDENTIFIER.match(identifier):
        raise _error("identifier", _("Mã thiết bị gồm 3–64 chữ thường, số và gạch nối, ví dụ kho-lanh-01."))
    name = str(data.get("name") or "").strip()[:120]
    if not name:
        raise _error("name", _("Nhập tên thiết bị."))
    kind = str(data.get("kind") or "")
    if kind not in DeviceKind.values:
        raise _error("kind", _("Chọn loại thiết bị."))
    dev_eui = str(data.get("dev_eui") or "").strip().upper().replace(":", "").replace("-", "") or None
    if dev_eui is not None and not DEV_EUI.match(dev_eui):
        raise _error("dev_eui", _("DevEUI gồm 16 chữ số hệ mười sáu."))
    silent = data.get("silent_after") or 30
    try:
        silent_after = int(silent)
    except (TypeError, ValueError):
        raise _error("silent_after", _("Nhập số phút.")) from None
    if not 1 <= silent_after <= 10080:
        raise _error("silent_after", _("Từ 1 đến 10080 phút."))
    device = Device(
        organization=organization,
        identifier=identifier,
        dev_eui=dev_eui,
        name=name,
        kind=kind,
        quantities=[] if kind == DeviceKind.RFID_READER else _quantities(data.get("quantities")),
        silent_after=silent_after,
    )
    try:
        with transaction.atomic():
            device.save()
    except IntegrityError:
        raise _error("identifier", _("Mã thiết bị hoặc DevEUI này đã được dùng.")) from None
    secret = new_secret()
    Credential.objects.create(device=device, secret_hash=hash_secret(secret))
    audit.record(actor=actor, action=AuditAction.CREATE, instance=device, organization_id=organization.pk)
    _sync_broker()
    return device, secret


@transaction.atomic
def rotate_credential(*, actor: Actor, device: Device) -> str:
    """Revoke the device's credential and give it a new one (shown once)."""
    device = Device.objects.select_for_update().get(pk=device.pk)
    _require(may_write(actor, device.organization))
    if device.status != DeviceStatus.ACTIVE:
        raise _error("__all__", _("Thiết bị đã bị thu hồi."))
    now = timezone.now()
    Credential.objects.filter(device=device, revoked_at=None).update(revoked_at=now)
    secret = new_secret()
    Credential.objects.create(device=device, secret_hash=hash_secret(secret))
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=device,
        organization_id=device.organization_id,
        reason="credential rotated",
    )
    _sync_broker()
    return secret


@transaction.atomic
def revoke_device(*, actor: Actor, device: Device, reason: str = "") -> Device:
    """The device may no longer send anything: its credentials are revoked, the broker refuses it."""
    device = Device.objects.select_for_update().get(pk=device.pk)
    _require(may_write(actor, device.organization))
    before = audit.snapshot(device)
    now = timezone.now()
    Credential.objects.filter(device=device, revoked_at=None).update(revoked_at=now)
    device.status = DeviceStatus.REVOKED
    device.save(update_fields=["status"])
    Placement.objects.filter(device=device, end=None).update(end=now)
    audit.record(
        actor=actor,
        action=AuditAction.REVOKE,
        instance=device,
        before=before,
        organization_id=device.organization_id,
        reason=reason[:500],
    )
    _sync_broker()
    return device


def _place(organization: Organization, kind: str, place_id: Any) -> dict[str, Any]:
    """The place named by (kind, id), which must be the organisation's own."""
    try:
        pk = int(place_id)
    except (TypeError, ValueError):
        raise _error("place", _("Chọn nơi đặt thiết bị.")) from None
    model: Any = {"facility": Facility, "area": GrowingArea, "vehicle": Vehicle}.get(kind)
    if model is None:
        raise _error("kind", _("Chọn loại nơi đặt."))
    place = model.objects.filter(pk=pk, organization=organization).first()
    if place is None:
        raise _error("place", _("Nơi này không thuộc tổ chức của bạn."))
    field = {"facility": "facility", "area": "growing_area", "vehicle": "vehicle"}[kind]
    return {field: place}


@transaction.atomic
def place_device(*, actor: Actor, device: Device, kind: str, place_id: Any, start: Any = None) -> Placement:
    """The device is at this place from `start` (default now); its previous placement ends then."""
    device = Device.objects.select_for_update().get(pk=device.pk)
    _require(may_write(actor, device.organization))
    if device.status != DeviceStatus.ACTIVE:
        raise _error("__all__", _("Thiết bị đã bị thu hồi."))
    where = _place(device.organization, kind, place_id)
    when = start or timezone.now()
    Placement.objects.filter(device=device, end=None).update(end=when)
    placement = Placement.objects.create(device=device, kind=kind, start=when, **where)
    audit.record(actor=actor, action=AuditAction.CREATE, instance=placement, organization_id=device.organization_id)
    return placement


@transaction.atomic
def add_vehicle(*, actor: Actor, organization: Organization, plate: str, name: str = "") -> Vehicle:
    _require(may_write(actor, organization))
    plate = re.sub(r"\s+", "", str(plate or "")).upper()[:20]
    if len(plate) < 4:
        raise _error("plate", _("Nhập biển số xe."))
    vehicle, created = Vehicle.objects.get_or_create(
        organization=organization, plate=plate, defaults={"name": str(name or "").strip()[:120]}
    )
    if created:
        audit.record(actor=actor, action=AuditAction.CREATE, instance=vehicle, organization_id=organization.pk)
    return vehicle


@transaction.atomic
def assign_trip(*, actor: Actor, shipment: Any, vehicle: Vehicle) -> Trip:
    """The vehicle carries this shipment: its lots live through the vehicle's conditions until receipt."""
    _require(may_write(actor, shipment.sender) and vehicle.organization_id == shipment.sender_id)
    trip, _created = Trip.objects.update_or_create(shipment=shipment, defaults={"vehicle": vehicle})
    audit.record(actor=actor, action=AuditAction.CREATE, instance=trip, organization_id=shipment.sender_id)
    return trip


def _bound(data: dict[str, Any], key: str) -> float | None:
    value = data.get(key)
    if value in (None, ""):
        return None
    try:
        return float(str(value).replace(",", "."))
    except ValueError:
        raise _error(key, _("Nhập một số.")) from None


@transaction.atomic
def save_profile(*, actor: Actor, organization: Organization, data: dict[str, Any]) -> Profile:
    """A threshold profile for a place or a product: `quantity`, `low` and/or `high`, `min_minutes`, and one of
    `facility`, `growing_area`, `vehicle`, `product` (ids of the organisation's own)."""
    _require(may_write(actor, organization))
    quantity = str(data.get("quantity") or "")
    if quantity not in QuantityName.values:
        raise _error("quantity", _("Chọn đại lượng."))
    low, high = _bound(data, "low"), _bound(data, "high")
    if low is None and high is None:
        raise _error("high", _("Nhập ngưỡng thấp nhất hoặc cao nhất."))
    if low is not None and high is not None and low >= high:
        raise _error("high", _("Ngưỡng cao nhất phải lớn hơn ngưỡng thấp nhất."))
    try:
        minutes = int(data.get("min_minutes") or 0)
    except (TypeError, ValueError):
        raise _error("min_minutes", _("Nhập số phút.")) from None
    if not 0 <= minutes <= 1440:
        raise _error("min_minutes", _("Từ 0 đến 1440 phút."))
    scope: dict[str, Any] = {}
    models: tuple[tuple[str, Any], ...] = (
        ("facility", Facility),
        ("growing_area", GrowingArea),
        ("vehicle", Vehicle),
        ("product", Product),
    )
    for field, model in models:
        if data.get(field):
            found = model.objects.filter(pk=data[field], organization=organization).first()
            if found is None:
                raise _error(field, _("Nơi này không thuộc tổ chức của bạn."))
            scope[field] = found
    if len(scope) != 1:
        raise _error("facility", _("Chọn một nơi (cơ sở, vùng trồng, xe) hoặc một sản phẩm."))
    name = str(data.get("name") or "").strip()[:120] or str(next(iter(scope.values())))
    profile = Profile.objects.create(
        organization=organization,
        name=name,
        quantity=quantity,
        low=low,
        high=high,
        min_minutes=minutes,
        hold_lots=bool(data.get("hold_lots", True)),
        **scope,
    )
    audit.record(actor=actor, action=AuditAction.CREATE, instance=profile, organization_id=organization.pk)
    return profile


@transaction.atomic
def release_hold(*, actor: Actor, hold: ConditionHold, reason: str) -> ConditionHold:
    """Release a lot held for an excursion (the producer after checking the goods, or an officer), with a reason."""
    hold = ConditionHold.objects.select_for_update().select_related("lot__product__organization").get(pk=hold.pk)
    organization = hold.lot.product.organization
    _require(may_write(actor, organization) or permissions.is_officer_for(actor, organization))
    reason = str(reason or "").strip()
    if not reason:
        raise _error("reason", _("Ghi lý do giải toả."))
    if hold.released_at is not None:
        return hold
    before = audit.snapshot(hold)
    hold.released_at = timezone.now()
    hold.released_by = person(actor)
    hold.release_reason = reason[:2000]
    hold.save(update_fields=["released_at", "released_by", "release_reason"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=hold,
        before=before,
        organization_id=organization.pk,
        reason=reason[:500],
    )
    reevaluate([hold.lot], trigger=Trigger.CHECK, actor=actor)  # the rule `condition_excursion` lets it go
    generations.bump_lots([(hold.lot.product.gtin, hold.lot.lot_code)])
    return hold

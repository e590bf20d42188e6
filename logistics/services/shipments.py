"""Shipments: the sender ships, the receiver confirms (custody passes then) or refuses; buyers without an
account are named by name and phone and the goods count as handed over (the one-step-forward record)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Actor, can_write, person, require
from catalog.choices import OrganizationKind
from catalog.models import Lot, Organization
from core import audit
from core.choices import AuditAction
from core.forms import message
from core.numbers import RECEIVED_QUANTITY, NumberError, parse_plain
from diary import epcis
from diary.services import parse_when
from logistics.choices import ShipmentStatus
from logistics.models import LogisticUnit, Shipment, ShipmentLine
from logistics.services.common import err
from logistics.services.processing import check_inputs
from notifications.choices import NotificationKind
from notifications.services import notify_organization

PHONE = re.compile(r"^\+?[0-9 .]{8,15}$")


def _receiver(sender: Organization, data: dict[str, Any]) -> Organization | None:
    value = data.get("receiver")
    if value in (None, ""):
        return None
    org: Organization | None
    if isinstance(value, Organization):
        org = value
    else:
        text = str(value).strip()
        org = Organization.objects.filter(tax_code=text).first() or (
            Organization.objects.filter(pk=text).first() if text.isdigit() and len(text) < 10 else None
        )
    if org is None or org.kind == OrganizationKind.AGENCY:
        raise err("receiver", _("Không tìm thấy tổ chức nhận hàng."))
    if org.pk == sender.pk:
        raise err("receiver", _("Không gửi hàng cho chính mình."))
    return org


def _lines(organization: Organization, data: dict[str, Any]) -> list[tuple[Lot, Decimal, LogisticUnit | None]]:
    """Loose lot quantities and whole units (each unit's contents become lines)."""
    out: list[tuple[Lot, Decimal, LogisticUnit | None]] = []
    loose = list(data.get("lines") or [])
    if loose:
        out += [(lot, q, None) for lot, q in check_inputs(organization, loose, "lines")]
    for value in data.get("units") or []:
        unit = value if isinstance(value, LogisticUnit) else LogisticUnit.objects.filter(sscc=str(value)).first()
        if unit is None or unit.organization_id != organization.pk:
            raise err("units", _("Không tìm thấy thùng/pallet %(sscc)s.") % {"sscc": value})
        members = [unit, *unit.children.all()]
        for member in members:
            for content in member.contents.select_related("lot__product"):
                out.append((content.lot, content.quantity, unit))
    if not out:
        raise err("lines", _("Cần chọn lô hoặc thùng để gửi."))
    return out


@transaction.atomic
def create_shipment(*, actor: Actor, organization: Organization, data: dict[str, Any]) -> Shipment:
    """Ship lots (`lines=[{lot, quantity}]`) and/or SSCC units (`units=[sscc]`) to `receiver` (an organisation,
    its id or tax code) or to an unregistered buyer (`buyer_name`, `buyer_phone`); `shipped_at`, `note`.

    EPCIS ObjectEvent OBSERVE `shipping` / `in_transit` with owning-party source and destination and a
    `desadv` business transaction `urn:uuid:<public_id>`. To an organisation it stays pending until the
    receiver confirms; to a buyer without an account it is handed over at once.
    """
    require(can_write(actor, organization))
    receiver = _receiver(organization, data)
    name = str(data.get("buyer_name") or "").strip()[:160]
    phone = str(data.get("buyer_phone") or "").strip()[:20]
    if receiver is None:
        if not name:
            raise err("receiver", _("Chọn tổ chức nhận, hoặc ghi tên và số điện thoại người mua."))
        if not PHONE.match(phone):
            raise err("buyer_phone", _("Số điện thoại người mua không hợp lệ."))
    lines = _lines(organization, data)
    when = parse_when(data.get("shipped_at") or timezone.now())
    shipment = Shipment.objects.create(
        sender=organization,
        receiver=receiver,
        buyer_name="" if receiver else name,
        buyer_phone="" if receiver else phone,
        shipped_at=when,
        status=ShipmentStatus.PENDING if receiver else ShipmentStatus.HANDED_OVER,
        note=str(data.get("note") or "")[:4000],
        created_by=person(actor),
    )
    for lot, amount, unit in lines:
        ShipmentLine.objects.create(shipment=shipment, lot=lot, quantity=amount, unit=unit)
    event = epcis.base_event("ObjectEvent", when)
    units = sorted({u.sscc for _l, _q, u in lines if u is not None})
    event.update(
        {
            "epcList": [epcis.sscc_epc(s) for s in units],
            "action": "OBSERVE",
            "bizStep": "shipping",
            "disposition": "in_transit",
            "quantityList": [epcis.quantity(lot, q) for lot, q, u in lines if u is None],
            "bizTransactionList": [{"type": "desadv", "bizTransaction": f"urn:uuid:{shipment.public_id}"}],
        }
    )
    if not event["quantityList"]:
        del event["quantityList"]
    event["sourceList"] = epcis.parties("source", organization)
    event["destinationList"] = epcis.parties("destination", receiver, f"urn:uuid:{shipment.public_id}")
    for key in ("sourceList", "destinationList"):
        if not event[key]:
            del event[key]
    shipment.ship_event_id = event["eventID"]
    shipment.save(update_fields=["ship_event_id"])
    epcis.capture(actor=actor, organization=organization, events=[event], source="shipping")
    audit.record(actor=actor, action=AuditAction.CREATE, instance=shipment, organization_id=organization.pk)
    if receiver is not None:
        _notify(
            receiver,
            _("Hàng đến từ %(sender)s: chờ bạn xác nhận") % {"sender": organization.name},
            shipment,
            ", ".join(f"{lot.product.name} {lot.lot_code} × {amount}" for lot, amount, _u in lines),
        )
    return shipment


def _notify(organization: Organization, title: str, shipment: Shipment, body: str = "") -> None:
    """Tell the other party's members (workspace notification and e-mail after commit)."""

    notify_organization(
        organization,
        kind=NotificationKind.OTHER,
        title=title,
        body=body,
        link=f"/workspace/shipments/{shipment.public_id}/",
        about=shipment,
    )


def _locked(shipment: Shipment) -> Shipment:
    return Shipment.objects.select_for_update(of=("self",)).select_related("sender", "receiver").get(pk=shipment.pk)


@transaction.atomic
def confirm_receipt(*, actor: Actor, shipment: Shipment, data: dict[str, Any] | None = None) -> Shipment:
    """The receiving organisation confirms what arrived: `received={line_id: quantity}` (default: as sent),
    `note` (required when quantities differ). Custody passes now: EPCIS ObjectEvent OBSERVE `receiving` /
    `in_progress` captured by the receiver, with the same `desadv` transaction as the shipping event."""
    data = data or {}
    if shipment.receiver is None:
        raise ValidationError(_("Chuyến hàng này giao cho người mua chưa đăng ký, không cần xác nhận."))
    require(can_write(actor, shipment.receiver))
    shipment = _locked(shipment)
    assert shipment.receiver is not None
    if shipment.status != ShipmentStatus.PENDING:
        raise ValidationError(
            _("Chuyến hàng này đã được xử lý (%(status)s).") % {"status": shipment.get_status_display()}
        )
    received = {str(k): v for k, v in (data.get("received") or {}).items()}
    lines = list(shipment.lines.select_related("lot__product", "unit"))
    differs = False
    for line in lines:
        value = received.get(str(line.pk))
        if value in (None, ""):
            amount = line.quantity
        else:
            try:
                amount = parse_plain(value, RECEIVED_QUANTITY) or Decimal(0)
            except NumberError as exc:
                if exc.code == "below_min":
                    raise err("received", _("Số lượng nhận không được âm.")) from None
                raise err("received", message(exc)) from None
            amount = amount.quantize(Decimal("0.001"))
        if amount > line.quantity:
            raise err("received", _("Nhận nhiều hơn số đã gửi: ghi chênh lệch và báo bên gửi gửi phiếu bổ sung."))
        line.received_quantity = amount
        differs = differs or amount != line.quantity
        line.save(update_fields=["received_quantity"])
    note = str(data.get("note") or "").strip()[:4000]
    if differs and not note:
        raise err("note", _("Số lượng nhận khác số gửi: ghi rõ lý do chênh lệch."))
    when = parse_when(data.get("received_at") or timezone.now())
    if when < shipment.shipped_at:
        raise err("received_at", _("Ngày nhận không được trước ngày gửi."))
    event = epcis.base_event("ObjectEvent", when)
    whole_units = sorted({ln.unit.sscc for ln in lines if ln.unit is not None and not differs})
    event.update(
        {
            "epcList": [epcis.sscc_epc(s) for s in whole_units],
            "action": "OBSERVE",
            "bizStep": "receiving",
            "disposition": "in_progress",
            "bizTransactionList": [{"type": "desadv", "bizTransaction": f"urn:uuid:{shipment.public_id}"}],
        }
    )
    loose = [
        epcis.quantity(ln.lot, ln.received_quantity)
        for ln in lines
        if ln.received_quantity and (ln.unit is None or differs)
    ]
    if loose:
        event["quantityList"] = loose
    if note:
        event["txd:receiptNote"] = note[:500]
    for key, org in (("sourceList", shipment.sender), ("destinationList", shipment.receiver)):
        found = epcis.parties("source" if key == "sourceList" else "destination", org)
        if found:
            event[key] = found
    before = audit.snapshot(shipment)
    shipment.status = ShipmentStatus.DISCREPANCY if differs else ShipmentStatus.RECEIVED
    shipment.received_at = when
    shipment.received_by = person(actor)
    shipment.receiver_note = note
    shipment.receive_event_id = event["eventID"]
    shipment.save()
    epcis.capture(actor=actor, organization=shipment.receiver, events=[event], source="receiving")
    audit.record(
        actor=actor, action=AuditAction.APPROVE, instance=shipment, before=before, organization_id=shipment.receiver_id
    )
    _notify(
        shipment.sender,
        _("%(receiver)s đã xác nhận nhận hàng") % {"receiver": shipment.receiver.name},
        shipment,
        note,
    )
    return shipment


@transaction.atomic
def reject_shipment(*, actor: Actor, shipment: Shipment, reason: str) -> Shipment:
    """The receiving organisation refuses the goods (reason required); custody stays with the sender."""
    if shipment.receiver is None:
        raise ValidationError(_("Chuyến hàng này không có tổ chức nhận."))
    require(can_write(actor, shipment.receiver))
    shipment = _locked(shipment)
    if shipment.status != ShipmentStatus.PENDING:
        raise ValidationError(_("Chuyến hàng này đã được xử lý."))
    if not reason.strip():
        raise err("reason", _("Cần nêu lý do từ chối."))
    before = audit.snapshot(shipment)
    shipment.status = ShipmentStatus.REJECTED
    shipment.receiver_note = reason.strip()[:4000]
    shipment.received_by = person(actor)
    shipment.save()
    audit.record(
        actor=actor,
        action=AuditAction.REJECT,
        instance=shipment,
        before=before,
        organization_id=shipment.receiver_id,
        reason=reason,
    )
    name = shipment.receiver.name if shipment.receiver else ""
    _notify(shipment.sender, _("%(receiver)s từ chối nhận hàng") % {"receiver": name}, shipment, reason)
    return shipment


@transaction.atomic
def cancel_shipment(*, actor: Actor, shipment: Shipment, reason: str = "") -> Shipment:
    """The sender cancels a shipment still pending: EPCIS `void_shipping`, the goods count as theirs again."""
    require(can_write(actor, shipment.sender))
    shipment = _locked(shipment)
    if shipment.status != ShipmentStatus.PENDING:
        raise ValidationError(_("Chỉ huỷ được chuyến hàng đang chờ xác nhận."))
    event = epcis.base_event("ObjectEvent", timezone.now())
    event.update(
        {
            "epcList": [],
            "action": "OBSERVE",
            "bizStep": "void_shipping",
            "disposition": "in_progress",
            "quantityList": [
                epcis.quantity(ln.lot, ln.quantity) for ln in shipment.lines.select_related("lot__product")
            ],
            "bizTransactionList": [{"type": "desadv", "bizTransaction": f"urn:uuid:{shipment.public_id}"}],
        }
    )
    before = audit.snapshot(shipment)
    shipment.status = ShipmentStatus.CANCELLED
    shipment.receiver_note = reason.strip()[:4000]
    shipment.save()
    epcis.capture(actor=actor, organization=shipment.sender, events=[event], source="shipping")
    audit.record(
        actor=actor,
        action=AuditAction.DELETE,
        instance=shipment,
        before=before,
        organization_id=shipment.sender_id,
        reason=reason,
    )
    return shipment

"""Correcting or voiding a harvest or a shipment line, as the EPCIS standard records it (issue 15 item 4).

As for diary entries (`diary.corrections`, whose helpers these use): the record found wrong stays, marked with
the reason; its event is declared in error (`errorDeclaration`, CBV `incorrect_data` / `did_not_occur`, with
`correctiveEventIDs`) and the corrective event is captured with it, both in the ledger; the rules re-check the
lots at once (`workflows.chain`, which calls these). Who: the record's author or an owner of the organisation.

* A harvest (one area's share of a lot, a `DiaryEntry` of activity harvesting) is corrected in quantity and
  date while its lot is a draft: the lot's quantity becomes the sum of its standing shares and its production
  date the earliest; voiding a share needs another share to remain (a lot nobody harvested is not a lot).
* A shipment line (loose lot quantity, not a unit's content) is corrected in quantity or voided while the
  shipment is pending or handed over: the shipping event is declared in error and a corrective shipping event
  carries the standing lines; voiding the last line is refused (cancel the shipment instead).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Actor, person
from catalog.choices import LotStatus
from catalog.models import Lot
from core import audit
from core.choices import AuditAction
from diary import epcis
from diary.choices import Activity, Correction, EntrySource
from diary.corrections import DID_NOT_OCCUR, INCORRECT, can_correct, check, clean_reason, declare, mark
from diary.models import DiaryEntry
from diary.services import parse_when
from events.models import Event
from logistics.choices import ShipmentStatus
from logistics.models import Shipment, ShipmentLine
from logistics.selectors import available
from logistics.services.common import err, fmt_qty, positive

CORRECTABLE_SHIPMENTS = (ShipmentStatus.PENDING, ShipmentStatus.HANDED_OVER)


def _restated(event_id: str, **changes: Any) -> dict[str, Any]:
    """A new event made from a stored one (its JSON without eventID/recordTime), with `changes`."""
    body = json.loads(Event.objects.get(event_id=event_id).body)
    body.pop("recordTime", None)
    body.update(changes)
    body["eventID"] = epcis.new_event_id()
    return body


def _harvest(entry: DiaryEntry) -> tuple[DiaryEntry, Lot]:
    entry = DiaryEntry.objects.select_for_update().select_related("organization", "growing_area").get(pk=entry.pk)
    if entry.activity != Activity.HARVESTING or entry.lot_id is None:
        raise ValidationError(_("Đây không phải bản ghi thu hoạch."))
    lot = Lot.objects.select_for_update().select_related("product").get(pk=entry.lot_id)
    if lot.status != LotStatus.DRAFT:
        raise ValidationError(
            _("Lô %(code)s đã gửi duyệt hoặc công bố: đề nghị cơ quan quản lý trả lô về nháp trước khi sửa.")
            % {"code": lot.lot_code}
        )
    return entry, lot


def _recount(actor: Actor, lot: Lot, reason: str) -> None:
    """The lot's quantity and production date from its standing harvests (it must still hold what left it)."""
    standing = list(DiaryEntry.objects.filter(lot=lot, activity=Activity.HARVESTING, correction=""))
    before = audit.snapshot(lot)
    old_production = lot.production_date
    lot.quantity = sum((e.quantity or Decimal(0) for e in standing), Decimal(0))
    lot.production_date = min(e.local_date for e in standing)
    if lot.expiry_date and lot.product.shelf_life_days:
        lot.expiry_date = lot.expiry_date + (lot.production_date - old_production)
    lot.save(update_fields=["quantity", "production_date", "expiry_date"])
    left = available(lot.product.organization, lot)
    if left < 0:
        raise err(
            "quantity",
            _("Lô đã dùng hoặc gửi đi nhiều hơn số lượng sau khi sửa (thiếu %(missing)s %(unit)s).")
            % {"missing": fmt_qty(-left), "unit": lot.get_unit_display()},
        )
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=lot,
        before=before,
        organization_id=lot.product.organization_id,
        reason=reason,
    )


@transaction.atomic
def correct_harvest(*, actor: Actor, entry: DiaryEntry, data: dict[str, Any], reason: Any) -> DiaryEntry:
    """Correct one area's harvest of a draft lot: `data` quantity and/or harvested_at (else the entry's)."""
    entry, lot = _harvest(entry)
    check(actor, entry)
    text = clean_reason(reason)
    quantity = positive("quantity", data.get("quantity")) if data.get("quantity") not in (None, "") else entry.quantity
    when = parse_when(data.get("harvested_at")) if data.get("harvested_at") else entry.occurred_at
    if when > timezone.now() + dt.timedelta(minutes=15):
        raise err("harvested_at", _("Ngày thu hoạch không được ở tương lai."))
    if quantity == entry.quantity and when == entry.occurred_at:
        raise err("quantity", _("Chưa có gì khác bản ghi cũ để sửa."))
    time, offset = epcis.event_time(when)
    event = _restated(entry.event_id, eventTime=time, eventTimeZoneOffset=offset)
    for row in event.get("quantityList") or []:
        row["quantity"] = float(quantity or 0)
    new = DiaryEntry.objects.create(
        client_id=uuid.uuid4(),
        organization=entry.organization,
        growing_area=entry.growing_area,
        activity=Activity.HARVESTING,
        occurred_at=when,
        quantity=quantity,
        unit=entry.unit,
        note=entry.note,
        lot=lot,
        event_id=event["eventID"],
        source=EntrySource.WEB,
        recorded_by=person(actor),
        corrects=entry,
    )
    before = mark(entry, actor, Correction.CORRECTED, text)
    _recount(actor, lot, text)
    declare(
        actor=actor,
        organization=entry.organization,
        event_ids=[entry.event_id],
        reason=INCORRECT,
        text=text,
        corrective=[event],
        source="harvest",
    )
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=entry,
        before=before,
        organization_id=entry.organization_id,
        reason=text,
    )
    audit.record(actor=actor, action=AuditAction.CREATE, instance=new, organization_id=entry.organization_id)
    return new


@transaction.atomic
def void_harvest(*, actor: Actor, entry: DiaryEntry, reason: Any) -> DiaryEntry:
    """Void one area's share of a draft lot's harvest (another share must remain)."""
    entry, lot = _harvest(entry)
    check(actor, entry)
    text = clean_reason(reason)
    others = DiaryEntry.objects.filter(lot=lot, activity=Activity.HARVESTING, correction="").exclude(pk=entry.pk)
    if not others.exists():
        raise ValidationError(_("Đây là lần thu hoạch duy nhất của lô: sửa số lượng hoặc ngày thay vì huỷ."))
    before = mark(entry, actor, Correction.VOIDED, text)
    _recount(actor, lot, text)
    declare(
        actor=actor,
        organization=entry.organization,
        event_ids=[entry.event_id],
        reason=DID_NOT_OCCUR,
        text=text,
        corrective=[],
        source="harvest",
    )
    audit.record(
        actor=actor,
        action=AuditAction.DELETE,
        instance=entry,
        before=before,
        organization_id=entry.organization_id,
        reason=text,
    )
    return entry


def _line(actor: Actor, line: ShipmentLine) -> tuple[ShipmentLine, Shipment]:
    line = ShipmentLine.all_lines.select_for_update().select_related("lot__product").get(pk=line.pk)
    shipment = Shipment.objects.select_for_update(of=("self",)).select_related("sender").get(pk=line.shipment_id)
    if not can_correct(actor, shipment.sender, shipment.created_by_id):
        raise PermissionDenied(_("Chỉ người tạo chuyến hàng hoặc chủ tổ chức gửi mới được sửa hay huỷ dòng hàng."))
    if line.correction:
        raise ValidationError(_("Dòng hàng này đã được sửa hoặc huỷ."))
    if shipment.status not in CORRECTABLE_SHIPMENTS:
        raise ValidationError(_("Chuyến hàng đã được bên nhận xử lý: không sửa được dòng hàng."))
    if line.unit_id is not None:
        raise ValidationError(_("Dòng hàng nằm trong thùng/pallet: không sửa riêng được."))
    return line, shipment


def _reship(actor: Actor, shipment: Shipment, line: ShipmentLine, reason: str, text: str) -> None:
    """Declare the shipping event in error and capture a corrective one carrying the standing lines."""
    standing = list(shipment.lines.select_related("lot__product"))
    event = _restated(
        shipment.ship_event_id, quantityList=[epcis.quantity(ln.lot, ln.quantity) for ln in standing if not ln.unit_id]
    )
    if not event["quantityList"]:
        del event["quantityList"]
    declare(
        actor=actor,
        organization=shipment.sender,
        event_ids=[shipment.ship_event_id],
        reason=reason,
        text=text,
        corrective=[event],
        source="shipping",
    )
    before = audit.snapshot(shipment)
    shipment.ship_event_id = event["eventID"]
    shipment.save(update_fields=["ship_event_id"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=shipment,
        before=before,
        organization_id=shipment.sender_id,
        reason=text,
    )


def _mark_line(line: ShipmentLine, actor: Actor, state: str, text: str) -> None:
    line.correction, line.correction_reason, line.corrected_at = state, text, timezone.now()
    line.corrected_by = person(actor)
    line.save(update_fields=["correction", "correction_reason", "corrected_at", "corrected_by"])


@transaction.atomic
def correct_shipment_line(*, actor: Actor, line: ShipmentLine, quantity: Any, reason: Any) -> ShipmentLine:
    """Correct the quantity of a loose line of a pending (or handed-over) shipment; returns the new line."""
    line, shipment = _line(actor, line)
    text = clean_reason(reason)
    amount = positive("quantity", quantity)
    if amount == line.quantity:
        raise err("quantity", _("Chưa có gì khác bản ghi cũ để sửa."))
    _mark_line(line, actor, Correction.CORRECTED, text)
    have = available(shipment.sender, line.lot)  # the old quantity counts as held again
    if amount > have:
        raise err(
            "quantity",
            _("Lô %(code)s chỉ còn %(have)s %(unit)s.")
            % {"code": line.lot.lot_code, "have": fmt_qty(have), "unit": line.lot.get_unit_display()},
        )
    new = ShipmentLine.objects.create(shipment=shipment, lot=line.lot, quantity=amount, corrects=line)
    _reship(actor, shipment, line, INCORRECT, text)
    return new


@transaction.atomic
def void_shipment_line(*, actor: Actor, line: ShipmentLine, reason: Any) -> ShipmentLine:
    """Void a loose line of a pending (or handed-over) shipment (not its last: cancel the shipment instead)."""
    line, shipment = _line(actor, line)
    text = clean_reason(reason)
    if not shipment.lines.exclude(pk=line.pk).exists():
        raise ValidationError(_("Đây là dòng hàng cuối cùng: huỷ cả chuyến hàng thay vì huỷ dòng."))
    _mark_line(line, actor, Correction.VOIDED, text)
    _reship(actor, shipment, line, INCORRECT, text)
    return line

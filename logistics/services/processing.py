"""Processing (transformations: drying, roasting, milling, packing, split, merge) and packing into SSCC units."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Actor, can_write, person, require
from catalog.choices import LotStatus, QuantityUnit
from catalog.models import Facility, Lot, Organization, Product
from catalog.services import create_lot
from core import audit
from core.choices import AuditAction
from diary import epcis
from diary.services import parse_when
from events.services.keys import link_lot
from logistics.choices import Process, UnitKind
from logistics.models import LogisticUnit, LogisticUnitContent, Transformation, TransformationInput
from logistics.selectors import available
from logistics.services.common import allocate_sscc, err, fmt_qty, lot_of, positive
from logistics.services.harvest import next_lot_code, set_claims

MAX_UNITS_PER_CALL = 500


def check_inputs(
    organization: Organization, rows: list[dict[str, Any]], name: str = "inputs"
) -> list[tuple[Lot, Decimal]]:
    """Lots with quantities the organisation holds enough of, none recalled, each once."""
    if not rows:
        raise err(name, _("Cần chọn ít nhất một lô."))
    out: list[tuple[Lot, Decimal]] = []
    for row in rows:
        lot = lot_of(row.get("lot"), name)
        amount = positive(name, row.get("quantity"))
        if any(lot.pk == other.pk for other, _q in out):
            raise err(name, _("Lô %(code)s được chọn hai lần.") % {"code": lot.lot_code})
        if lot.status == LotStatus.RECALLED:
            raise err(name, _("Lô %(code)s đã bị thu hồi, không dùng được.") % {"code": lot.lot_code})
        have = available(organization, lot)
        if amount > have:
            raise err(
                name,
                _("Lô %(code)s chỉ còn %(have)s %(unit)s.")
                % {"code": lot.lot_code, "have": fmt_qty(have), "unit": lot.get_unit_display()},
            )
        out.append((lot, amount))
    return out


def _facility(organization: Organization, value: Any) -> Facility | None:
    if value in (None, ""):
        return None
    facility = value if isinstance(value, Facility) else Facility.objects.filter(pk=value).first()
    if facility is None or facility.organization_id != organization.pk:
        raise err("facility", _("Chọn cơ sở của tổ chức."))
    return facility


@transaction.atomic
def transform(*, actor: Actor, organization: Organization, data: dict[str, Any]) -> Transformation:
    """Make output lots from input lots. `data`: process, inputs=[{lot, quantity}],
    outputs=[{product, quantity, unit, lot_code?}], occurred_at, facility?, note?, claims? (for the outputs).

    One EPCIS TransformationEvent (bizStep `commissioning` of the outputs, `txd:process`); the outputs'
    origin areas are the inputs' (one step back is kept even through a merge).
    """
    require(can_write(actor, organization))
    process = str(data.get("process") or "")
    if process not in Process.values:
        raise err("process", _("Chọn công đoạn chế biến."))
    inputs = check_inputs(organization, list(data.get("inputs") or []))
    outputs_in = list(data.get("outputs") or [])
    if not outputs_in:
        raise err("outputs", _("Cần ít nhất một lô đầu ra."))
    if process == Process.SPLIT and (len(inputs) != 1 or len(outputs_in) < 2):
        raise err("outputs", _("Chia lô: một lô đầu vào thành từ hai lô đầu ra."))
    if process == Process.MERGE and (len(inputs) < 2 or len(outputs_in) != 1):
        raise err("inputs", _("Gộp lô: từ hai lô đầu vào thành một lô đầu ra."))
    when = parse_when(data.get("occurred_at") or timezone.now())
    day = timezone.localtime(when).date()
    facility = _facility(organization, data.get("facility"))
    areas = {a.pk: a for lot, _q in inputs for a in lot.origin_areas.all()}
    transformation = Transformation.objects.create(
        organization=organization,
        process=process,
        occurred_at=when,
        facility=facility,
        note=str(data.get("note") or "")[:4000],
        created_by=person(actor),
    )
    for lot, amount in inputs:
        TransformationInput.objects.create(transformation=transformation, lot=lot, quantity=amount)
    outputs: list[Lot] = []
    for row in outputs_in:
        product = row.get("product")
        if not isinstance(product, Product):
            product = Product.objects.filter(pk=product).first() if product else None
        if product is None or product.organization_id != organization.pk:
            raise err("outputs", _("Chọn sản phẩm đầu ra của tổ chức."))
        unit = str(row.get("unit") or QuantityUnit.KG)
        code = str(row.get("lot_code") or "").strip() or next_lot_code(product, day, "CB")
        lot = create_lot(
            actor=actor,
            product=product,
            data={
                "lot_code": code,
                "production_date": day,
                "quantity": positive("outputs", row.get("quantity")),
                "unit": unit,
            },
            origin_areas=list(areas.values()),
        )
        link_lot(lot.pk, product.gtin, lot.lot_code)  # events that named the lot before it was registered
        if data.get("claims"):
            set_claims(lot, [str(c) for c in data["claims"]])
        outputs.append(lot)
    transformation.outputs.set(outputs)
    event = epcis.base_event("TransformationEvent", when)
    event.update(
        {
            "inputQuantityList": [epcis.quantity(lot, q) for lot, q in inputs],
            "outputQuantityList": [epcis.quantity(lot, lot.quantity) for lot in outputs],
            "bizStep": "commissioning",
            "disposition": "active",
            "txd:process": process,
        }
    )
    if facility is not None:
        event["readPoint"] = event["bizLocation"] = {"id": epcis.facility_location(facility)}
    transformation.event_id = event["eventID"]
    transformation.save(update_fields=["event_id"])
    epcis.capture(actor=actor, organization=organization, events=[event], source="processing")
    audit.record(actor=actor, action=AuditAction.CREATE, instance=transformation, organization_id=organization.pk)
    return transformation


@transaction.atomic
def pack(*, actor: Actor, organization: Organization, data: dict[str, Any]) -> list[LogisticUnit]:
    """Pack lot quantities into `count` cartons/bags (each with the same contents), or cartons onto a pallet.

    `data`: kind (carton, bag, pallet), contents=[{lot, quantity}] per unit, count (default 1), or for a
    pallet children=[LogisticUnit or SSCC]. Each unit gets an SSCC and an AggregationEvent ADD `packing`.
    """
    require(can_write(actor, organization))
    kind = str(data.get("kind") or "")
    if kind not in UnitKind.values:
        raise err("kind", _("Chọn loại đơn vị: thùng, bao hoặc pallet."))
    when = parse_when(data.get("packed_at") or timezone.now())
    children: list[LogisticUnit] = []
    for child in data.get("children") or []:
        unit = child if isinstance(child, LogisticUnit) else LogisticUnit.objects.filter(sscc=str(child)).first()
        if unit is None or unit.organization_id != organization.pk:
            raise err("children", _("Không tìm thấy thùng %(sscc)s của tổ chức.") % {"sscc": child})
        if unit.parent_id is not None:
            raise err("children", _("Thùng %(sscc)s đã ở trên pallet khác.") % {"sscc": unit.sscc})
        children.append(unit)
    try:
        count = int(data.get("count") or 1)
    except ValueError:
        raise err("count", _("Số đơn vị phải là số nguyên.")) from None
    if not 1 <= count <= MAX_UNITS_PER_CALL:
        raise err("count", _("Mỗi lần đóng từ 1 đến %(max)s đơn vị.") % {"max": MAX_UNITS_PER_CALL})
    if children and count != 1:
        raise err("count", _("Xếp thùng lên pallet: mỗi lần một pallet."))
    rows = list(data.get("contents") or [])
    if not rows and not children:
        raise err("contents", _("Cần chọn lô hoặc thùng để đóng gói."))
    contents: list[tuple[Lot, Decimal]] = []
    if rows:
        per_unit = check_inputs(organization, rows, "contents")
        contents = per_unit
        for lot, amount in per_unit:
            if amount * count > available(organization, lot):
                raise err("contents", _("Lô %(code)s không đủ cho %(n)s đơn vị.") % {"code": lot.lot_code, "n": count})
    units: list[LogisticUnit] = []
    events = []
    for _i in range(count):
        sscc = allocate_sscc(organization, 1 if kind == UnitKind.PALLET else 0)
        unit = LogisticUnit.objects.create(
            organization=organization,
            sscc=sscc,
            kind=kind,
            packed_at=when,
            created_by=person(actor),
        )
        for lot, amount in contents:
            LogisticUnitContent.objects.create(unit=unit, lot=lot, quantity=amount)
        event = epcis.base_event("AggregationEvent", when)
        event.update(
            {"parentID": epcis.sscc_epc(sscc), "action": "ADD", "bizStep": "packing", "disposition": "in_progress"}
        )
        if children:
            event["childEPCs"] = [epcis.sscc_epc(c.sscc) for c in children]
            LogisticUnit.objects.filter(pk__in=[c.pk for c in children]).update(parent=unit)
        else:
            event["childEPCs"] = []
        if contents:
            event["childQuantityList"] = [epcis.quantity(lot, q) for lot, q in contents]
        unit.event_id = event["eventID"]
        unit.save(update_fields=["event_id"])
        events.append(event)
        units.append(unit)
        audit.record(actor=actor, action=AuditAction.CREATE, instance=unit, organization_id=organization.pk)
    epcis.capture(actor=actor, organization=organization, events=events, source="packing")
    return units

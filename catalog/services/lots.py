"""Lot services: create, mark submitted for review, mark published, return to draft, recall.

`mark_submitted` and `mark_published` change the status only; the publication workflow
(`rules.publication`, `workflows.publication`) evaluates the rules, records their verdicts and calls them when
nothing blocks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.permissions import Actor, can_write, person, require
from catalog.choices import LotStatus, OrganizationStatus, QuantityUnit
from catalog.models import GrowingArea, Lot, Product
from catalog.services.common import save_unique
from catalog.validators import validate_lot_code
from core import audit
from core.choices import AuditAction
from core.forms import required_number
from core.numbers import QUANTITY
from ledger.services import append_record


@transaction.atomic
def create_lot(
    *,
    actor: Actor,
    product: Product,
    data: dict[str, Any],
    origin_areas: list[GrowingArea] | None = None,
) -> Lot:
    """Create a draft lot of one of the organisation's products."""
    organization = product.organization
    require(can_write(actor, organization))
    try:
        code = validate_lot_code(str(data.get("lot_code", "")))
    except ValidationError as exc:
        raise ValidationError({"lot_code": exc.messages}) from exc
    if Lot.objects.filter(product=product, lot_code=code).exists():
        raise ValidationError({"lot_code": [_("Số lô %(code)s đã có cho sản phẩm này.") % {"code": code}]})
    production_date = data.get("production_date")
    expiry_date = data.get("expiry_date")
    if not isinstance(production_date, dt.date):
        raise ValidationError({"production_date": [_("Cần nhập ngày sản xuất/thu hoạch.")]})
    if expiry_date is None and product.shelf_life_days:
        expiry_date = production_date + dt.timedelta(days=product.shelf_life_days)
    if expiry_date is not None and expiry_date < production_date:
        raise ValidationError({"expiry_date": [_("Hạn sử dụng phải sau ngày sản xuất.")]})
    quantity = required_number("quantity", data.get("quantity"), QUANTITY, _("Số lượng phải là số lớn hơn 0."))
    unit = data.get("unit") or QuantityUnit.KG
    if unit not in QuantityUnit.values:
        raise ValidationError({"unit": [_("Đơn vị không hợp lệ.")]})
    areas = list(origin_areas or [])
    # A processor's lot may name its suppliers' areas (one step back); those suppliers must be approved.
    # The EPCIS trace is what proves the link; see the workspace issue for the rule that checks it.
    if any(
        a.organization_id != organization.pk and a.organization.status != OrganizationStatus.APPROVED for a in areas
    ):
        raise ValidationError({"origin_areas": [_("Vùng trồng thuộc tổ chức chưa được duyệt.")]})
    lot = Lot(
        product=product,
        lot_code=code,
        production_date=production_date,
        expiry_date=expiry_date,
        quantity=quantity.quantize(Decimal("0.001")),
        unit=unit,
        created_by=person(actor),
    )
    save_unique(lot, {"lot_code": _("Số lô %(code)s đã có cho sản phẩm này.") % {"code": code}})
    lot.origin_areas.set(areas)
    audit.record(actor=actor, action=AuditAction.CREATE, instance=lot, organization_id=organization.pk)
    return lot


def missing_for_publication(lot: Lot) -> list[str]:
    """What a published lot must carry (Circular 02/2024/TT-BKHCN) and this one lacks, in words."""
    product, org = lot.product, lot.product.organization
    missing = []
    if not product.name:
        missing.append(_("tên sản phẩm"))
    if not product.image:
        missing.append(_("ảnh sản phẩm"))
    if not org.name or not org.street_address or not org.ward_code:
        missing.append(_("tên và địa chỉ đầy đủ của đơn vị sản xuất"))
    if not lot.origin_areas.exists():
        missing.append(_("vùng trồng nguồn gốc"))
    if not product.brand:
        missing.append(_("nhãn hiệu"))
    if not lot.lot_code:
        missing.append(_("số lô"))
    if not lot.expiry_date:
        missing.append(_("hạn sử dụng"))
    return missing


def refuse_if_incomplete(lot: Lot) -> None:
    """Raise ValidationError (code `incomplete`) naming what a published lot must carry and this one lacks."""
    missing = missing_for_publication(lot)
    if missing:
        raise ValidationError(
            _("Chưa thể công bố: còn thiếu %(fields)s.") % {"fields": ", ".join(missing)}, code="incomplete"
        )


def _locked(lot: Lot) -> Lot:
    return Lot.objects.select_for_update().select_related("product__organization").get(pk=lot.pk)


def _change_status(
    actor: Actor, lot: Lot, status: str, action: str, reason: str = "", ledger: bool = False, **stamps: Any
) -> Lot:
    """Move a locked lot to `status` (setting `stamps` such as published_at), with its audit entry and, when the
    new version is a public fact, its ledger leaf — all in the caller's transaction."""
    before = audit.snapshot(lot)
    lot.status = status
    for name, value in stamps.items():
        setattr(lot, name, value)
    lot.save()
    audit.record(
        actor=actor,
        action=action,
        instance=lot,
        before=before,
        organization_id=lot.product.organization_id,
        reason=reason,
    )
    if ledger:
        append_record(lot)
    return lot


def locked(lot: Lot) -> Lot:
    """The lot, locked for this transaction (a workflow reads it once, then marks it)."""
    return _locked(lot)


def check_submittable(actor: Actor, lot: Lot) -> None:
    """Raise unless `actor` may submit the (locked) draft lot now: permission, status, organisation, completeness."""
    require(can_write(actor, lot.product.organization))
    if lot.status != LotStatus.DRAFT:
        raise ValidationError(_("Chỉ gửi duyệt được lô đang ở trạng thái nháp."))
    if lot.product.organization.status != OrganizationStatus.APPROVED:
        raise ValidationError(_("Tổ chức chưa được duyệt nên chưa gửi duyệt lô được."))
    refuse_if_incomplete(lot)


def check_publishable(actor: Actor, lot: Lot) -> None:
    """Raise unless `actor` (an officer of the province) may publish the (locked) lot now."""
    require(permissions.is_officer_for(actor, lot.product.organization))
    if lot.status not in (LotStatus.SUBMITTED, LotStatus.DRAFT):
        raise ValidationError(_("Lô này không ở trạng thái chờ công bố."))
    if lot.product.organization.status != OrganizationStatus.APPROVED:
        raise ValidationError(_("Tổ chức sản xuất chưa được duyệt."))
    refuse_if_incomplete(lot)


@transaction.atomic
def mark_submitted(*, actor: Actor, lot: Lot) -> Lot:
    """The draft lot goes to the agency's review (status, audit entry). Called by the publication workflow once the
    rules let it (`workflows.publication.submit_lot`); checks again what `check_submittable` checks."""
    lot = _locked(lot)
    check_submittable(actor, lot)
    return _change_status(actor, lot, LotStatus.SUBMITTED, AuditAction.SUBMIT, submitted_at=timezone.now())


@transaction.atomic
def mark_published(*, actor: Actor, lot: Lot, reason: str = "") -> Lot:
    """An officer's approval for the public pages (status, audit entry, ledger leaf). Called by the publication
    workflow once the rules let it (`rules.publication.publish_lot`)."""
    lot = _locked(lot)
    check_publishable(actor, lot)
    return _change_status(
        actor, lot, LotStatus.PUBLISHED, AuditAction.PUBLISH, reason, ledger=True, published_at=timezone.now()
    )


@transaction.atomic
def return_lot_to_draft(*, actor: Actor, lot: Lot, reason: str) -> Lot:
    """An agency officer sends a submitted lot back to its producer (rejected or changes asked); reason required."""
    lot = _locked(lot)
    require(permissions.is_officer_for(actor, lot.product.organization))
    if not reason.strip():
        raise ValidationError({"reason": [_("Cần nêu lý do.")]})
    if lot.status != LotStatus.SUBMITTED:
        raise ValidationError(_("Chỉ trả lại được lô đang chờ duyệt."))
    return _change_status(actor, lot, LotStatus.DRAFT, AuditAction.REJECT, reason)


@transaction.atomic
def recall_lot(*, actor: Actor, lot: Lot, reason: str) -> Lot:
    """An agency officer marks a lot recalled (any status but recalled): the public page then shows the recall.

    Called by `recalls.services.start_recall` for every lot in a recall's scope; writes the audit entry and,
    the lot's new version being a public fact, a ledger leaf.
    """
    lot = _locked(lot)
    require(permissions.is_officer_for(actor, lot.product.organization))
    if not reason.strip():
        raise ValidationError({"reason": [_("Cần nêu lý do thu hồi.")]})
    if lot.status == LotStatus.RECALLED:
        return lot
    return _change_status(actor, lot, LotStatus.RECALLED, AuditAction.RECALL, reason, ledger=True)

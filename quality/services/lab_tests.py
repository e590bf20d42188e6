"""Test results (rapid and laboratory), the maximum-level table, and holds on lots that failed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.permissions import Actor, person, require
from catalog.choices import LotStatus
from catalog.models import Facility, GrowingArea, Lot, Organization, PriorityCategory
from core import audit
from core.choices import AuditAction
from core.uploads import DOCUMENT_TYPES, check_upload
from events.services import pages
from ledger.services import append_record
from notifications.choices import NotificationKind
from notifications.services import notify_organization
from quality.choices import TestKind
from quality.models import Analyte, LabTest, LotHold, MaxLevel, Violation
from quality.services.common import date_field, decimal_field


def max_level_for(analyte: Analyte, category: PriorityCategory | None) -> MaxLevel | None:
    """The category's own maximum level for the analyte, else the general one."""
    levels = MaxLevel.objects.filter(analyte=analyte)
    if category is not None:
        specific = levels.filter(category=category).first()
        if specific is not None:
            return specific
    return levels.filter(category__isnull=True).first()


@transaction.atomic
def set_max_level(
    *,
    actor: Actor,
    analyte: Analyte,
    category: PriorityCategory | None,
    limit: Any,
    unit: str,
    regulation: str,
) -> MaxLevel:
    """An agency officer sets (or changes) a maximum level; results already recorded keep their limit."""
    require(permissions.is_agency_officer(actor))
    value = decimal_field("limit", limit)
    if not unit.strip():
        raise ValidationError({"unit": [_("Cần nhập đơn vị.")]})
    if not regulation.strip():
        raise ValidationError({"regulation": [_("Cần nêu văn bản quy định.")]})
    level = MaxLevel.objects.select_for_update().filter(analyte=analyte, category=category).first()
    before = audit.snapshot(level) if level else None
    if level is None:
        level = MaxLevel(analyte=analyte, category=category)
    level.limit, level.unit, level.regulation = value, unit.strip(), regulation.strip()
    level.save()
    audit.record(
        actor=actor, action=AuditAction.UPDATE if before else AuditAction.CREATE, instance=level, before=before
    )
    return level


def _subject_organization(lots: list[Lot], facility: Facility | None, growing_area: GrowingArea | None) -> Organization:
    owners = {lot.product.organization for lot in lots}
    if facility is not None:
        owners.add(facility.organization)
    if growing_area is not None:
        owners.add(growing_area.organization)
    if not owners:
        raise ValidationError(_("Cần gắn kết quả với ít nhất một lô, cơ sở hoặc vùng trồng."))
    if len(owners) > 1:
        raise ValidationError(_("Lô, cơ sở và vùng trồng phải thuộc cùng một tổ chức."))
    return owners.pop()


def lots_to_hold(test: LabTest) -> list[Lot]:
    """The lots a failed result holds: the linked lots, and lots grown in the linked area or the facility's areas
    that are not yet recalled."""
    query = Q(pk__in=test.lots.values("pk"))
    if test.growing_area_id:
        query |= Q(origin_areas=test.growing_area_id)
    if test.facility_id:
        query |= Q(origin_areas__facility=test.facility_id)
    return list(Lot.objects.filter(query).exclude(status=LotStatus.RECALLED).distinct().order_by("pk"))


@transaction.atomic
def record_lab_test(
    *,
    actor: Actor,
    data: dict[str, Any],
    lots: list[Lot] | None = None,
    facility: Facility | None = None,
    growing_area: GrowingArea | None = None,
    document: UploadedFile | None = None,
) -> LabTest:
    """An agency officer records a result. A failed result holds the linked lots, opens a violation and
    notifies the producer. `data`: kind, analyte (Analyte or code), value, unit, method, laboratory,
    sample_code, sampled_on, result_on, notes, and `passed` only where no maximum level applies."""
    lots = list(lots or [])
    organization = _subject_organization(lots, facility, growing_area)
    require(permissions.is_officer_for(actor, organization))
    kind = data.get("kind") or TestKind.LABORATORY
    if kind not in TestKind.values:
        raise ValidationError({"kind": [_("Loại kiểm nghiệm không hợp lệ.")]})
    analyte = data.get("analyte")
    if not isinstance(analyte, Analyte):
        analyte = Analyte.objects.filter(code=str(analyte or "")).first()
        if analyte is None:
            raise ValidationError({"analyte": [_("Chỉ tiêu không có trong danh mục.")]})
    value = decimal_field("value", data.get("value"))
    unit = str(data.get("unit") or analyte.default_unit).strip()
    laboratory = str(data.get("laboratory") or "").strip()
    if not laboratory:
        raise ValidationError({"laboratory": [_("Cần nêu phòng thử nghiệm hoặc đơn vị test nhanh.")]})
    sampled_on = date_field("sampled_on", data.get("sampled_on"))
    result_on = date_field("result_on", data.get("result_on"), required=False)
    assert sampled_on is not None
    if sampled_on > timezone.localdate():
        raise ValidationError({"sampled_on": [_("Ngày lấy mẫu không được ở tương lai.")]})
    if result_on is not None and result_on < sampled_on:
        raise ValidationError({"result_on": [_("Ngày có kết quả phải sau ngày lấy mẫu.")]})
    categories = {lot.product.category for lot in lots}
    level = max_level_for(analyte, categories.pop() if len(categories) == 1 else None)
    limit: Decimal | None = None
    limit_source = ""
    if level is not None:
        if level.unit != unit:
            raise ValidationError(
                {
                    "unit": [
                        _("Giới hạn của chỉ tiêu này tính theo %(unit)s; hãy nhập cùng đơn vị.") % {"unit": level.unit}
                    ]
                }
            )
        limit, limit_source = level.limit, level.regulation
        passed = value <= limit
    else:
        verdict = data.get("passed")
        if verdict in (None, ""):
            raise ValidationError({"passed": [_("Chưa có giới hạn cho chỉ tiêu này: cần ghi kết luận đạt/không đạt.")]})
        passed = verdict in (True, "true", "1", "on", "yes")
    test = LabTest(
        kind=kind,
        analyte=analyte,
        value=value,
        unit=unit,
        limit=limit,
        limit_source=limit_source,
        passed=passed,
        method=str(data.get("method") or "").strip()[:120],
        laboratory=laboratory[:255],
        sample_code=str(data.get("sample_code") or "").strip()[:60],
        sampled_on=sampled_on,
        result_on=result_on,
        organization=organization,
        facility=facility,
        growing_area=growing_area,
        notes=str(data.get("notes") or ""),
        recorded_by=person(actor),
    )
    if document is not None:
        check_upload(document, DOCUMENT_TYPES)
        test.document = document
    test.save()
    test.lots.set(lots)
    audit.record(actor=actor, action=AuditAction.CREATE, instance=test, organization_id=organization.pk)
    append_record(test)
    if not passed:
        _on_failure(actor, test)
    return test


def _on_failure(actor: Actor, test: LabTest) -> None:
    reason = _("Kết quả %(analyte)s %(value)s %(unit)s vượt giới hạn %(limit)s") % {
        "analyte": test.analyte.name,
        "value": test.value.normalize(),
        "unit": test.unit,
        "limit": test.limit.normalize() if test.limit is not None else "—",
    }
    held = []
    for lot in lots_to_hold(test):
        if not LotHold.objects.filter(lot=lot, released_at__isnull=True, lab_test=test).exists():
            hold = LotHold.objects.create(lot=lot, lab_test=test, reason=reason[:255], held_by=person(actor))
            audit.record(
                actor=actor, action=AuditAction.CREATE, instance=hold, organization_id=lot.product.organization_id
            )
            append_record(hold)
            held.append(lot)
    pages.lots_changed(held)  # their pages, and those of the lots made from them, show the hold at once
    violation = Violation.objects.create(
        organization=test.organization,
        facility=test.facility,
        lab_test=test,
        description=reason,
        found_on=test.result_on or test.sampled_on,
    )
    audit.record(actor=actor, action=AuditAction.CREATE, instance=violation, organization_id=test.organization_id)
    lot_list = ", ".join(lot.lot_code for lot in held) or _("không có")
    notify_organization(
        test.organization,
        kind=NotificationKind.LAB_TEST,
        title=_("Kết quả kiểm nghiệm không đạt: %(analyte)s") % {"analyte": test.analyte.name},
        body=_("%(reason)s. Các lô bị tạm giữ: %(lots)s.") % {"reason": reason, "lots": lot_list},
        link=reverse("workspace:lab_test", args=[test.pk]),
        about=test,
    )


@transaction.atomic
def release_hold(*, actor: Actor, hold: LotHold, reason: str) -> LotHold:
    """An officer of the lot's province releases a hold (e.g. a re-test passed); the reason is required.
    Audited and ledgered (the hold's released version); the lot and the lots made from it stop showing it."""
    hold = LotHold.objects.select_for_update().select_related("lot__product__organization").get(pk=hold.pk)
    require(permissions.is_officer_for(actor, hold.lot.product.organization))
    if not reason.strip():
        raise ValidationError({"reason": [_("Cần nêu lý do giải toả.")]})
    if hold.released_at is not None:
        raise ValidationError(_("Lô đã được giải toả."))
    before = audit.snapshot(hold)
    hold.released_at = timezone.now()
    hold.released_by = person(actor)
    hold.release_reason = reason.strip()
    hold.save()
    pages.lots_changed([hold.lot])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=hold,
        before=before,
        organization_id=hold.lot.product.organization_id,
        reason=reason,
    )
    append_record(hold)
    return hold

"""Inspections of facilities: plan, record (checklist, findings, photos, verdict, follow-up), violations."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.permissions import Actor, agency_of, person, require
from catalog import departments
from catalog.models import Facility, Organization
from core import audit
from core.choices import AuditAction
from core.numbers import FINE_VND
from core.uploads import IMAGE_TYPES, check_upload
from notifications.choices import NotificationKind
from notifications.services import notify_officers, notify_organization
from quality.choices import CLOSED_HANDLING, ChecklistResult, HandlingStatus, InspectionStatus, Verdict
from quality.models import ChecklistTemplate, Inspection, InspectionPhoto, Violation
from quality.services.common import date_field, decimal_field

MAX_PHOTOS = 20


def _day(day: Any) -> str:
    return day.strftime("%d/%m/%Y")


def _actor_user(actor: Actor) -> Any:
    return person(actor)


@transaction.atomic
def plan_inspection(
    *,
    actor: Actor,
    facility: Facility,
    planned_on: Any,
    template: ChecklistTemplate | None = None,
    team: str = "",
) -> Inspection:
    """An agency officer plans an inspection of a facility of their province."""
    require(permissions.is_officer_for(actor, facility.organization))
    day = date_field("planned_on", planned_on)
    assert day is not None
    agency = agency_of(actor)
    routed = agency is None  # planned by a platform admin: the inspection needs the department's officers
    if agency is None:
        agency = departments.route_agency(facility.organization) or (
            Organization.objects.filter(kind="agency", status="approved").order_by("pk").first()
        )
    if agency is None:
        raise ValidationError(_("Chưa có cơ quan quản lý nào trong hệ thống."))
    if template is None:
        template = (
            ChecklistTemplate.objects.filter(is_active=True, facility_kind=facility.kind).first()
            or ChecklistTemplate.objects.filter(is_active=True, facility_kind="").first()
        )
    inspection = Inspection.objects.create(
        facility=facility,
        organization=facility.organization,
        agency=agency,
        template=template,
        planned_on=day,
        lead=_actor_user(actor),
        team=team.strip()[:255],
        checklist=[{"item": item, "result": "", "note": ""} for item in (template.items if template else [])],
    )
    audit.record(actor=actor, action=AuditAction.CREATE, instance=inspection, organization_id=facility.organization_id)
    notify_organization(
        facility.organization,
        kind=NotificationKind.INSPECTION,
        title=_("Lịch kiểm tra cơ sở %(facility)s") % {"facility": facility.name},
        body=_("Cơ quan %(agency)s dự kiến kiểm tra ngày %(day)s.")
        % {"agency": agency.name, "day": _day(inspection.planned_on)},
        link=reverse("workspace:inspection", args=[inspection.pk]),
        about=inspection,
    )
    if routed:
        notify_officers(
            departments.responsible_officers(facility.organization),
            kind=NotificationKind.INSPECTION,
            title=_("Cuộc kiểm tra cơ sở %(facility)s cần cán bộ phụ trách") % {"facility": facility.name},
            body=_("Dự kiến ngày %(day)s.") % {"day": _day(inspection.planned_on)},
            link=reverse("oversight:inspection", args=[inspection.pk]),
            about=inspection,
        )
    return inspection


@transaction.atomic
def record_inspection(
    *,
    actor: Actor,
    inspection: Inspection,
    data: dict[str, Any],
    photos: list[UploadedFile] | None = None,
) -> Inspection:
    """Record the inspection's outcome. `data`: inspected_on, checklist [{item, result, note}], findings,
    verdict (A/B/C), follow_up_due (required for B and C), violations [text] (each opens a Violation)."""
    inspection = Inspection.objects.select_for_update().select_related("organization", "facility").get(pk=inspection.pk)
    require(permissions.is_officer_for(actor, inspection.organization))
    if inspection.status == InspectionStatus.CANCELLED:
        raise ValidationError(_("Cuộc kiểm tra đã huỷ."))
    verdict = data.get("verdict")
    if verdict not in Verdict.values:
        raise ValidationError({"verdict": [_("Cần chọn kết luận.")]})
    inspected_on = date_field("inspected_on", data.get("inspected_on") or timezone.localdate())
    assert inspected_on is not None
    if inspected_on > timezone.localdate():
        raise ValidationError({"inspected_on": [_("Ngày kiểm tra không được ở tương lai.")]})
    follow_up_due = date_field("follow_up_due", data.get("follow_up_due"), required=verdict != Verdict.SATISFACTORY)
    if follow_up_due is not None and follow_up_due < inspected_on:
        raise ValidationError({"follow_up_due": [_("Hạn khắc phục phải sau ngày kiểm tra.")]})
    checklist = []
    for row in data.get("checklist") or []:
        result = row.get("result") or ""
        if result and result not in ChecklistResult.values:
            raise ValidationError({"checklist": [_("Kết quả theo nội dung không hợp lệ.")]})
        checklist.append({"item": str(row.get("item", ""))[:255], "result": result, "note": str(row.get("note", ""))})
    photos = list(photos or [])
    if len(photos) + inspection.photos.count() > MAX_PHOTOS:
        raise ValidationError({"photos": [_("Tối đa %(n)s ảnh mỗi cuộc kiểm tra.") % {"n": MAX_PHOTOS}]})
    for photo in photos:
        check_upload(photo, IMAGE_TYPES)
    before = audit.snapshot(inspection)
    inspection.status = InspectionStatus.DONE
    inspection.inspected_on = inspected_on
    inspection.checklist = checklist or inspection.checklist
    inspection.findings = str(data.get("findings") or "")
    inspection.verdict = verdict
    inspection.follow_up_due = follow_up_due
    inspection.save()
    for photo in photos:
        InspectionPhoto.objects.create(inspection=inspection, image=photo, caption="")
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=inspection,
        before=before,
        organization_id=inspection.organization_id,
    )
    for text in data.get("violations") or []:
        if str(text).strip():
            open_violation(
                actor=actor,
                organization=inspection.organization,
                data={"description": text, "deadline": follow_up_due, "found_on": inspected_on},
                facility=inspection.facility,
                inspection=inspection,
            )
    notify_organization(
        inspection.organization,
        kind=NotificationKind.INSPECTION,
        title=_("Kết luận kiểm tra %(facility)s: %(verdict)s")
        % {"facility": inspection.facility.name, "verdict": inspection.get_verdict_display()},
        body=inspection.findings
        + (("\n" + _("Hạn khắc phục: %(day)s") % {"day": _day(follow_up_due)}) if follow_up_due else ""),
        link=reverse("workspace:inspection", args=[inspection.pk]),
        about=inspection,
    )
    return inspection


@transaction.atomic
def confirm_follow_up(*, actor: Actor, inspection: Inspection, note: str = "") -> Inspection:
    """The officer confirms the facility fixed what the inspection asked."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    require(permissions.is_officer_for(actor, inspection.organization))
    if inspection.status != InspectionStatus.DONE or inspection.follow_up_due is None:
        raise ValidationError(_("Cuộc kiểm tra này không có yêu cầu khắc phục."))
    before = audit.snapshot(inspection)
    inspection.follow_up_done_at = timezone.now()
    inspection.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=inspection,
        before=before,
        organization_id=inspection.organization_id,
        reason=note,
    )
    return inspection


@transaction.atomic
def open_violation(
    *,
    actor: Actor,
    organization: Organization,
    data: dict[str, Any],
    facility: Facility | None = None,
    inspection: Inspection | None = None,
) -> Violation:
    """An officer records a violation of an organisation of their province."""
    require(permissions.is_officer_for(actor, organization))
    description = str(data.get("description") or "").strip()
    if not description:
        raise ValidationError({"description": [_("Cần mô tả vi phạm.")]})
    violation = Violation.objects.create(
        organization=organization,
        facility=facility,
        inspection=inspection,
        description=description,
        legal_basis=str(data.get("legal_basis") or "")[:255],
        deadline=date_field("deadline", data.get("deadline"), required=False),
        found_on=date_field("found_on", data.get("found_on") or timezone.localdate()) or timezone.localdate(),
    )
    audit.record(actor=actor, action=AuditAction.CREATE, instance=violation, organization_id=organization.pk)
    return violation


@transaction.atomic
def update_violation(
    *, actor: Actor, violation: Violation, status: str, note: str = "", fine_amount: Any = None
) -> Violation:
    """Move a violation through its handling: handling → penalised (with the fine) → resolved, or dismissed."""
    violation = Violation.objects.select_for_update().select_related("organization").get(pk=violation.pk)
    require(permissions.is_officer_for(actor, violation.organization))
    if status not in HandlingStatus.values:
        raise ValidationError({"status": [_("Tình trạng xử lý không hợp lệ.")]})
    if violation.status in CLOSED_HANDLING:
        raise ValidationError(_("Vi phạm đã kết thúc xử lý."))
    if status == HandlingStatus.PENALISED and fine_amount in (None, ""):
        raise ValidationError({"fine_amount": [_("Cần nhập số tiền phạt.")]})
    before = audit.snapshot(violation)
    violation.status = status
    if fine_amount not in (None, ""):
        violation.fine_amount = decimal_field("fine_amount", fine_amount, limits=FINE_VND)
    if note.strip():
        stamp = timezone.localtime().strftime("%d/%m/%Y")
        violation.handling_note = (violation.handling_note + f"\n[{stamp}] {note.strip()}").strip()
    if status in CLOSED_HANDLING:
        violation.closed_at = timezone.now()
    violation.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=violation,
        before=before,
        organization_id=violation.organization_id,
        reason=note,
    )
    return violation

"""Writes of the training records: one function each, atomic, permission-checked, audited.

Officers (of an approved agency of this province) record courses, attendances, pilot models and monitored
enterprises; a signed-in person records the guidance lessons they finished (self-study). Duplicate attendees (one
phone or ID number) are merged only when the officer confirms.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Actor, is_agency_officer, is_authenticated, person, require
from catalog.models import Organization
from core import audit
from core.choices import AuditAction
from training.choices import AttendeeRole, Audience, MonitoringStatus, PilotStatus
from training.models import Attendance, Attendee, Course, LessonCompletion, MonitoredEnterprise, PilotModel

PHONE = re.compile(r"^0\d{9}$")
ID_NUMBER = re.compile(r"^(\d{9}|\d{12})$")
REQUIRED = _("Cần điền mục này. / This field is required.")


def normalise_phone(raw: str) -> str:
    """Digits only, +84/84 written as the leading 0: "+84 905-123 456" → "0905123456"."""
    digits = re.sub(r"\D", "", raw or "")
    if digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


def _date(name: str, value: Any, errors: dict[str, list[str]]) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        errors[name] = [_("Ngày không hợp lệ (năm-tháng-ngày). / Invalid date (year-month-day).")]
        return None


def _text(name: str, value: Any, errors: dict[str, list[str]], limit: int, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        errors[name] = [REQUIRED]
    elif len(text) > limit:
        errors[name] = [_("Quá dài: tối đa %(n)s ký tự. / Too long: at most %(n)s characters.") % {"n": limit}]
    return text


def _choice(name: str, value: Any, choices: Any, errors: dict[str, list[str]]) -> str:
    if value not in choices.values:
        errors[name] = [_("Hãy chọn một giá trị trong danh sách. / Choose a value from the list.")]
    return str(value or "")


def _officer(actor: Actor) -> None:
    require(is_agency_officer(actor))


@transaction.atomic
def create_course(*, actor: Actor, data: dict[str, Any]) -> Course:
    _officer(actor)
    errors: dict[str, list[str]] = {}
    course = Course(
        topic=_text("topic", data.get("topic"), errors, 200),
        audience=_choice("audience", data.get("audience"), Audience, errors),
        held_on=_date("held_on", data.get("held_on"), errors),  # type: ignore[misc]  # refused below when None
        place=_text("place", data.get("place"), errors, 200),
        ward_code=data.get("ward_code") or None,
        trainer=_text("trainer", data.get("trainer"), errors, 160),
        materials=_text("materials", data.get("materials"), errors, 4000, required=False),
        agency_id=getattr(actor, "agency_id", None),
        created_by=person(actor),
    )
    if errors:
        raise ValidationError(errors)
    course.save()
    audit.record(actor=actor, action=AuditAction.CREATE, instance=course)
    return course


def _attendee(data: dict[str, Any], errors: dict[str, list[str]]) -> Attendee:
    phone = normalise_phone(str(data.get("phone") or ""))
    id_number = re.sub(r"\s", "", str(data.get("id_number") or ""))
    if phone and not PHONE.match(phone):
        errors["phone"] = [_("Số điện thoại gồm 10 chữ số, bắt đầu bằng 0. / A phone number has 10 digits from 0.")]
    if id_number and not ID_NUMBER.match(id_number):
        errors["id_number"] = [_("Số CCCD/CMND gồm 12 hoặc 9 chữ số. / An ID number has 12 or 9 digits.")]
    role = _choice("role", data.get("role"), AttendeeRole, errors)
    organization = data.get("organization")
    if role == AttendeeRole.STAFF and not isinstance(organization, Organization):
        errors["organization"] = [_("Chọn tổ chức của người này. / Choose this person's organisation.")]
    ward = data.get("ward_code") or (organization.ward_code if isinstance(organization, Organization) else None)
    if role == AttendeeRole.OFFICER and not ward:
        errors["ward_code"] = [_("Chọn xã, phường của cán bộ. / Choose the officer's commune.")]
    return Attendee(
        full_name=_text("full_name", data.get("full_name"), errors, 120),
        role=role,
        organization=organization if role == AttendeeRole.STAFF else None,
        ward_code=ward,
        phone=phone,
        id_number=id_number,
    )


@transaction.atomic
def add_attendee(*, actor: Actor, data: dict[str, Any]) -> Attendee:
    """A person on the roster (commune officers to train are listed before they attend)."""
    _officer(actor)
    errors: dict[str, list[str]] = {}
    attendee = _attendee(data, errors)
    if errors:
        raise ValidationError(errors)
    attendee.save()
    audit.record(actor=actor, action=AuditAction.CREATE, instance=attendee)
    return attendee


@transaction.atomic
def record_attendance(*, actor: Actor, course: Course, data: dict[str, Any]) -> Attendance:
    """The person attended: the same person (same name and the same phone or ID number) is found again, anyone
    else is a new row; near duplicates are left for the officer to merge."""
    _officer(actor)
    errors: dict[str, list[str]] = {}
    new = _attendee(data, errors)
    if errors:
        raise ValidationError(errors)
    same = Attendee.objects.filter(merged_into=None, full_name__iexact=new.full_name, role=new.role)
    keys = [("phone", new.phone), ("id_number", new.id_number)]
    found = next((a for field, value in keys if value for a in same.filter(**{field: value})[:1]), None)
    attendee = found or new
    if found is None:
        attendee.save()
        audit.record(actor=actor, action=AuditAction.CREATE, instance=attendee)
    if Attendance.objects.filter(course=course, attendee=attendee).exists():
        raise ValidationError(_("Người này đã có tên trong lớp. / This person is already on the class list."))
    attendance = Attendance.objects.create(
        course=course, attendee=attendee, code=secrets.token_urlsafe(12), recorded_by=person(actor)
    )
    audit.record(actor=actor, action=AuditAction.CREATE, instance=attendance)
    return attendance


@transaction.atomic
def remove_attendance(*, actor: Actor, attendance: Attendance, confirmed: bool) -> None:
    """Strike a wrong attendance (its certificate stops verifying); asked twice."""
    _officer(actor)
    if not confirmed:
        raise ValidationError(_("Hãy xác nhận trước khi xoá. / Confirm before removing."))
    audit.record(actor=actor, action=AuditAction.DELETE, instance=attendance, after={})
    attendance.delete()


@transaction.atomic
def merge_attendees(*, actor: Actor, keep: Attendee, duplicate: Attendee, confirmed: bool) -> Attendee:
    """Merge `duplicate` into `keep` (they share a phone or an ID number): attendances move to the one kept
    (a class both attended counts once), the duplicate points at it. Refused unless the officer confirmed."""
    _officer(actor)
    if not confirmed:
        raise ValidationError(_("Hãy xác nhận gộp hai người này. / Confirm merging these two people."))
    if keep.pk == duplicate.pk or keep.merged_into_id or duplicate.merged_into_id:
        raise ValidationError(_("Không gộp được hai bản ghi này. / These records cannot be merged."))
    shares = (keep.phone and keep.phone == duplicate.phone) or (
        keep.id_number and keep.id_number == duplicate.id_number
    )
    if not shares:
        raise ValidationError(
            _("Chỉ gộp người trùng số điện thoại hoặc số CCCD. / Only people with one phone or ID number merge.")
        )
    before = audit.snapshot(duplicate)
    taken = set(keep.attendances.values_list("course_id", flat=True))
    for attendance in duplicate.attendances.all():
        if attendance.course_id in taken:
            audit.record(actor=actor, action=AuditAction.DELETE, instance=attendance, after={}, reason="merge")
            attendance.delete()
        else:
            Attendance.objects.filter(pk=attendance.pk).update(attendee=keep)
    for field in ("phone", "id_number", "user_id"):
        if not getattr(keep, field) and getattr(duplicate, field):
            setattr(keep, field, getattr(duplicate, field))
    keep.save()
    duplicate.merged_into = keep
    duplicate.save(update_fields=["merged_into"])
    audit.record(actor=actor, action=AuditAction.UPDATE, instance=duplicate, before=before, reason="merge")
    return keep


@transaction.atomic
def save_pilot_model(*, actor: Actor, data: dict[str, Any], pilot: PilotModel | None = None) -> PilotModel:
    _officer(actor)
    errors: dict[str, list[str]] = {}
    before = audit.snapshot(pilot) if pilot else None
    pilot = pilot or PilotModel()
    pilot.name = _text("name", data.get("name"), errors, 200)
    pilot.crop = _text("crop", data.get("crop"), errors, 120)
    pilot.organization = data.get("organization")
    pilot.ward_code = data.get("ward_code") or (pilot.organization.ward_code if pilot.organization else None)
    pilot.status = _choice("status", data.get("status"), PilotStatus, errors)
    pilot.started_on = _date("started_on", data.get("started_on"), errors)  # type: ignore[assignment]
    pilot.note = _text("note", data.get("note"), errors, 255, required=False)
    if errors:
        raise ValidationError(errors)
    pilot.save()
    audit.record(
        actor=actor, action=AuditAction.UPDATE if before else AuditAction.CREATE, instance=pilot, before=before
    )
    return pilot


@transaction.atomic
def start_monitoring(*, actor: Actor, organization: Organization, since: Any, note: str = "") -> MonitoredEnterprise:
    _officer(actor)
    errors: dict[str, list[str]] = {}
    day = _date("since", since, errors)
    if MonitoredEnterprise.objects.filter(organization=organization, status=MonitoringStatus.ACTIVE).exists():
        errors["organization"] = [_("Doanh nghiệp này đang được giám sát. / Already under monitoring.")]
    if errors:
        raise ValidationError(errors)
    assert day is not None
    item = MonitoredEnterprise.objects.create(
        organization=organization, status=MonitoringStatus.ACTIVE, since=day, note=note.strip()[:255]
    )
    audit.record(actor=actor, action=AuditAction.CREATE, instance=item, organization_id=organization.pk)
    return item


@transaction.atomic
def end_monitoring(*, actor: Actor, item: MonitoredEnterprise, until: Any) -> MonitoredEnterprise:
    _officer(actor)
    errors: dict[str, list[str]] = {}
    day = _date("until", until, errors)
    if day and day < item.since:
        errors["until"] = [_("Ngày kết thúc trước ngày bắt đầu. / The end is before the start.")]
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(item)
    item.status, item.until = MonitoringStatus.ENDED, day
    item.save(update_fields=["status", "until"])
    audit.record(actor=actor, action=AuditAction.UPDATE, instance=item, before=before)
    return item


@transaction.atomic
def record_lesson_completion(
    *, actor: Actor, client_id: Any, lesson: str, score: Any, questions: Any, completed_on: Any, known: set[str]
) -> tuple[LessonCompletion, bool]:
    """A lesson the signed-in person finished (maybe offline, days ago); sent again, it is the same completion.
    Returns (completion, created)."""
    require(is_authenticated(actor) and person(actor) is not None)
    user = person(actor)
    errors: dict[str, list[str]] = {}
    try:
        key = uuid.UUID(str(client_id))
    except ValueError:
        errors["client_id"] = [_("Mã gửi không hợp lệ. / Invalid client id.")]
    if lesson not in known:
        errors["lesson"] = [_("Không có bài học này. / No such lesson.")]
    try:
        right, total = int(score), int(questions)
        if not 0 <= right <= total <= 20:
            raise ValueError
    except (TypeError, ValueError):
        errors["score"] = [_("Điểm không hợp lệ. / Invalid score.")]
    day = _date("completed_on", completed_on, errors)
    today = timezone.localdate()
    if day and not today - dt.timedelta(days=400) <= day <= today:
        errors["completed_on"] = [_("Ngày hoàn thành không hợp lệ. / Invalid completion date.")]
    if errors:
        raise ValidationError(errors)
    existing = LessonCompletion.objects.filter(client_id=key).first()
    if existing:
        if existing.user_id != getattr(user, "pk", None):
            raise ValidationError({"client_id": [_("Mã gửi đã dùng. / Client id already used.")]})
        return existing, False
    assert user is not None and day is not None
    membership = user.memberships.select_related("organization").first()
    item = LessonCompletion.objects.create(
        client_id=key,
        user=user,
        organization=membership.organization if membership else getattr(user, "agency", None),
        lesson=lesson,
        score=right,
        questions=total,
        completed_on=day,
    )
    audit.record(actor=actor, action=AuditAction.CREATE, instance=item)
    return item, True

"""Routing consumer feedback to the producer and the agency, response deadlines, escalation, and links to an
inspection or a recall.

Feedback arrives through `submit_feedback` and `report_counterfeit` here: the feedback app stores it, then its
routing is called explicitly after the transaction commits (a failed routing leaves the feedback stored; the
escalation command routes it later). Deadlines (working days are not modelled; calendar days) come from
`TRUYXUAT_COMPLAINT_RESPONSE_DAYS` (default: complaint 5, counterfeit 2, feedback 10).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.permissions import SYSTEM, Actor, require
from catalog import departments
from catalog.models import Organization
from complaints.models import ComplaintCase
from core import audit
from core.choices import AuditAction
from core.errors import ValidationError
from feedback import counterfeit
from feedback import services as feedback_services
from feedback.models import Feedback
from notifications.choices import NotificationKind
from notifications.services import email_after_commit, notify_organization
from quality.models import Inspection
from recalls.models import Recall

log = logging.getLogger(__name__)
DEFAULT_DAYS = {"complaint": 5, "counterfeit": 2, "feedback": 10}
OPEN_STATUSES = ("new", "in_progress")


def response_days(kind: str) -> int:
    return int(settings.TRUYXUAT_COMPLAINT_RESPONSE_DAYS.get(kind, DEFAULT_DAYS.get(kind, 5)))


def agency_for(org: Organization, category_id: int | None = None) -> Organization | None:
    """The agency that follows complaints about `org`'s product of `category_id`: the department of its province
    whose scope covers the category and the commune (`catalog.departments.route_agency`)."""
    return departments.route_agency(org, category_id)


def _category(feedback: Any) -> int | None:
    return feedback.product.category_id if feedback.product_id else None


def subject_name(feedback: Any) -> str:
    """What the feedback is about: the product, or for a counterfeit report of an unknown code, the code."""
    if feedback.product_id:
        return str(feedback.product.name)
    return _("mã chưa đăng ký %(code)s") % {"code": getattr(feedback, "code", "") or "—"}


@transaction.atomic
def route(feedback: Any) -> ComplaintCase:
    """Open the case for new feedback (idempotent) and tell the producer and, for complaints, the agency."""
    existing = ComplaintCase.objects.filter(feedback=feedback).first()
    if existing is not None:
        return existing
    org = feedback.organization
    category_id = feedback.product.category_id if feedback.product_id else None
    agency = agency_for(org, category_id)
    case = ComplaintCase.objects.create(
        feedback=feedback,
        agency=agency,
        response_due=feedback.created_at + dt.timedelta(days=response_days(feedback.kind)),
    )
    due = timezone.localtime(case.response_due).strftime("%d/%m/%Y")
    title = _("Phản ánh %(code)s về %(product)s") % {"code": feedback.tracking_code, "product": subject_name(feedback)}
    body = _("%(message)s\n\nHạn trả lời: %(due)s.") % {"message": feedback.message[:1000], "due": due}
    if org.kind != "agency":  # a counterfeit report of an unknown code belongs to the agency alone
        notify_organization(
            org,
            kind=NotificationKind.COMPLAINT,
            title=title,
            body=body,
            link=reverse("workspace:feedback"),
            about=feedback,
        )
    if agency is not None and feedback.kind != "feedback":
        notify_organization(
            agency,
            kind=NotificationKind.COMPLAINT,
            title=title,
            body=body,
            link=reverse("oversight:complaint", args=[case.pk]),
            about=feedback,
        )
        # and to the department's officers of that commune, each by their own address
        link = settings.TRUYXUAT_PORTAL_URL + reverse("oversight:complaint", args=[case.pk])
        officers = [u.email for u in departments.responsible_officers(org, category_id) if u.email]
        email_after_commit(title, f"{body}\n\n{link}", officers)
    return case


def _route_after_commit(pk: int) -> None:
    def later() -> None:
        try:
            route(Feedback.objects.select_related("organization", "product").get(pk=pk))
        except Exception:  # the feedback itself is stored; the escalation command routes it later
            log.exception("routing feedback %s failed", pk)

    transaction.on_commit(later)


def submit_feedback(**kwargs: Any) -> Feedback:
    """A consumer's feedback (`feedback.services.submit_feedback`), routed once it commits."""
    item = feedback_services.submit_feedback(**kwargs)
    _route_after_commit(item.pk)
    return item


def report_counterfeit(**kwargs: Any) -> Feedback:
    """A counterfeit report (`feedback.counterfeit.report_counterfeit`), routed once it commits."""
    item = counterfeit.report_counterfeit(**kwargs)
    _route_after_commit(item.pk)
    return item


def escalate_overdue(now: dt.datetime | None = None) -> int:
    """Escalate every unanswered case past its deadline once (`truyxuat complaints escalate`, from cron).

    Routes first anything received while routing failed. Idempotent: an escalated case is never escalated again.
    """
    now = now or timezone.now()
    for fb in Feedback.objects.filter(case__isnull=True):  # anything received while routing failed
        route(fb)
    count = 0
    for pk in ComplaintCase.objects.filter(
        response_due__lt=now, escalated_at__isnull=True, feedback__status__in=OPEN_STATUSES
    ).values_list("pk", flat=True):
        with transaction.atomic():
            if _escalate(SYSTEM, pk, now) is not None:
                count += 1
    return count


def _escalate(actor: Actor, pk: int, now: dt.datetime) -> ComplaintCase | None:
    """Mark one overdue, unanswered case escalated and tell the producer and the agency; None when it is not
    (any more) due for escalation. Runs inside the caller's transaction."""
    case = (
        ComplaintCase.objects.select_for_update(of=("self",))
        .select_related("feedback__organization", "feedback__product", "agency")
        .filter(pk=pk, escalated_at__isnull=True, response_due__lt=now, feedback__status__in=OPEN_STATUSES)
        .first()
    )
    if case is None:
        return None
    before = audit.snapshot(case)
    case.escalated_at = now
    case.save(update_fields=["escalated_at"])
    fb = case.feedback
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=case,
        before=before,
        organization_id=fb.organization_id,
        reason=_("Chuyển cấp phản ánh quá hạn"),
    )
    title = _("Quá hạn trả lời phản ánh %(code)s") % {"code": fb.tracking_code}
    body = _("Phản ánh về %(product)s chưa được trả lời đúng hạn; đã chuyển cơ quan quản lý xử lý.") % {
        "product": subject_name(fb)
    }
    if fb.organization.kind != "agency":
        notify_organization(
            fb.organization,
            kind=NotificationKind.COMPLAINT,
            title=title,
            body=body,
            link=reverse("workspace:feedback"),
            about=fb,
        )
    if case.agency is not None:
        notify_organization(
            case.agency,
            kind=NotificationKind.COMPLAINT,
            title=title,
            body=body,
            link=reverse("oversight:complaint", args=[case.pk]),
            about=fb,
        )
    return case


@transaction.atomic
def escalate(*, actor: Actor, case: ComplaintCase, now: dt.datetime | None = None) -> ComplaintCase:
    """An officer of the province escalates one overdue, unanswered case from the queue (as the cron job does)."""
    current = ComplaintCase.objects.select_related("feedback__organization").get(pk=case.pk)
    require(permissions.is_officer_for(actor, current.feedback.organization, _category(current.feedback)))
    now = now or timezone.now()
    if current.escalated_at is not None:
        raise ValidationError(_("Phản ánh này đã được chuyển cấp."))
    if current.feedback.status not in OPEN_STATUSES or current.response_due >= now:
        raise ValidationError(_("Chỉ chuyển cấp được phản ánh chưa trả lời đã quá hạn."))
    escalated = _escalate(actor, current.pk, now)
    if escalated is None:  # answered or escalated meanwhile
        raise ValidationError(_("Chỉ chuyển cấp được phản ánh chưa trả lời đã quá hạn."))
    return escalated


@transaction.atomic
def view_contact(*, actor: Actor, case: ComplaintCase) -> dict[str, str]:
    """The complainant's contact for the officer handling the case; every view is written to the audit log."""
    current = ComplaintCase.objects.select_related("feedback__organization").get(pk=case.pk)
    fb = current.feedback
    require(permissions.is_officer_for(actor, fb.organization, _category(fb)))
    contact = (fb.contact or "").strip()
    is_email = "@" in contact
    audit.record(
        actor=actor,
        action=AuditAction.VIEW,
        instance=current,
        after={"viewed": "contact", "feedback": fb.tracking_code},
        organization_id=fb.organization_id,
        reason=_("Xem thông tin liên hệ của người phản ánh"),
    )
    return {
        "name": (fb.contact_name or "").strip(),
        "email": contact if is_email else "",
        "phone": "" if is_email else contact,
    }


@transaction.atomic
def link_case(
    *, actor: Actor, case: ComplaintCase, inspection: Inspection | None = None, recall: Recall | None = None
) -> ComplaintCase:
    """An officer links a complaint to the inspection or the recall it led to."""
    case = (
        ComplaintCase.objects.select_for_update(of=("self",)).select_related("feedback__organization").get(pk=case.pk)
    )
    require(permissions.is_officer_for(actor, case.feedback.organization, _category(case.feedback)))
    if inspection is None and recall is None:
        raise ValidationError(_("Chọn cuộc kiểm tra hoặc đợt thu hồi."))
    before = audit.snapshot(case)
    if inspection is not None:
        case.inspection = inspection
    if recall is not None:
        case.recall = recall
    case.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=case,
        before=before,
        organization_id=case.feedback.organization_id,
    )
    return case

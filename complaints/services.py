"""Routing consumer feedback to the producer and the agency, response deadlines, escalation, and links to an
inspection or a recall.

Feedback arrives through `feedback.services.submit_feedback`; a post_save receiver routes each new item here
after its transaction commits. Deadlines (working days are not modelled; calendar days) come from
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
from catalog.models import Organization
from catalog.services.common import require
from complaints.models import ComplaintCase
from core import audit
from core.choices import AuditAction
from core.errors import ValidationError
from notifications.choices import NotificationKind
from notifications.services import notify_organization
from quality.models import Inspection
from recalls.models import Recall

log = logging.getLogger(__name__)
DEFAULT_DAYS = {"complaint": 5, "counterfeit": 2, "feedback": 10}
OPEN_STATUSES = ("new", "in_progress")


def response_days(kind: str) -> int:
    days = getattr(settings, "TRUYXUAT_COMPLAINT_RESPONSE_DAYS", {}) or {}
    return int(days.get(kind, DEFAULT_DAYS.get(kind, 5)))


def agency_for(org: Organization) -> Organization | None:
    """The agency that follows complaints about `org`: an approved agency of its province (the first registered)."""
    return (
        Organization.objects.filter(kind="agency", status="approved", province_code=org.province_code)
        .order_by("pk")
        .first()
    )


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
    agency = agency_for(org)
    case = ComplaintCase.objects.create(
        feedback=feedback,
        agency=agency,
        response_due=feedback.created_at + dt.timedelta(days=response_days(feedback.kind)),
    )
    due = timezone.localtime(case.response_due).strftime("%d/%m/%Y")
    title = _("Phản ánh %(code)s về %(product)s") % {"code": feedback.tracking_code, "product": subject_name(feedback)}
    body = _("%(message)s\n\nHạn trả lời: %(due)s.") % {"message": feedback.message[:1000], "due": due}
    if org.kind != "agency":  # a counterfeit report of an unknown code belongs to the agency alone
        notify_organization(org, kind=NotificationKind.COMPLAINT, title=title, body=body, about=feedback)
    if agency is not None and feedback.kind != "feedback":
        notify_organization(
            agency,
            kind=NotificationKind.COMPLAINT,
            title=title,
            body=body,
            link=reverse("oversight:complaint", args=[case.pk]),
            about=feedback,
        )
    return case


def on_feedback_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if created:
        pk = instance.pk

        def later() -> None:
            from feedback.models import Feedback

            try:
                route(Feedback.objects.select_related("organization", "product").get(pk=pk))
            except Exception:  # the feedback itself is stored; the escalation command routes it later
                log.exception("routing feedback %s failed", pk)

        transaction.on_commit(later)


def escalate_overdue(now: dt.datetime | None = None) -> int:
    """Escalate every unanswered case past its deadline once: notify the agency and the producer. Idempotent."""
    from feedback.models import Feedback

    now = now or timezone.now()
    for fb in Feedback.objects.filter(case__isnull=True):  # anything received while routing failed
        route(fb)
    count = 0
    cases = ComplaintCase.objects.filter(
        response_due__lt=now, escalated_at__isnull=True, feedback__status__in=OPEN_STATUSES
    ).select_related("feedback__organization", "feedback__product", "agency")
    for case in cases:
        with transaction.atomic():
            if ComplaintCase.objects.filter(pk=case.pk, escalated_at__isnull=True).update(escalated_at=now) != 1:
                continue
            fb = case.feedback
            title = _("Quá hạn trả lời phản ánh %(code)s") % {"code": fb.tracking_code}
            body = _("Phản ánh về %(product)s chưa được trả lời đúng hạn; đã chuyển cơ quan quản lý xử lý.") % {
                "product": subject_name(fb)
            }
            if fb.organization.kind != "agency":
                notify_organization(fb.organization, kind=NotificationKind.COMPLAINT, title=title, body=body, about=fb)
            if case.agency is not None:
                notify_organization(
                    case.agency,
                    kind=NotificationKind.COMPLAINT,
                    title=title,
                    body=body,
                    link=reverse("oversight:complaint", args=[case.pk]),
                    about=fb,
                )
            count += 1
    return count


@transaction.atomic
def link_case(
    *, actor: Any, case: ComplaintCase, inspection: Inspection | None = None, recall: Recall | None = None
) -> ComplaintCase:
    """An officer links a complaint to the inspection or the recall it led to."""
    case = ComplaintCase.objects.select_for_update().select_related("feedback__organization").get(pk=case.pk)
    require(permissions.is_officer_for(actor, case.feedback.organization))
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

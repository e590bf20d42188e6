"""Complaints: consumer feedback and counterfeit reports routed to the producer and the agency, deadlines, the
overdue queue with escalation, the complainant's contact (each view logged), follow-up links."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import permissions
from complaints import selectors, services
from complaints.models import ComplaintCase
from core.errors import Forbidden
from feedback import services as feedback_services
from oversight.views.common import flash_errors, forbidden, officer_required, paginate, querystring
from quality.models import Inspection
from recalls.models import Recall

OVERDUE_ON_FIRST_PAGE = 10


def complaint_counts(officer: Any) -> dict[str, int]:
    return {"open": selectors.open_cases(officer).count(), "overdue": selectors.overdue_cases(officer).count()}


@officer_required
def complaints(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "open")
    if show not in ("open", "overdue", "all"):
        show = "open"
    items = {
        "open": selectors.open_cases(request.user),
        "overdue": selectors.overdue_cases(request.user),
    }.get(show, selectors.cases(request.user))
    now = timezone.now()
    overdue = list(selectors.overdue_cases(request.user).order_by("response_due", "pk")[:OVERDUE_ON_FIRST_PAGE])
    for case in overdue:
        case.days_overdue = max((now - case.response_due).days, 1)  # type: ignore[attr-defined]
    return render(
        request,
        "oversight/complaints/list.html",
        {
            "section": "complaints",
            "page": paginate(request, items.order_by("response_due", "pk")),
            "qs": querystring(request),
            "show": show,
            "now": now,
            "counts": complaint_counts(request.user),
            "overdue": overdue if show != "overdue" else [],
        },
    )


@require_POST
@officer_required
def escalate(request: HttpRequest, pk: int) -> HttpResponse:
    """The queue's "Chuyển cấp" button: escalate one overdue case now (as `truyxuat complaints escalate` does)."""
    case = get_object_or_404(ComplaintCase.objects.select_related("feedback__organization"), pk=pk)
    try:
        services.escalate(actor=request.user, case=case)
    except Forbidden:
        return forbidden(request)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(
            request,
            _("Đã chuyển cấp phản ánh %(code)s và thông báo cho các bên.") % {"code": case.feedback.tracking_code},
        )
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/oversight/") else "oversight:complaints")


@officer_required
def complaint(request: HttpRequest, pk: int) -> HttpResponse:

    case = get_object_or_404(ComplaintCase.objects.select_related("feedback__organization", "feedback__product"), pk=pk)
    fb = case.feedback
    if not permissions.is_officer_for(request.user, fb.organization):
        return forbidden(request)
    contact = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "contact":  # shown on this response only; every view is in the audit log
                contact = services.view_contact(actor=request.user, case=case)
            elif action == "answer":
                feedback_services.answer_feedback(
                    actor=request.user, feedback=fb, body=request.POST.get("body", ""), close="close" in request.POST
                )
                messages.success(request, _("Đã gửi trả lời."))
            else:
                inspection = Inspection.objects.filter(pk=request.POST.get("inspection") or 0).first()
                recall = Recall.objects.filter(pk=request.POST.get("recall") or 0).first()
                services.link_case(actor=request.user, case=case, inspection=inspection, recall=recall)
                messages.success(request, _("Đã liên kết phản ánh."))
        except ValidationError as exc:
            flash_errors(request, exc)
        except Forbidden:
            return forbidden(request)
        if contact is None:
            return redirect("oversight:complaint", case.pk)
    return render(
        request,
        "oversight/complaints/detail.html",
        {
            "section": "complaints",
            "case": case,
            "fb": fb,
            "contact": contact,
            "has_contact": bool((fb.contact_name or "").strip() or (fb.contact or "").strip()),
            "overdue": case.response_due < timezone.now() and fb.status in services.OPEN_STATUSES,
            "inspections": Inspection.objects.filter(organization=fb.organization).order_by("-planned_on")[:20],
            "recalls": Recall.objects.filter(organization=fb.organization).order_by("-started_at")[:20],
            "facility": fb.organization.facilities.first(),
        },
    )

"""Complaints: consumer feedback routed to the producer and the agency, deadlines, escalation, follow-up links."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from complaints import selectors, services
from complaints.models import ComplaintCase
from core.errors import Forbidden
from oversight.views.common import flash_errors, forbidden, officer_required, paginate, querystring
from quality.models import Inspection
from recalls.models import Recall


def complaint_counts(officer: Any) -> dict[str, int]:
    return {"open": selectors.open_cases(officer).count(), "overdue": selectors.overdue_cases(officer).count()}


@officer_required
def complaints(request: HttpRequest) -> HttpResponse:
    services.escalate_overdue()  # cheap and idempotent; cron runs `truyxuat complaints escalate` too
    show = request.GET.get("show", "open")
    items = {
        "open": selectors.open_cases(request.user),
        "overdue": selectors.overdue_cases(request.user),
    }.get(show, selectors.cases(request.user))
    return render(
        request,
        "oversight/complaints/list.html",
        {
            "section": "complaints",
            "page": paginate(request, items.order_by("response_due")),
            "qs": querystring(request),
            "show": show,
            "now": timezone.now(),
            "counts": complaint_counts(request.user),
        },
    )


@officer_required
def complaint(request: HttpRequest, pk: int) -> HttpResponse:
    from feedback import services as feedback_services

    case = get_object_or_404(ComplaintCase.objects.select_related("feedback__organization", "feedback__product"), pk=pk)
    fb = case.feedback
    if not permissions.is_officer_for(request.user, fb.organization):
        return forbidden(request)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "answer":
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
        return redirect("oversight:complaint", case.pk)
    return render(
        request,
        "oversight/complaints/detail.html",
        {
            "section": "complaints",
            "case": case,
            "fb": fb,
            "overdue": case.response_due < timezone.now() and fb.status in services.OPEN_STATUSES,
            "inspections": Inspection.objects.filter(organization=fb.organization).order_by("-planned_on")[:20],
            "recalls": Recall.objects.filter(organization=fb.organization).order_by("-started_at")[:20],
            "facility": fb.organization.facilities.first(),
        },
    )

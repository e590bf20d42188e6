"""The officer's start page: what waits for them today."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from notifications import services as notification_services
from notifications.selectors import unread_addressed_to
from oversight.views.common import officer_required
from quality import selectors as quality
from quality.models import LotHold
from recalls import selectors as recalls
from recalls.choices import RecallStatus
from reviews import selectors as reviews

NOTICES = 10


@officer_required
def home(request: HttpRequest) -> HttpResponse:
    officer = request.user
    from oversight.views.complaints import complaint_counts

    return render(
        request,
        "oversight/home.html",
        {
            "section": "home",
            "queues": reviews.queue_counts(officer),
            "holds": LotHold.objects.filter(released_at__isnull=True).count(),
            "overdue": quality.overdue_follow_ups(officer).count(),
            "open_violations": quality.open_violations(officer).count(),
            "open_recalls": recalls.recalls(officer).filter(status=RecallStatus.OPEN),
            "complaints": complaint_counts(officer),
            # what was routed to this officer (a lot to review, an inspection, an alert): newest first
            "notices": unread_addressed_to(officer)[:NOTICES],
            "notice_count": unread_addressed_to(officer).count(),
        },
    )


@require_POST
@officer_required
def open_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one of the officer's own notifications read and open what it is about (a POST: it writes)."""
    notice = unread_addressed_to(request.user).filter(pk=pk).first()
    if notice is None:
        raise Http404
    notification_services.mark_read(actor=request.user, notification=notice)
    if notice.link and url_has_allowed_host_and_scheme(notice.link, {request.get_host()}):
        return redirect(notice.link)
    return redirect("oversight:home")

"""The officer's start page: what waits for them today."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from oversight.views.common import officer_required
from quality import selectors as quality
from quality.models import LotHold
from recalls import selectors as recalls
from recalls.choices import RecallStatus
from reviews import selectors as reviews


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
        },
    )

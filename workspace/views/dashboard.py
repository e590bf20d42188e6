"""The producer's home: what to do next (a new organisation's first steps, then its to-dos), news, and lots and
scans over time."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from catalog.choices import LotStatus
from core.charts import column_chart
from workspace import selectors
from workspace.views.common import SESSION_KEY, member_view, memberships


def lot_summary(counts: dict[str, int]) -> list[str]:
    """{"draft": 2, "published": 3} as words: ["2 lô nháp", "3 lô đã công bố"] (never the status codes)."""
    words = {
        LotStatus.DRAFT: lambda n: ngettext("%(n)s lô nháp", "%(n)s lô nháp", n),
        LotStatus.SUBMITTED: lambda n: ngettext("%(n)s lô chờ duyệt công bố", "%(n)s lô chờ duyệt công bố", n),
        LotStatus.PUBLISHED: lambda n: ngettext("%(n)s lô đã công bố", "%(n)s lô đã công bố", n),
        LotStatus.RECALLED: lambda n: ngettext("%(n)s lô đã thu hồi", "%(n)s lô đã thu hồi", n),
    }
    return [words[status](counts[status]) % {"n": counts[status]} for status in words if counts.get(status)]


@member_view
def dashboard(request: HttpRequest) -> HttpResponse:
    org = request.org  # type: ignore[attr-defined]
    context = {
        "attention": selectors.attention(org, request.user),
        "lot_summary": lot_summary(selectors.lot_counts(org)),
        "lots_chart": column_chart(selectors.lots_per_month(org), _("Số lô hàng theo tháng")),
        "scans_chart": column_chart(selectors.scans_per_month(org), _("Lượt quét tem theo tháng"), "#1a5fb4"),
        "orgs": memberships(request.user),
        "nav": "home",
    }
    return render(request, "workspace/dashboard.html", context)


@require_POST
@member_view
def switch_org(request: HttpRequest) -> HttpResponse:
    wanted = request.POST.get("organization", "")
    for m in memberships(request.user):
        if str(m.organization_id) == wanted:
            request.session[SESSION_KEY] = m.organization_id
    return redirect("workspace:dashboard")

"""The producer's home: what needs attention, and lots and scans over time."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workspace import selectors
from workspace.charts import bar_chart
from workspace.views.common import SESSION_KEY, member_view, memberships


@member_view
def dashboard(request: HttpRequest) -> HttpResponse:
    org = request.org  # type: ignore[attr-defined]
    context = {
        "attention": selectors.attention(org, request.user),
        "counts": selectors.lot_counts(org),
        "lots_chart": bar_chart(selectors.lots_per_month(org), _("Số lô hàng theo tháng")),
        "scans_chart": bar_chart(selectors.scans_per_month(org), _("Lượt quét tem theo tháng"), "#1a5fb4"),
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

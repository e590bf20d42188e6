"""Counterfeit reports ("hàng nghi giả") for the officers of the province: a list, a map and each report.

Reports are `feedback.Feedback` of kind `counterfeit` (filed from the portal by `feedback.counterfeit`); they are
answered in the complaints queue (`oversight:complaint`), where each one also has a case and a deadline.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from decimal import Decimal

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from accounts import permissions
from complaints.services import OPEN_STATUSES
from core import charts
from feedback.models import Feedback
from feedback.selectors import counterfeit_reports
from oversight.views.common import forbidden, officer_required, paginate, querystring

MAP_POINTS = 500


def _filtered(request: HttpRequest) -> tuple[QuerySet[Feedback], str]:
    show = request.GET.get("show", "open")
    items = counterfeit_reports(request.user)
    if show == "open":
        items = items.filter(status__in=OPEN_STATUSES)
    elif show == "unknown":
        items = items.filter(product__isnull=True)
    else:
        show = "all"
    return items, show


def _map(places: Sequence[tuple[Decimal, Decimal, int, str]]) -> SafeString:
    title, empty = _("Bản đồ báo cáo hàng nghi giả"), _("Chưa có báo cáo nào kèm vị trí.")
    return charts.bubble_map(places, title=title, empty=empty, css="counterfeit-map")


def map_places(items: QuerySet[Feedback]) -> list[tuple[Decimal, Decimal, int, str]]:
    """(latitude, longitude, reports, a place where bought) per rounded location, the most reported first."""
    rows = items.filter(latitude__isnull=False, longitude__isnull=False).values_list(
        "latitude", "longitude", "where_bought"
    )[:MAP_POINTS]
    counts: Counter[tuple[Decimal, Decimal]] = Counter()
    labels: dict[tuple[Decimal, Decimal], str] = {}
    for lat, lon, where in rows:
        if lat is None or lon is None:
            continue
        counts[(lat, lon)] += 1
        if where and (lat, lon) not in labels:
            labels[(lat, lon)] = where
    return [(lat, lon, n, labels.get((lat, lon), "")) for (lat, lon), n in counts.most_common()]


@officer_required
def reports(request: HttpRequest) -> HttpResponse:
    items, show = _filtered(request)
    everything = counterfeit_reports(request.user)
    return render(
        request,
        "oversight/counterfeit/list.html",
        {
            "section": "counterfeit",
            "page": paginate(request, items.order_by("-created_at", "-id")),
            "qs": querystring(request),
            "show": show,
            "map": _map(map_places(items)),
            "counts": {
                "open": everything.filter(status__in=OPEN_STATUSES).count(),
                "unknown": everything.filter(product__isnull=True).count(),
                "all": everything.count(),
            },
        },
    )


@officer_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(counterfeit_reports(None), pk=pk)
    if not permissions.is_officer_for(request.user, item.organization):
        return forbidden(request)
    case = getattr(item, "case", None)
    places = []
    if item.latitude is not None and item.longitude is not None:
        places = [(item.latitude, item.longitude, 1, item.where_bought)]
    return render(
        request,
        "oversight/counterfeit/detail.html",
        {"section": "counterfeit", "item": item, "case": case, "map": _map(places)},
    )

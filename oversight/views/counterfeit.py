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
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from accounts import permissions
from complaints.services import OPEN_STATUSES
from feedback.models import Feedback
from feedback.selectors import counterfeit_reports
from oversight.views.common import forbidden, officer_required, paginate, querystring

MAP_POINTS = 500
MAP_WIDTH, MAP_HEIGHT, MARGIN = 720, 460, 40


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


def report_map(places: Sequence[tuple[Decimal, Decimal, int, str]]) -> SafeString:
    """Reports placed where they were sent from (rounded to ~1 km), one circle per place sized by its count, the
    count written inside and the place where bought beside it; a frame with the latitude/longitude span."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {MAP_WIDTH} {MAP_HEIGHT}" role="img" '
        f'aria-label="{escape(_("Bản đồ báo cáo hàng nghi giả"))}" font-family="sans-serif" font-size="14" '
        'class="counterfeit-map">',
        f'<rect x="0" y="0" width="{MAP_WIDTH}" height="{MAP_HEIGHT}" fill="#f4f7f2" stroke="#dadce0"/>',
    ]
    if not places:
        parts.append(
            f'<text x="{MAP_WIDTH / 2}" y="{MAP_HEIGHT / 2}" text-anchor="middle" fill="#5f6368">'
            f"{escape(_('Chưa có báo cáo nào kèm vị trí.'))}</text></svg>"
        )
        return mark_safe("".join(parts))
    lats = [float(p[0]) for p in places]
    lons = [float(p[1]) for p in places]
    pad = 0.05
    min_lat, max_lat, min_lon, max_lon = min(lats) - pad, max(lats) + pad, min(lons) - pad, max(lons) + pad
    span = max(max_lat - min_lat, max_lon - min_lon)
    inner_w, inner_h = MAP_WIDTH - 2 * MARGIN, MAP_HEIGHT - 2 * MARGIN
    scale = min(inner_w, inner_h) / span
    peak = max(p[2] for p in places)
    for lat, lon, count, label in sorted(places, key=lambda p: -p[2]):
        x = MARGIN + (float(lon) - min_lon) * scale + (inner_w - span * scale) / 2
        y = MAP_HEIGHT - MARGIN - (float(lat) - min_lat) * scale - (inner_h - span * scale) / 2
        radius = 10 + 14 * (count / peak) ** 0.5
        title = escape(f"{label} — {count}" if label else str(count))
        parts.append(
            f'<g class="place"><circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="#b3261e" fill-opacity="0.8" '
            f'stroke="#fff" stroke-width="2"><title>{title}</title></circle>'
            f'<text x="{x:.1f}" y="{y + 5:.1f}" text-anchor="middle" fill="#fff" font-weight="bold">{count}</text>'
        )
        if label:
            parts.append(
                f'<text x="{x + radius + 4:.1f}" y="{y + 5:.1f}" fill="#1d1d1b" paint-order="stroke" stroke="#fff" '
                f'stroke-width="3">{escape(label[:32])}</text>'
            )
        parts.append("</g>")
    parts.append(
        f'<text x="{MAP_WIDTH - 8}" y="{MAP_HEIGHT - 10}" text-anchor="end" fill="#5f6368" font-size="12">'
        f"{min_lat:.2f}–{max_lat:.2f}°N · {min_lon:.2f}–{max_lon:.2f}°E</text></svg>"
    )
    return mark_safe("".join(parts))


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
            "map": report_map(map_places(items)),
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
        {"section": "counterfeit", "item": item, "case": case, "map": report_map(places)},
    )

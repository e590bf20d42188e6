"""Time-series charts as inline SVG drawn on the server, no script (the workspace's charts are bars; these are lines
with a min–max band and the threshold drawn across). Zoom is by link: each chart page offers day, week and month.
`device_charts` draws a device's quantities with the limits of the profile of the place it is in (the producer's
and the agency's device pages); the consumer's lot page draws each stay small (`thin` keeps ≤ 90 points)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core.numbers import format_number
from iot import selectors
from iot.choices import QuantityName
from iot.models import Device, Placement, Profile
from iot.units import QUANTITIES

UNITS = {"CEL": "°C", "P1": "%", "LUX": "lux"}

Point = tuple[dt.datetime, float, float, float]  # time, mean, min, max


def line_chart(
    points: Sequence[Point],
    title: str,
    unit: str,
    *,
    low: float | None = None,
    high: float | None = None,
    width: int = 640,
    height: int = 200,
    font: int = 14,
) -> SafeString:
    """A line of means with a shaded min–max band; the profile's limits as dashed lines; labels `font` units high
    (the chart is drawn at the page's width: 14 keeps them readable on a phone)."""
    left, right, top, bottom = int(font * 4.4), 8, font, font + 10
    if not points:
        return mark_safe(
            f'<svg class="chart" viewBox="0 0 {width} 40" role="img" aria-label="{escape(title)}">'
            f'<text x="8" y="24" font-size="13">—</text></svg>'
        )
    t0, t1 = points[0][0], points[-1][0]
    span = max((t1 - t0).total_seconds(), 1.0)
    values = [p[2] for p in points] + [p[3] for p in points] + [v for v in (low, high) if v is not None]
    lo, hi = min(values), max(values)
    if hi - lo < 1e-9:
        lo, hi = lo - 1, hi + 1
    pad = (hi - lo) * 0.08
    lo, hi = lo - pad, hi + pad

    def x(t: dt.datetime) -> float:
        return left + (width - left - right) * (t - t0).total_seconds() / span

    def y(v: float) -> float:
        return top + (height - top - bottom) * (hi - v) / (hi - lo)

    band = (
        " ".join(f"{x(p[0]):.1f},{y(p[3]):.1f}" for p in points)
        + " "
        + " ".join(f"{x(p[0]):.1f},{y(p[2]):.1f}" for p in reversed(points))
    )
    line = " ".join(f"{x(p[0]):.1f},{y(p[1]):.1f}" for p in points)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
        f'<polygon points="{band}" fill="#1b6b3a" fill-opacity="0.15"/>',
        f'<polyline points="{line}" fill="none" stroke="#1b6b3a" stroke-width="1.5"/>',
    ]
    for limit in (low, high):
        if limit is not None:
            parts.append(
                f'<line x1="{left}" x2="{width - right}" y1="{y(limit):.1f}" y2="{y(limit):.1f}" '
                f'stroke="#b3261e" stroke-dasharray="4 3"/>'
            )
    for v in (hi - pad, lo + pad):
        parts.append(
            f'<text x="{left - 4}" y="{y(v) + font / 3:.1f}" font-size="{font}" text-anchor="end">'
            f"{escape(format_number(round(v, 1)))} {escape(unit)}</text>"
        )
    for t in (t0, t1):
        local = timezone.localtime(t)
        parts.append(
            f'<text x="{x(t):.1f}" y="{height - 4}" font-size="{font}" text-anchor="{"start" if t == t0 else "end"}">'
            f"{local:%d/%m %H:%M}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def thin(points: Sequence[Point], most: int) -> list[Point]:
    """At most `most` points: consecutive points merged (first time, mean of means, min of mins, max of maxes)."""
    if len(points) <= most:
        return list(points)
    step = -(-len(points) // most)
    out = []
    for i in range(0, len(points), step):
        chunk = points[i : i + step]
        out.append(
            (chunk[0][0], sum(p[1] for p in chunk) / len(chunk), min(p[2] for p in chunk), max(p[3] for p in chunk))
        )
    return out


def device_charts(
    device: Device, start: dt.datetime, end: dt.datetime, placement: Placement | None
) -> list[dict[str, object]]:
    """One chart per quantity the device measures over [start, end], with its place's profile limits."""
    charts: list[dict[str, object]] = []
    for name in device.quantities:
        q = QUANTITIES[name]
        profile = None
        if placement is not None:
            where: dict[str, object] = {
                "facility_id": placement.facility_id,
                "growing_area_id": placement.growing_area_id,
                "vehicle_id": placement.vehicle_id,
            }
            profile = Profile.objects.filter(
                organization_id=device.organization_id, quantity=name, active=True, **where
            ).first()
        label = str(QuantityName(name).label)
        points = selectors.series(device.pk, q.code, start, end)
        svg = line_chart(
            points, label, UNITS[q.uom], low=profile.low if profile else None, high=profile.high if profile else None
        )
        charts.append({"label": label, "svg": svg})
    return charts

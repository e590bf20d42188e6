"""Small bar charts as inline SVG, drawn on the server (no JavaScript, readable on any phone)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def months_back(today: dt.date, n: int) -> list[dt.date]:
    """The first days of the last `n` months, oldest first, ending with the current month."""
    first = today.replace(day=1)
    out = []
    for _i in range(n):
        out.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return list(reversed(out))


def bar_chart(points: Iterable[tuple[str, int]], title: str, colour: str = "#1b6b3a") -> SafeString:
    """An accessible SVG bar chart: one bar per (label, value), the value written above each bar."""
    data = list(points)
    width, height, top, bottom = 340, 160, 18, 24
    peak = max((v for _l, v in data), default=0) or 1
    step = width / max(len(data), 1)
    bar = step * 0.7
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for i, (label, value) in enumerate(data):
        h = (height - top - bottom) * value / peak
        x = i * step + (step - bar) / 2
        y = height - bottom - h
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{colour}" rx="2"/>')
        parts.append(f'<text x="{x + bar / 2:.1f}" y="{y - 3:.1f}" font-size="10" text-anchor="middle">{value}</text>')
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{height - 8}" font-size="9" text-anchor="middle">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))

"""The forecast chart (SVG, no JavaScript): history as a line, the forecast as a dashed line in its 80 % band, each
month a point whose tooltip (`<title>`) gives the month and the figures."""

from __future__ import annotations

from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core.numbers import format_number

W, H, PAD = 640, 240, 36


def forecast_chart(fc: dict[str, Any], *, title: str, locale: str = "vi") -> SafeString:
    months, history = fc["months"], fc["history"]
    mean, lower, upper = fc["mean"], fc["lower"], fc["upper"]
    n = len(months)
    top = max([*history, *upper, 1.0])

    def x(i: int) -> float:
        return PAD + i * (W - 2 * PAD) / max(n - 1, 1)

    def y(v: float) -> float:
        return H - PAD - v / top * (H - 2 * PAD)

    h = len(history)
    band = [f"{x(h + i):.1f},{y(v):.1f}" for i, v in enumerate(upper)]
    band += [f"{x(h + i):.1f},{y(v):.1f}" for i, v in reversed(list(enumerate(lower)))]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" role="img" aria-label="{escape(title)}" '
        'class="forecast" font-family="sans-serif" font-size="12">',
        f'<rect x="0" y="0" width="{W}" height="{H}" fill="#fff" stroke="#dadce0"/>',
        f'<polygon points="{" ".join(band)}" fill="#c77d1a" fill-opacity="0.18"/>',
        '<polyline fill="none" stroke="#1b6b3a" stroke-width="2" points="'
        + " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(history))
        + '"/>',
        '<polyline fill="none" stroke="#c77d1a" stroke-width="2" stroke-dasharray="5 4" points="'
        + " ".join(f"{x(h + i):.1f},{y(v):.1f}" for i, v in enumerate(mean))
        + '"/>',
    ]
    for i, v in enumerate(history):
        tip = f"{months[i]}: {format_number(v, locale=locale, places=0)} kg"
        parts.append(
            f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="#1b6b3a"><title>{escape(tip)}</title></circle>'
        )
    for i, v in enumerate(mean):
        lo, hi = (format_number(b, locale=locale, places=0) for b in (lower[i], upper[i]))
        tip = f"{months[h + i]}: {format_number(v, locale=locale, places=0)} kg ({lo}–{hi})"
        parts.append(
            f'<circle cx="{x(h + i):.1f}" cy="{y(v):.1f}" r="3" fill="#c77d1a"><title>{escape(tip)}</title></circle>'
        )
    for i in range(0, n, 6):
        parts.append(f'<text x="{x(i):.1f}" y="{H - 12}" text-anchor="middle" fill="#5f6368">{months[i]}</text>')
    parts.append(
        f'<text x="{PAD}" y="16" fill="#5f6368">{escape(format_number(top, locale=locale, places=0))} kg</text></svg>'
    )
    return mark_safe("".join(parts))

"""Server-rendered SVG: bar charts and a point map (no JavaScript, works offline and in PDF reports)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ["#1b6b3a", "#2e7d9a", "#c77d1a", "#7b4fa0", "#b3261e", "#5f6368", "#3f8f5a", "#a05a2c"]


def bar_chart(rows: Sequence[tuple[str, float]], *, title: str = "", width: int = 560, unit: str = "") -> SafeString:
    """Horizontal bars, one per (label, value)."""
    bar_h, gap, label_w = 22, 6, 190
    height = max(1, len(rows)) * (bar_h + gap) + (30 if title else 8)
    top = 26 if title else 4
    peak = max([v for _l, v in rows] + [1])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" font-family="sans-serif" font-size="12">'
    ]
    if title:
        parts.append(f'<text x="0" y="16" font-weight="bold" font-size="13">{escape(title)}</text>')
    for i, (label, value) in enumerate(rows):
        y = top + i * (bar_h + gap)
        w = (width - label_w - 70) * (value / peak)
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">{escape(str(label)[:30])}</text>')
        parts.append(
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{PALETTE[i % len(PALETTE)]}"/>'
        )
        shown = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
        parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + 15}">{shown}{escape(unit)}</text>')
    if not rows:
        parts.append(f'<text x="{label_w}" y="{top + 15}" fill="#5f6368">—</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def point_map(
    points: Sequence[dict[str, Any]],
    *,
    lines: Sequence[tuple[tuple[float, float], tuple[float, float]]] = (),
    width: int = 640,
    height: int = 420,
    title: str = "",
) -> SafeString:
    """Points (lat, lon, name, `root` highlighted) on an equirectangular frame fitted to them, with optional
    lines between (lat, lon) pairs (shipments)."""
    coords = [(p["lat"], p["lon"]) for p in points] + [c for line in lines for c in line]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" font-family="sans-serif" font-size="11">'
    ]
    if not coords:
        parts.append(f'<text x="20" y="30" fill="#5f6368">{escape(title)} —</text></svg>')
        return mark_safe("".join(parts))
    lats = [c[0] for c in coords]
    lons = [c[1] for c in coords]
    pad = 0.02
    min_lat, max_lat = min(lats) - pad, max(lats) + pad
    min_lon, max_lon = min(lons) - pad, max(lons) + pad
    span = max(max_lat - min_lat, max_lon - min_lon)

    def xy(lat: float, lon: float) -> tuple[float, float]:
        x = 30 + (lon - min_lon) / span * (width - 60)
        y = height - 30 - (lat - min_lat) / span * (height - 60)
        return x, y

    for a, b in lines:
        (x1, y1), (x2, y2) = xy(*a), xy(*b)
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#c77d1a" stroke-width="2" '
            'stroke-dasharray="5 3"/>'
        )
    for p in points:
        x, y = xy(p["lat"], p["lon"])
        colour = "#b3261e" if p.get("root") else "#1b6b3a"
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="{colour}" stroke="#fff" stroke-width="1.5">')
        parts.append(f"<title>{escape(p.get('name', ''))}</title></circle>")
        parts.append(f'<text x="{x + 8:.1f}" y="{y + 4:.1f}">{escape(str(p.get("name", ""))[:28])}</text>')
    parts.append(
        f'<text x="{width - 10}" y="{height - 8}" text-anchor="end" fill="#5f6368">'
        f"{min_lat:.3f}–{max_lat:.3f}°N, {min_lon:.3f}–{max_lon:.3f}°E</text>"
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))

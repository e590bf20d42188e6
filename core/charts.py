"""Server-rendered SVG charts: horizontal bars, columns by month, a point map (no JavaScript; readable on any phone,
works offline). The one chart module: the oversight reports and recall maps and the producer's dashboard use it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

Box = tuple[float, float, float, float]  # left, top, right, bottom
MAP_WIDTH, MAP_HEIGHT, MARGIN = 720, 460, 40
PALETTE = ["#1b6b3a", "#2e7d9a", "#c77d1a", "#7b4fa0", "#b3261e", "#5f6368", "#3f8f5a", "#a05a2c"]


def _svg(width: float, height: float, title: str, attrs: str = "") -> str:
    """The opening `<svg>` of a chart: its frame and its accessible name."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}"{attrs}>'
    )


def bar_chart(rows: Sequence[tuple[str, float]], *, title: str = "", width: int = 560, unit: str = "") -> SafeString:
    """Horizontal bars, one per (label, value)."""
    bar_h, gap, label_w = 22, 6, 190
    height = max(1, len(rows)) * (bar_h + gap) + (30 if title else 8)
    top = 26 if title else 4
    peak = max([v for _l, v in rows] + [1])
    parts = [_svg(width, height, title, ' font-family="sans-serif" font-size="12"')]
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


def column_chart(points: Iterable[tuple[str, int]], title: str, colour: str = "#1b6b3a") -> SafeString:
    """Vertical bars, one per (label, value), the value written above each bar (a small chart for a phone)."""
    data = list(points)
    width, height, top, bottom = 340, 160, 18, 24
    peak = max((v for _l, v in data), default=0) or 1
    step = width / max(len(data), 1)
    bar = step * 0.7
    parts = [_svg(width, height, title, ' class="chart"') + f"<title>{escape(title)}</title>"]
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


def bubble_map(
    places: Sequence[tuple[Decimal, Decimal, int, str]], *, title: str, empty: str, css: str = ""
) -> SafeString:
    """Counts placed on a map (latitude, longitude, count, label): one circle per place sized by its count, the
    count written inside and the label beside it; a frame with the latitude/longitude span; `empty` when none."""
    parts = [
        _svg(MAP_WIDTH, MAP_HEIGHT, title, f' font-family="sans-serif" font-size="14" class="{escape(css)}"'),
        f'<rect x="0" y="0" width="{MAP_WIDTH}" height="{MAP_HEIGHT}" fill="#f4f7f2" stroke="#dadce0"/>',
    ]
    if not places:
        parts.append(
            f'<text x="{MAP_WIDTH / 2}" y="{MAP_HEIGHT / 2}" text-anchor="middle" fill="#5f6368">'
            f"{escape(empty)}</text></svg>"
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


def point_map(
    points: Sequence[dict[str, Any]],
    *,
    lines: Sequence[tuple[tuple[float, float], tuple[float, float]]] = (),
    width: int = 640,
    height: int = 420,
    title: str = "",
    legend: Sequence[tuple[str, str, str]] = (),
    font_size: int = 13,
) -> SafeString:
    """Points on an equirectangular frame fitted to them, each labelled beside it, with optional lines between
    (lat, lon) pairs (shipments) and a legend.

    A point is a dict: `lat`, `lon`, `name` (its label; `label` wins if given), optional `sublabel` (a second,
    grey line), `colour` (else red when `root`, green otherwise). Labels have a white halo and are placed right,
    left, above or below the point, whichever does not overlap a label already drawn; a label that fits nowhere is
    left out (the point keeps its tooltip). `legend`: (colour, text, "point" | "line") rows drawn in a box at the
    bottom left.
    """
    coords = [(p["lat"], p["lon"]) for p in points] + [c for line in lines for c in line]
    parts = [_svg(width, height, title, f' font-family="sans-serif" font-size="{font_size}"')]
    if not coords:
        parts.append(f'<text x="20" y="30" fill="#5f6368">{escape(title)} —</text></svg>')
        return mark_safe("".join(parts))
    legend_h = (len(legend) * (font_size + 8) + 10) if legend else 0
    margin, bottom = 40, 30 + legend_h
    lats = [c[0] for c in coords]
    lons = [c[1] for c in coords]
    pad = 0.02
    min_lat, max_lat = min(lats) - pad, max(lats) + pad
    min_lon, max_lon = min(lons) - pad, max(lons) + pad
    span = max(max_lat - min_lat, max_lon - min_lon)
    scale = min((width - 2 * margin) / span, (height - margin - bottom) / span)
    left = (width - (max_lon - min_lon) * scale) / 2  # centred in the frame
    base = height - bottom - (height - margin - bottom - (max_lat - min_lat) * scale) / 2

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return left + (lon - min_lon) * scale, base - (lat - min_lat) * scale

    for a, b in lines:
        (x1, y1), (x2, y2) = xy(*a), xy(*b)
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#c77d1a" stroke-width="2.5" '
            'stroke-dasharray="6 4"/>'
        )
    placed = [xy(p["lat"], p["lon"]) for p in points]
    segments = [(*xy(*a), *xy(*b)) for a, b in lines]
    taken: list[Box] = [(x - 7, y - 7, x + 7, y + 7) for x, y in placed]
    labels: list[str] = []
    for p, (x, y) in zip(points, placed, strict=True):
        colour = p.get("colour") or ("#b3261e" if p.get("root") else "#1b6b3a")
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="7" fill="{colour}" stroke="#fff" stroke-width="2">')
        parts.append(f"<title>{escape(p.get('label') or p.get('name', ''))}</title></circle>")
        labels.append(_label(p, x, y, width, height - legend_h, font_size, taken, segments))
    parts.extend(labels)  # over every point and line
    if legend:
        parts.append(_legend(legend, height - legend_h - 4, font_size))
    parts.append(
        f'<text x="{width - 10}" y="{height - 8}" text-anchor="end" fill="#5f6368" font-size="{font_size - 2}">'
        f"{min_lat:.3f}–{max_lat:.3f}°N, {min_lon:.3f}–{max_lon:.3f}°E</text>"
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))


HALO = 'stroke="#fff" stroke-width="3.5" stroke-linejoin="round" paint-order="stroke"'


def _label(
    p: dict[str, Any],
    x: float,
    y: float,
    width: int,
    height: int,
    size: int,
    taken: list[Box],
    segments: Sequence[tuple[float, float, float, float]] = (),
) -> str:
    """The point's label at the first free place (right, left, above, below), preferring one no line crosses;
    "" when no place is free of other labels."""
    main = str(p.get("label") or p.get("name") or "")[:40]
    sub = str(p.get("sublabel") or "")[:48]
    if not main:
        return ""
    char = size * 0.56  # an average glyph's width in a sans-serif face
    w = max(len(main), len(sub) * 0.85) * char
    h = size * (2.2 if sub else 1.2)
    candidates = [
        (x + 11, y - size * 0.35, "start"),  # right, first line centred on the point
        (x - 11, y - size * 0.35, "end"),  # left
        (x - w / 2, y - 12 - h + size, "start"),  # above
        (x - w / 2, y + 12 + size * 0.9, "start"),  # below
    ]
    free = []
    for lx, ly, anchor in candidates:
        left = lx - w if anchor == "end" else lx
        box = (left, ly - size, left + w, ly - size + h)
        inside = box[0] >= 2 and box[2] <= width - 2 and box[1] >= 2 and box[3] <= height - 2
        if inside and not any(_overlap(box, t) for t in taken):
            free.append((any(_crosses(seg, box) for seg in segments), lx, ly, anchor, box))
    if not free:
        return ""
    _crossed, lx, ly, anchor, box = min(free, key=lambda f: f[0])  # the first place no line crosses, if any
    taken.append(box)
    text = (
        f'<text x="{lx:.1f}" y="{ly + size * 0.35:.1f}" text-anchor="{anchor}" {HALO}>'
        f'<tspan font-weight="bold">{escape(main)}</tspan>'
    )
    if sub:
        text += f'<tspan x="{lx:.1f}" dy="{size * 1.1:.1f}" fill="#5f6368" font-size="{size - 2}">{escape(sub)}</tspan>'
    return text + "</text>"


def _crosses(seg: tuple[float, float, float, float], box: Box) -> bool:
    """Whether the segment passes through the box (sampled every few units: labels are small, lines straight)."""
    x1, y1, x2, y2 = seg
    steps = max(2, int(max(abs(x2 - x1), abs(y2 - y1)) / 4))
    return any(
        box[0] <= x1 + (x2 - x1) * i / steps <= box[2] and box[1] <= y1 + (y2 - y1) * i / steps <= box[3]
        for i in range(steps + 1)
    )


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _legend(rows: Sequence[tuple[str, str, str]], top: float, size: int) -> str:
    step = size + 8
    w = max(len(text) for _c, text, _k in rows) * size * 0.56 + 44
    out = [
        f'<g class="legend"><rect x="8" y="{top:.1f}" width="{w:.1f}" height="{len(rows) * step + 8}" '
        'fill="#fff" fill-opacity="0.92" stroke="#c9d1d9" rx="4"/>'
    ]
    for i, (colour, text, kind) in enumerate(rows):
        cy = top + 4 + step * i + step / 2
        if kind == "line":
            out.append(
                f'<line x1="16" y1="{cy:.1f}" x2="36" y2="{cy:.1f}" stroke="{colour}" stroke-width="2.5" '
                'stroke-dasharray="6 4"/>'
            )
        else:
            out.append(f'<circle cx="26" cy="{cy:.1f}" r="6" fill="{colour}" stroke="#fff" stroke-width="1.5"/>')
        out.append(f'<text x="44" y="{cy + size * 0.35:.1f}">{escape(text)}</text>')
    out.append("</g>")
    return "".join(out)

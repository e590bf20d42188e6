"""Template helpers of the public pages."""

from __future__ import annotations

from urllib.parse import quote

from django import template

register = template.Library()


@register.simple_tag
def dl_path(gtin: str, lot: str | None = None, serial: str | None = None) -> str:
    """The Digital Link path of a product, lot or item (lot and serial percent-encoded, '/' included)."""
    path = f"/01/{gtin}"
    if lot:
        path += f"/10/{quote(lot, safe='')}"
    if serial:
        path += f"/21/{quote(serial, safe='')}"
    return path


@register.filter
def stars(count: int | None) -> str:
    return "★" * int(count or 0)

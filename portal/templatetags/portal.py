"""Template helpers of the public pages."""

from __future__ import annotations

import datetime as dt

from django import template

from gs1.digital_link import product_path
from portal.labels import category_label

register = template.Library()


@register.simple_tag
def dl_path(gtin: str, lot: str | None = None, serial: str | None = None) -> str:
    """The Digital Link path of a product, lot or item (lot and serial percent-encoded, '/' included)."""
    return product_path(gtin, lot, serial)


@register.filter
def stars(count: int | None) -> str:
    return "★" * int(count or 0)


@register.filter(expects_localtime=True)
def dmy(value: dt.date | dt.datetime | None) -> str:
    """A date as the portal prints it everywhere (`dd/mm/yyyy`; Django's `date` filter is slow: bench/README.md)."""
    return value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else ""


@register.filter(expects_localtime=True)
def dmy_hm(value: dt.date | dt.datetime | None) -> str:
    """A time as `dd/mm/yyyy HH:MM` (a plain date prints without a time)."""
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    return dmy(value)


@register.simple_tag(name="category_name")
def category_name(category: object) -> str:
    """A priority category's name in the active language."""
    return category_label(category)

"""`{% load numbers %}`: stored figures the way the reader writes them (vi-VN `1.200 kg`, `0,12`; en `1,200 kg`).

Never raises on a stored value: a number that is not finite shows as "—" (and is logged), a huge one in full.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import confirm_box, locale
from core.numbers import Limits, format_number, to_decimal

register = template.Library()
log = logging.getLogger("truyxuat.numbers")

# UN/CEFACT Recommendation 20 codes (what lots and diary entries store) by the name a farmer uses;
# catalog.choices.QuantityUnit has the same names (catalog/tests check they agree).
UNIT_NAMES = {
    "KGM": _("kg"),
    "TNE": _("tấn"),
    "GRM": _("gam"),
    "LTR": _("lít"),
    "H87": _("cái, quả"),
    "HEA": _("con"),
    "XPK": _("gói, hộp"),
    "MTQ": _("m³"),
    "HAR": _("ha"),
}


def _shown(value: Any, places: int | None = None) -> str:
    if value is None or value == "":
        return ""
    if to_decimal(value) is None:
        log.warning("not a number in a stored figure: %r", value)
    return format_number(value, locale=locale(), places=places)


@register.filter
def num(value: Any, places: Any = None) -> str:
    """`{{ test.value|num }}` -> "0,12"; `{{ x|num:2 }}` rounds to 2 places (trailing zeros dropped)."""
    try:
        digits = int(places) if places not in (None, "") else None
    except (TypeError, ValueError):
        digits = None
    return _shown(value, digits)


@register.filter
def unit_name(unit: Any) -> str:
    """`KGM` -> "kg"; a unit that is not a code (a lab's "mg/kg") as it is."""
    text = "" if unit is None else str(unit)
    return str(UNIT_NAMES.get(text, text))


@register.filter
def qty(value: Any, unit: Any = None) -> str:
    """`{{ lot.quantity|qty:lot.unit }}` -> "1.200 kg"; without a unit, the number alone."""
    shown = _shown(value)
    name = unit_name(unit) if unit not in (None, "") else ""
    return f"{shown} {name}" if shown and name else shown


@register.filter
def num_input(value: Any) -> str:
    """An input's value: no thousands marks, so it reads back as the same number ("1200", "0,12")."""
    if value is None or value == "" or to_decimal(value) is None:
        return ""
    return format_number(value, locale=locale(), group=False)


@register.simple_tag
def number_confirm(data: Any, prefix: str, suffix: Any = "") -> str:
    """`{% number_confirm post "qty_" a.pk %}`: the "yes, 1.200 is one thousand two hundred" box under an input
    whose posted text is ambiguous ("" otherwise)."""
    name = f"{prefix}{suffix}"
    text = (data or {}).get(name) if hasattr(data, "get") else None
    return confirm_box(name, text, Limits())


@register.filter
def day(value: Any) -> str:
    """A date as dd/mm/yyyy, from a date, a datetime or ISO text ("2026-11-01" -> "01/11/2026"); other text as it is."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else ("" if value is None else str(value))


@register.simple_tag
def ambiguous_prompt() -> str:
    """The phone's question for "1.200" before it queues an entry ({text} and {value} filled in by the script)."""
    return str(
        _("Bạn nhập {text}: nghĩa là {value}? Bấm OK nếu đúng; nếu là số lẻ, hãy viết bằng dấu phẩy (ví dụ 1,2).")
    )


@register.simple_tag
def posted(data: Any, prefix: str, suffix: Any = "") -> str:
    """`{% posted post "qty_" a.pk %}`: the text posted in field `qty_<pk>` ("" when none), kept as typed."""
    value = (data or {}).get(f"{prefix}{suffix}") if hasattr(data, "get") else None
    return "" if value is None else str(value)

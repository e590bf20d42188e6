"""Template helpers of the workspace: field errors and quantities."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html_join

from core.templatetags import numbers

register = template.Library()


@register.simple_tag
def errs(errors: dict[str, list[str]] | None, name: str) -> str:
    """The errors of one field as red lines (empty when none)."""
    messages = (errors or {}).get(name) or []
    return format_html_join("", '<p class="err" role="alert">⚠️ {}</p>', ((m,) for m in messages))


@register.filter
def qty(value: Any, unit: Any = None) -> str:
    """400.000 -> "400", 1200.500 -> "1.200,5" (vi; en "1,200.5"); with a unit code, its name: "1.200 kg".
    The one formatter: `core.templatetags.numbers`; never raises on a stored value."""
    return numbers.qty(value, unit)


@register.filter
def get(mapping: dict[str, Any] | None, key: str) -> Any:
    return (mapping or {}).get(key, "")

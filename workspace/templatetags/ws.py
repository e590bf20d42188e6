"""Template helpers of the workspace: field errors and quantities."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html_join

register = template.Library()


@register.simple_tag
def errs(errors: dict[str, list[str]] | None, name: str) -> str:
    """The errors of one field as red lines (empty when none)."""
    messages = (errors or {}).get(name) or []
    return format_html_join("", '<p class="err" role="alert">⚠️ {}</p>', ((m,) for m in messages))


@register.filter
def qty(value: Any) -> str:
    """400.000 -> 400, 12.500 -> 12.5."""
    if value is None or value == "":
        return ""
    text = f"{Decimal(str(value)):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@register.filter
def get(mapping: dict[str, Any] | None, key: str) -> Any:
    return (mapping or {}).get(key, "")

"""Template helpers of the workspace: field errors and quantities."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join

from core.templatetags import numbers
from core.templatetags.form_errors import error_id

register = template.Library()


@register.simple_tag
def errs(errors: dict[str, list[str]] | None, name: str) -> str:
    """The errors of one field as red lines (empty when none); the first carries the id the form's error summary
    (core/form_errors.html) links to."""
    messages = (errors or {}).get(name) or []
    if not messages:
        return ""
    ids = [format_html(' id="{}"', error_id(name))] + [""] * (len(messages) - 1)
    return format_html_join("", '<p class="err"{}>⚠️ {}</p>', zip(ids, messages, strict=True))


@register.filter
def qty(value: Any, unit: Any = None) -> str:
    """400.000 -> "400", 1200.500 -> "1.200,5" (vi; en "1,200.5"); with a unit code, its name: "1.200 kg".
    The one formatter: `core.templatetags.numbers`; never raises on a stored value."""
    return numbers.qty(value, unit)


@register.filter
def get(mapping: dict[str, Any] | None, key: str) -> Any:
    return (mapping or {}).get(key, "")

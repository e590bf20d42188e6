"""`{% stamp_warning gtin serial %}`: the consumer item page's gentle note when the analysis found this stamp's
scans implausible (an open copied-stamp flag), in the reader's language; nothing otherwise."""

from __future__ import annotations

import re

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from analysis import selectors
from analysis.texts import sentence
from core.numbers import format_number

register = template.Library()


@register.simple_tag
def stamp_warning(gtin: str, serial: str) -> SafeString:
    flag = selectors.stamp_warning(gtin or "", serial or "")
    if flag is None:
        return mark_safe("")
    return render_to_string("analysis/stamp_warning.html", {"sentence": sentence(flag.kind, flag.facts)})


_NUMBER = re.compile(r"(?<![\w/:.,])\d+(?:\.\d+)?(?![\w/:°]|[.,]\d)")


@register.filter
def local_numbers(text: str) -> str:
    """The plain numbers in an evidence value ("8000.0–20000.0 (v1)") written the reader's way ("8.000–20.000
    (v1)" in Vietnamese); dates, times and codes stay as they are."""
    locale = "en" if (get_language() or "vi").startswith("en") else "vi"
    return _NUMBER.sub(lambda m: format_number(m.group(0), locale=locale, places=2), str(text))

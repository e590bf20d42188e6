"""`{% stamp_warning gtin serial %}`: the consumer item page's gentle note when the analysis found this stamp's
scans implausible (an open copied-stamp flag), in the reader's language; nothing otherwise."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from analysis import selectors
from analysis.texts import sentence

register = template.Library()


@register.simple_tag
def stamp_warning(gtin: str, serial: str) -> SafeString:
    flag = selectors.stamp_warning(gtin or "", serial or "")
    if flag is None:
        return mark_safe("")
    return render_to_string("analysis/stamp_warning.html", {"sentence": sentence(flag.kind, flag.facts)})

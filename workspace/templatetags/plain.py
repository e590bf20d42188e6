"""`{% load plain %}`: codes in plain words for farmer pages (issue 15: never a raw rule code on a page)."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.utils.translation import gettext as _

from rules.definitions import BY_CODE

register = template.Library()


@register.filter
def rule_title(code: Any) -> str:
    """`pre_harvest_interval` -> "Thời gian cách ly thuốc bảo vệ thực vật" (translated); an unknown code: a plain
    "quy tắc khác" rather than the code."""
    spec = BY_CODE.get(str(code or ""))
    return _(spec.title) if spec is not None else _("Quy tắc khác")


@register.simple_tag
def map_settings() -> dict[str, str]:
    """`{% map_settings as map %}`: the basemap of the plot maps (`TRUYXUAT_MAP_TILES`, empty: none) and its credit."""
    return {
        "tiles": getattr(settings, "TRUYXUAT_MAP_TILES", ""),
        "attribution": getattr(settings, "TRUYXUAT_MAP_ATTRIBUTION", ""),
    }

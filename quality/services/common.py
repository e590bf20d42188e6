"""Helpers shared by the quality services."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.forms import message
from core.numbers import LAB_VALUE, Limits, NumberError, parse_plain


def decimal_field(name: str, value: Any, *, allow_negative: bool = False, limits: Limits = LAB_VALUE) -> Decimal:
    """A number from a form (already a Decimal) or the API (plain: "0.12", 0.12), within `limits`."""
    bounds = replace(limits, min_value=-limits.ceiling if allow_negative else Decimal(0))
    try:
        number = parse_plain(value, bounds)
    except NumberError as exc:
        if exc.code == "below_min":
            raise ValidationError({name: [_("Cần nhập một số không âm.")]}) from None
        if exc.code == "not_a_number":
            raise ValidationError({name: [_("Cần nhập một số.")]}) from None
        raise ValidationError({name: [message(exc)]}) from None
    if number is None:
        raise ValidationError({name: [_("Cần nhập một số.")]})
    return number


def date_field(name: str, value: Any, *, required: bool = True) -> dt.date | None:
    if value in (None, ""):
        if required:
            raise ValidationError({name: [_("Cần nhập ngày.")]})
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationError({name: [_("Ngày không hợp lệ (yyyy-mm-dd).")]}) from exc

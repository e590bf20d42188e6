"""Helpers shared by the quality services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def decimal_field(name: str, value: Any, *, allow_negative: bool = False) -> Decimal:
    try:
        number = Decimal(str(value).replace(",", ".").strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({name: [_("Cần nhập một số.")]}) from exc
    if not number.is_finite() or (number < 0 and not allow_negative):
        raise ValidationError({name: [_("Cần nhập một số không âm.")]})
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

"""Helpers shared by the logistics services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from catalog.models import Lot, Organization
from catalog.services.common import allocate_key, prefix_for
from core.forms import required_number
from core.numbers import QUANTITY


def err(name: str, message: str) -> ValidationError:
    return ValidationError({name: [message]})


def positive(name: str, value: Any) -> Decimal:
    """A quantity (Decimal from a form, plain number or text from the API), bounded by `core.numbers.QUANTITY`."""
    return required_number(name, value, QUANTITY, _("Số lượng phải là số lớn hơn 0.")).quantize(Decimal("0.001"))


def lot_of(value: Any, name: str = "lot") -> Lot:
    if isinstance(value, Lot):
        return value
    lot = Lot.objects.select_related("product__organization").filter(pk=value).first() if value else None
    if lot is None:
        raise err(name, _("Không tìm thấy lô hàng."))
    return lot


def allocate_sscc(organization: Organization, extension: int = 0) -> str:
    """The next SSCC (18 digits: extension digit, GS1 company prefix, serial reference, check digit) under the
    organisation's own prefix or the provincial one (`catalog.services.common.allocate_key`)."""
    return allocate_key(prefix_for(organization), "sscc", extension)


def fmt_qty(value: Decimal) -> str:
    """A quantity without trailing zeros or exponent: 400.000 -> "400", 12.500 -> "12.5"."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text

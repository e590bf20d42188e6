"""Checks of the sign-up form's organisation fields, worded for the person typing them."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from catalog.validators import validate_tax_code


def clean_tax_code(value: str) -> str:
    """The MST normalised, or why not: its shape, its check digit (a typo) or already registered."""
    try:
        code = validate_tax_code(value)
    except ValidationError as exc:
        if getattr(exc, "code", "") == "tax_code_branch":
            raise ValidationError(
                _("Mã số thuế chi nhánh không đúng: 3 chữ số cuối phải từ 001 đến 999."), code="tax_code_branch"
            ) from None
        raise ValidationError(
            _(
                "Mã số thuế không đúng: kiểm tra lại 10 hoặc 13 chữ số "
                "(chi nhánh: 10 chữ số, dấu gạch ngang, 3 chữ số)."
            ),
            code=getattr(exc, "code", "") or "tax_code",
        ) from None
    if apps.get_model("catalog", "Organization").objects.filter(tax_code=code).exists():
        raise ValidationError(_("Mã số thuế này đã được đăng ký."), code="tax_code_taken")
    return code

"""Helpers shared by the catalogue services."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from catalog.models import Gs1Sequence, Organization
from catalog.validators import validate_province, validate_ward
from gs1.keys import KeyExhausted, key_at


def validate_address(province_code: int, ward_code: int | None) -> None:
    validate_province(province_code)
    if ward_code is not None:
        try:
            validate_ward(province_code, ward_code)
        except ValidationError as exc:
            raise ValidationError({"ward_code": exc.messages}) from exc


def field(name: str, func: Any, value: Any) -> Any:
    """Run a validator and attach its error to the form/API field `name`."""
    try:
        return func(value)
    except ValidationError as exc:
        raise ValidationError({name: exc.messages}) from exc


def save_unique(instance: Any, messages: dict[str, str]) -> None:
    """Save, turning a uniqueness violation into a field error (the savepoint keeps the transaction usable)."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        text = str(exc).lower()
        for name, message in messages.items():
            if name in text:
                raise ValidationError({name: [message]}) from exc
        raise ValidationError(next(iter(messages.values()))) from exc


def allocate_key(prefix: str, key_type: str, extension: int = 0) -> str:
    """Allocate the next GTIN-13 ("gtin"), GLN ("gln"), SSCC ("sscc", after its `extension` digit) or GRAI-13 ("grai":
    an asset type, whose assets then take serials) under `prefix`.

    The prefix's `Gs1Sequence` row for the key type counts (locked: the caller holds a transaction); the
    digits are `gs1.keys.key_at`'s."""
    seq, _created = Gs1Sequence.objects.select_for_update().get_or_create(prefix=prefix, key_type=key_type)
    try:
        key = key_at(prefix, key_type, seq.next_value, extension)
    except KeyExhausted as exc:
        if key_type == "sscc":
            raise ValidationError(_("Đã hết mã SSCC dưới tiền tố GS1 %(prefix)s.") % {"prefix": prefix}) from exc
        raise ValidationError(_("Đã hết mã dưới tiền tố GS1 %(prefix)s.") % {"prefix": prefix}) from exc
    seq.next_value += 1
    seq.save(update_fields=["next_value"])
    return key


def prefix_for(org: Organization) -> str:
    """The organisation's own GS1 company prefix, or the provincial one."""
    return org.gs1_company_prefix or settings.TRUYXUAT_PROVINCIAL_GS1_PREFIX

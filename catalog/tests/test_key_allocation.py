"""The one key allocator (`catalog.services.common.allocate_key`): GTIN-13, GLN and SSCC from one counter per
prefix and key type, the digits from `gs1.keys.key_at`, and a Vietnamese refusal once a prefix is used up."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from catalog.models import Gs1Sequence
from catalog.services.common import allocate_key

pytestmark = pytest.mark.django_db


def test_each_key_type_counts_on_its_own():
    with transaction.atomic():
        assert allocate_key("893850123", "gtin") == "8938501230010"
        assert allocate_key("893850123", "gtin") == "8938501230027"
        assert allocate_key("893850123", "gln") == "8938501230010"
        assert allocate_key("893850123", "sscc", extension=1) == "189385012300000017"
    assert Gs1Sequence.objects.get(prefix="893850123", key_type="gtin").next_value == 3


@pytest.mark.parametrize(
    ("key_type", "last", "message"),
    [("gln", "8938501239990", "Đã hết mã dưới tiền tố GS1 893850123."), ("sscc", None, "Đã hết mã SSCC")],
)
def test_a_used_up_prefix_is_refused(key_type, last, message):
    capacity = 1000 if key_type == "gln" else 10_000_000
    Gs1Sequence.objects.create(prefix="893850123", key_type=key_type, next_value=capacity - 1)
    with transaction.atomic():
        key = allocate_key("893850123", key_type)
        assert last is None or key == last
        with pytest.raises(ValidationError, match=message):
            allocate_key("893850123", key_type)

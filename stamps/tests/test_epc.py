"""SGTIN-96 against the GS1 EPC Tag Data Standard's worked example, and round trips."""

from __future__ import annotations

import pytest
from biip.checksums import gs1_standard_check_digit
from hypothesis import given
from hypothesis import strategies as st

from stamps.epc import EpcError, decode_sgtin96, encode_sgtin96


def test_tds_example():
    # TDS: urn:epc:tag:sgtin-96:3.0614141.812345.6789 is 3074257BF7194E4000001A85 (GTIN 80614141123458).
    assert encode_sgtin96("80614141123458", "6789", company_prefix_length=7, filter_value=3) == (
        "3074257BF7194E4000001A85"
    )
    item = decode_sgtin96("3074257bf7194e4000001a85")
    assert (item.gtin, item.serial, item.filter, item.company_prefix_length) == ("80614141123458", "6789", 3, 7)
    assert item.pure_identity_uri == "urn:epc:id:sgtin:0614141.812345.6789"
    assert item.tag_uri == "urn:epc:tag:sgtin-96:3.0614141.812345.6789"


@given(
    cpl=st.integers(min_value=6, max_value=12),
    digits=st.from_regex(r"[0-9]{13}", fullmatch=True),
    serial=st.integers(min_value=0, max_value=2**38 - 1),
    filter_value=st.integers(min_value=0, max_value=7),
)
def test_round_trip_every_partition(cpl, digits, serial, filter_value):
    gtin = digits + str(gs1_standard_check_digit(digits))
    epc = encode_sgtin96(gtin, str(serial), cpl, filter_value)
    item = decode_sgtin96(epc)
    assert (item.gtin, item.serial, item.filter, item.company_prefix_length) == (gtin, str(serial), filter_value, cpl)


@pytest.mark.parametrize(
    ("gtin", "serial", "cpl"),
    [
        ("80614141123457", "1", 7),  # check digit
        ("80614141123458", "0123", 7),  # leading zero
        ("80614141123458", "A1", 7),  # alphanumeric
        ("80614141123458", str(2**38), 7),  # too large
        ("80614141123458", "1", 5),  # prefix length
    ],
)
def test_encode_refuses(gtin, serial, cpl):
    with pytest.raises(EpcError):
        encode_sgtin96(gtin, serial, cpl)


@pytest.mark.parametrize(
    "epc", ["3174257BF7194E4000001A85", "30", "307C257BF7194E4000001A85", "zz74257BF7194E4000001A85"]
)
def test_decode_refuses(epc):
    with pytest.raises(EpcError):
        decode_sgtin96(epc)

"""SGTIN-96, SSCC-96 and GRAI-96 against the GS1 EPC Tag Data Standard's examples, and round trips over every
partition.

The SGTIN-96 example is TDS 2.x Annex E's worked example. The SSCC-96 and GRAI-96 ones encode the TDS's own example
keys (§6.3.2 ``urn:epc:id:sscc:0614141.1234567890``, §6.3.4 ``urn:epc:id:grai:0614141.12345.400``); their hex
strings agree with an independent implementation's published test vectors (nedap/retail-epcpy).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gs1.binary import (
    EpcError,
    decode_grai96,
    decode_sgtin96,
    decode_sscc96,
    encode_grai96,
    encode_sgtin96,
    encode_sscc96,
)
from gs1.keys import with_check_digit

SWEEP = settings(max_examples=25, derandomize=True, deadline=None)


def test_tds_sgtin96_example():
    # TDS: urn:epc:tag:sgtin-96:3.0614141.812345.6789 is 3074257BF7194E4000001A85 (GTIN 80614141123458).
    assert encode_sgtin96("80614141123458", "6789", company_prefix_length=7, filter_value=3) == (
        "3074257BF7194E4000001A85"
    )
    item = decode_sgtin96("3074257bf7194e4000001a85")
    assert (item.gtin, item.serial, item.filter, item.company_prefix_length) == ("80614141123458", "6789", 3, 7)
    assert item.pure_identity_uri == "urn:epc:id:sgtin:0614141.812345.6789"
    assert item.tag_uri == "urn:epc:tag:sgtin-96:3.0614141.812345.6789"


@pytest.mark.parametrize(
    ("tag_uri", "sscc", "cpl", "filter_value", "hex_epc"),
    [
        ("urn:epc:tag:sscc-96:2.0614141.1234567890", "106141412345678908", 7, 2, "3154257BF4499602D2000000"),
        ("urn:epc:tag:sscc-96:2.061414.12345678901", "106141423456789018", 6, 2, "31583BF982DFDC1C35000000"),
        ("urn:epc:tag:sscc-96:0.061414123456.12345", "106141412345623458", 12, 0, "31003932449F003039000000"),
        ("urn:epc:tag:sscc-96:5.061414123456.00000", "006141412345600001", 12, 5, "31A03932449F000000000000"),
    ],
)
def test_sscc96_examples(tag_uri, sscc, cpl, filter_value, hex_epc):
    assert encode_sscc96(sscc, cpl, filter_value) == hex_epc
    unit = decode_sscc96(hex_epc.lower())
    assert (unit.sscc, unit.company_prefix_length, unit.filter, unit.tag_uri) == (sscc, cpl, filter_value, tag_uri)


@pytest.mark.parametrize(
    ("tag_uri", "grai", "serial", "cpl", "filter_value", "hex_epc"),
    [
        ("urn:epc:tag:grai-96:5.0614141.12345.400", "0614141123452", "400", 7, 5, "33B4257BF40C0E4000000190"),
        ("urn:epc:tag:grai-96:0.061414113245..0", "0614141132454", "0", 12, 0, "3300393243FF740000000000"),
        (
            "urn:epc:tag:grai-96:0.061414113245..274877906943",
            "0614141132454",
            "274877906943",
            12,
            0,
            "3300393243FF743FFFFFFFFF",
        ),
    ],
)
def test_grai96_examples(tag_uri, grai, serial, cpl, filter_value, hex_epc):
    assert encode_grai96(grai, serial, cpl, filter_value) == hex_epc
    assert encode_grai96("0" + grai, serial, cpl, filter_value) == hex_epc  # AI 8003's 14-digit start
    asset = decode_grai96(hex_epc)
    assert (asset.grai, asset.serial, asset.company_prefix_length, asset.filter) == (grai, serial, cpl, filter_value)
    assert asset.tag_uri == tag_uri
    assert asset.element_string == f"0{grai}{serial}"


@pytest.mark.parametrize("cpl", range(6, 13))  # every partition of every scheme
@SWEEP
@given(
    digits=st.from_regex(r"[0-9]{17}", fullmatch=True),
    serial=st.integers(min_value=0, max_value=2**38 - 1),
    filter_value=st.integers(min_value=0, max_value=7),
)
def test_round_trip_every_partition(cpl, digits, serial, filter_value):
    gtin = with_check_digit(digits[:13])
    item = decode_sgtin96(encode_sgtin96(gtin, str(serial), cpl, filter_value))
    assert (item.gtin, item.serial, item.filter, item.company_prefix_length) == (gtin, str(serial), filter_value, cpl)
    sscc = with_check_digit(digits)
    unit = decode_sscc96(encode_sscc96(sscc, cpl, filter_value))
    assert (unit.sscc, unit.filter, unit.company_prefix_length) == (sscc, filter_value, cpl)
    grai = with_check_digit(digits[:12])
    asset = decode_grai96(encode_grai96(grai, str(serial), cpl, filter_value))
    assert (asset.grai, asset.serial, asset.filter) == (grai, str(serial), filter_value)
    assert asset.company_prefix_length == cpl


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
def test_encode_sgtin96_refuses(gtin, serial, cpl):
    with pytest.raises(EpcError):
        encode_sgtin96(gtin, serial, cpl)


@pytest.mark.parametrize(
    "call",
    [
        lambda: encode_sscc96("106141412345678907", 7),  # check digit
        lambda: encode_sscc96("10614141234567890", 7),  # 17 digits
        lambda: encode_sscc96("106141412345678908", 13),  # prefix length
        lambda: encode_sscc96("106141412345678908", 7, 8),  # filter
        lambda: encode_grai96("0614141123453", "400", 7),  # check digit
        lambda: encode_grai96("0614141123452", "0400", 7),  # leading zero
        lambda: encode_grai96("0614141123452", "ABCD", 7),  # alphanumeric: GRAI-170
        lambda: encode_grai96("0614141123452", str(2**38), 7),  # too large
    ],
)
def test_encode_sscc96_grai96_refuse(call):
    with pytest.raises(EpcError):
        call()


@pytest.mark.parametrize(
    ("decode", "epc"),
    [
        (decode_sgtin96, "3174257BF7194E4000001A85"),  # header
        (decode_sgtin96, "30"),
        (decode_sgtin96, "307C257BF7194E4000001A85"),  # partition 7
        (decode_sgtin96, "zz74257BF7194E4000001A85"),
        (decode_sscc96, "3074257BF7194E4000001A85"),  # an SGTIN
        (decode_sscc96, "3154257BF4499602D2000001"),  # reserved bits set
        (decode_sscc96, "315C257BF4499602D2000000"),  # partition 7
        (decode_grai96, "3154257BF4499602D2000000"),  # an SSCC
        (decode_grai96, "33BC257BF40C0E4000000190"),  # partition 7
    ],
)
def test_decode_refuses(decode, epc):
    with pytest.raises(EpcError):
        decode(epc)

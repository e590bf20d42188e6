"""Check digits, key lengths, allocation arithmetic, and the one Digital Link builder."""

from __future__ import annotations

import pytest

from gs1.digital_link import build_path, parse_path, product_link, product_path
from gs1.identifiers import canonical_key, key_of, lot_key, parse_key
from gs1.keys import InvalidIdentifier, KeyExhausted, checked, company_prefix_length, key_at, key_capacity


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("gtin", "80614141123458"),  # GS1 General Specifications' examples
        ("gtin", "96385074"),
        ("gln", "0614141123452"),
        ("sscc", "106141412345678908"),
        ("gsrn", "106141412345678908"),
        ("grai", "0614141123452"),
    ],
)
def test_checked_keys(kind, value):
    assert checked(kind, value) == value
    wrong = value[:-1] + str((int(value[-1]) + 1) % 10)
    with pytest.raises(InvalidIdentifier):
        checked(kind, wrong)
    with pytest.raises(InvalidIdentifier):
        checked(kind, value + "0")


def test_key_at_allocates_gtin_gln_sscc():
    assert key_at("893850", "gtin", 0) == "8938500000003"
    assert key_at("893850", "gln", 42) == "8938500000423"
    assert key_at("893850", "sscc", 7, extension=3) == "389385000000000073"
    assert key_capacity("893850123", "gtin") == 1000
    assert key_at("893850123", "gtin", 999) == "8938501239990"
    with pytest.raises(KeyExhausted):
        key_at("893850123", "gtin", 1000)


def test_key_at_allocates_grai13s_as_asset_types():
    assert key_at("0614141", "grai", 12345) == "0614141123452"  # TDS §6.3.4's GRAI: asset type 12345
    assert key_capacity("061414112345", "grai") == 1  # a 12-digit prefix: one asset type, with no digit
    assert key_at("061414112345", "grai", 0) == "0614141123452"
    with pytest.raises(KeyExhausted):
        key_at("061414112345", "grai", 1)


def test_company_prefix_length():
    assert company_prefix_length("061414112345") == 7  # GS1 US 0614141: a 7-digit prefix
    assert company_prefix_length("893850100001", 9) == 9
    with pytest.raises(ValueError):
        company_prefix_length("893850100001", 13)


def test_builders():
    assert product_path("08938501000019", "L/1", "A 1") == "/01/08938501000019/10/L%2F1/21/A%201"
    assert product_path("08938501000019", "", None) == "/01/08938501000019"
    assert product_link("https://truyxuat.example/", "08938501000019", "L1") == (
        "https://truyxuat.example/01/08938501000019/10/L1"
    )
    assert build_path("414", "0614141123452", [("254", "a:b")], safe=":") == "/414/0614141123452/254/a:b"
    assert parse_path(product_path("08938501000019", "L/1")).lot == "L/1"


def test_lot_key_and_canonical_key_agree_with_every_spelling():
    key = lot_key("08938501000019", "L/1")
    assert key == "https://id.gs1.org/01/08938501000019/10/L%2F1"
    assert key_of("https://truyxuat.example/01/8938501000019/10/L%2F1") == key
    compressed = "https://truyxuat.example" + parse_path("/01/08938501000019/10/ABC123").compressed_path()
    assert parse_key(compressed).kind == "other"  # key_of reads URNs and uncompressed links only
    assert key_of(compressed) == compressed
    assert canonical_key(compressed) == lot_key("08938501000019", "ABC123")
    assert canonical_key("urn:epc:id:sscc:0614141.1234567890") == "https://id.gs1.org/00/106141412345678908"
    assert canonical_key("https://example.org/not-a-link-AAAAAA") == "https://example.org/not-a-link-AAAAAA"

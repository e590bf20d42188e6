import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gs1.identifiers import GS1Key, InvalidIdentifier, digital_link, epc_class_urn, epc_urn, key_of, parse_key


@pytest.mark.parametrize(
    ("urn", "link", "cpl"),
    [
        # GS1 Tag Data Standard examples
        ("urn:epc:id:sgtin:0614141.812345.6789", "https://id.gs1.org/01/80614141123458/21/6789", 7),
        ("urn:epc:id:sgtin:0614141.112345.400", "https://id.gs1.org/01/10614141123459/21/400", 7),
        ("urn:epc:id:sscc:0614141.1234567890", "https://id.gs1.org/00/106141412345678908", 7),
        ("urn:epc:id:sgln:0614141.12345.400", "https://id.gs1.org/414/0614141123452/254/400", 7),
        ("urn:epc:id:sgln:0614141.12345.0", "https://id.gs1.org/414/0614141123452", 7),
        ("urn:epc:class:lgtin:4012345.012345.998877", "https://id.gs1.org/01/04012345123456/10/998877", 7),
        ("urn:epc:idpat:sgtin:4012345.098765.*", "https://id.gs1.org/01/04012345987652", 7),
        ("urn:epc:id:pgln:4012345.00225", "https://id.gs1.org/417/4012345002256", 7),
        ("urn:epc:id:sgtin:0614141.812345.A%2FB", "https://id.gs1.org/01/80614141123458/21/A%2FB", 7),
    ],
)
def test_urn_digital_link_round_trip(urn: str, link: str, cpl: int):
    from_urn, from_link = parse_key(urn), parse_key(link)
    assert from_urn.key == from_link.key == link
    assert digital_link(from_urn) == link
    assert epc_urn(from_link, cpl) == urn


def test_tds_sgtin_fields():
    key = parse_key("urn:epc:id:sgtin:0614141.812345.6789")
    assert key == GS1Key("sgtin", "urn:epc:id:sgtin:0614141.812345.6789", gtin14="80614141123458", serial="6789")


def test_digital_link_any_host_and_short_gtin():
    a = parse_key("https://example.com/some/path/01/9521234543213/10/LOT1?17=201231")
    b = parse_key("https://id.gs1.org/01/09521234543213/10/LOT1")
    assert a.kind == b.kind == "lgtin"
    assert (a.gtin14, a.lot) == ("09521234543213", "LOT1")
    assert a.key == b.key
    assert (
        digital_link(a, base="https://truyxuat.example.vn/") == "https://truyxuat.example.vn/01/09521234543213/10/LOT1"
    )


def test_company_prefix_from_gs1_table():
    key = parse_key("https://id.gs1.org/01/80614141123458/21/6789")
    assert epc_urn(key) == "urn:epc:id:sgtin:0614141.812345.6789"
    assert epc_class_urn(parse_key("https://id.gs1.org/01/04012345123456/10/L1"), 7) == (
        "urn:epc:class:lgtin:4012345.012345.L1"
    )


@pytest.mark.parametrize(
    "bad",
    [
        "https://id.gs1.org/01/09521234543214/10/LOT1",
        "https://id.gs1.org/00/106141412345678909",
        "https://id.gs1.org/414/0614141123453",
        "urn:epc:id:sgtin:0614141.81234.6789",
    ],
)
def test_bad_check_digit_or_length_rejected(bad: str):
    with pytest.raises(InvalidIdentifier):
        parse_key(bad)
    assert key_of(bad) == bad


@pytest.mark.parametrize(
    "other",
    ["urn:epc:id:giai:4000001.111", "https://example.com/page", "urn:uuid:1234", "http://transaction.acme.com/po/1"],
)
def test_other_passes_through(other: str):
    key = parse_key(other)
    assert key.kind == "other"
    assert key.key == other


@settings(max_examples=40, derandomize=True, deadline=None)
@given(st.text(alphabet="0123456789", min_size=1, max_size=17))
def test_check_digit_as_biip(payload):
    from biip.checksums import gs1_standard_check_digit

    from gs1.keys import check_digit

    assert check_digit(payload) == gs1_standard_check_digit(payload)

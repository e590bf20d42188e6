"""Digital Link parsing and GS1 compression, against GS1's published examples."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gs1.compression import CompressionError, compress, decompress
from gs1.digital_link import InvalidLink, parse_path, parse_uri

# (compressed segment, uncompressed path): examples from GS1's Digital Link compression toolkit.
GS1_EXAMPLES = [
    ("AN2yxDhfaiaw", "/00/998440410914660971"),
    ("AQnYUc1gmg", "/01/05412345000013"),
    ("AQnYUc1gmiCNV4JG", "/01/05412345000013/10/ABC123"),
    ("AQnYUc1gmiCNV4JGQhcNT6K6c", "/01/05412345000013/10/ABC123/21/72292641703"),
    ("AQnYUc1gmiCNV4JGQhcNT6K6cibQCWN9Pee9tT-PQ", "/01/05412345000013/22/AJY3095721P49/10/ABC123/21/72292641703"),
    ("AQnYUc1gmkax7ipGrOHDPC5YNI8hMz", "/01/05412345000013/235/8TFV883a904GH%263"),
    ("AQnYUc1gmkIXDU-iun", "/01/05412345000013/21/72292641703"),
    ("JTLIetaiHYA", "/253/3060077601309"),
    ("JVUqG5hJ5wA", "/255/5678409730535"),
    ("QBl2DVoxZM2jVm3ZOWEFoxTR5HDgzZg", "/401/0541234537290A41%26GHpp33"),
    ("QUSaVjC_dA", "/414/5060917510004"),
    ("JUa0T-eifdtOO9UFEmlYwv3Q", "/414/5060917510004/254/RP56J920471"),
    ("QUSaVjC_dHBAVlCrg", "/414/5060917510004/7040/5KFX"),
    (
        "EEarwSMhC4an0V05E2gEsb6e897an8ewAMGAkftmjYEy",
        "/8006/054123450000130201/22/AJY3095721P49/10/ABC123/21/72292641703",
    ),
    ("gAMJCAXukTMA", "/8003/04965031954585"),
    ("gBCVYNWjFkzaNWbdk5YQWjFHHkM2cAI0xdvpGo", "/8010/0541234537290A41%23GH33/8011/6639047221"),
    ("gBe1ajAd9ATDmAGXPRfk", "/8017/817019610850151481/8019/4003812"),
]


def _pairs(path):
    from urllib.parse import unquote

    segs = path.strip("/").split("/")
    return [(segs[i], unquote(segs[i + 1])) for i in range(0, len(segs), 2)]


@pytest.mark.parametrize(("segment", "path"), GS1_EXAMPLES)
def test_gs1_compression_examples(segment, path):
    pairs, other = decompress(segment)
    assert sorted(pairs) == sorted(_pairs(path))
    assert other == {}
    assert compress(_pairs(path)) == segment


def test_optimisation_codes_and_foreign_pairs_decode():
    # 0B = GTIN + lot in one code; then a non-GS1 pair "ab"="cd" (F flag, 7-bit key length, 6-bit key).
    bits = "00001011" + format(5412345000013, "047b") + "010" + "00110" + "101010111100000100100011"
    bits += "1111" + format(2, "07b") + "011010" + "011011" + "001" + format(2, "07b") + "11001101"
    bits += "0" * (-len(bits) % 6)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    segment = "".join(alphabet[int(bits[i : i + 6], 2)] for i in range(0, len(bits), 6))
    assert decompress(segment) == ([("01", "05412345000013"), ("10", "ABC123")], {"ab": "cd"})


@pytest.mark.parametrize("segment", ["", "not base64!", "_____", "QUSaVjC", "AQnYUc1gmiCNV4JGQ"])
def test_bad_compressed_segments_raise(segment):
    with pytest.raises(CompressionError):
        decompress(segment)


@settings(max_examples=40, derandomize=True, deadline=None)
@given(
    lot=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._/", min_size=1, max_size=20),
    serial=st.from_regex(r"[1-9][0-9]{0,11}", fullmatch=True),
)
def test_compression_round_trips(lot, serial):
    pairs = [("01", "08938501000016"), ("10", lot), ("21", serial)]
    assert decompress(compress(pairs))[0] == pairs


@pytest.mark.parametrize(
    ("path", "canonical", "kind"),
    [
        ("/01/5412345000013/10/ABC123", "/01/05412345000013/10/ABC123", "lot"),
        ("/01/05412345000013/21/72292641703", "/01/05412345000013/21/72292641703", "item"),
        ("/01/96385074", "/01/00000096385074", "product"),  # GTIN-8
        ("/01/614141123452", "/01/00614141123452", "product"),  # GTIN-12
        ("/01/05412345000013/10/L%2F1", "/01/05412345000013/10/L%2F1", "lot"),
        ("/AQnYUc1gmiCNV4JG", "/01/05412345000013/10/ABC123", "lot"),
        ("/01/05412345000013/EEarwSM", "/01/05412345000013/10/ABC123", "lot"),
        ("/01/05412345000013/IQuGp9FdO", "/01/05412345000013/21/72292641703", "item"),
        ("/414/5060917510004", "/414/5060917510004", "location"),
        ("/00/998440410914660971", "/00/998440410914660971", "logistic_unit"),
    ],
)
def test_parse_forms(path, canonical, kind):
    link = parse_path(path)
    assert (link.path(), link.kind) == (canonical, kind)


def test_parse_keeps_attributes_and_lot_with_slash():
    link = parse_uri("https://portal.example/01/05412345000013/10/L%2F1?17=271231&linkType=all")
    assert (link.gtin, link.lot, link.attributes) == ("05412345000013", "L/1", {"17": "271231"})


@pytest.mark.parametrize(
    "path",
    [
        "/01/05412345000012",  # check digit
        "/01/123",
        "/01/05412345000013/10",
        "/414/5060917510005",
        "/00/998440410914660972",
        "/tim-kiem",
        "/8004/0541234537290A41",  # a key we do not resolve
    ],
)
def test_invalid_links(path):
    with pytest.raises(InvalidLink):
        parse_path(path)


def test_compressed_path_of_a_link():
    link = parse_path("/01/05412345000013/10/ABC123")
    assert link.compressed_path() == "/AQnYUc1gmiCNV4JG"
    assert parse_path(link.compressed_path()) == parse_path("/01/05412345000013/10/ABC123").__class__(
        primary="01", key="05412345000013", qualifiers={"10": "ABC123"}, compressed=True
    )

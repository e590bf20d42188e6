import pytest
from django.core.exceptions import ValidationError

from catalog.demo import plot_polygon
from catalog.validators import (
    geodesic_area_ha,
    normalize_gtin,
    validate_gln,
    validate_polygon,
    validate_tax_code,
    validate_ward,
)


@pytest.mark.parametrize("value", ["0314409058", "0314409058-002", " 0100109106 "])
def test_valid_tax_codes(value):
    assert validate_tax_code(value) == value.strip()


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("0314409059", "tax_code_check_digit"),
        ("031440905", "tax_code_format"),
        ("0314409058-00", "tax_code_format"),
        ("0314409058-000", "tax_code_branch"),
        ("03144O9058", "tax_code_format"),
        ("", "tax_code_format"),
    ],
)
def test_invalid_tax_codes(value, code):
    with pytest.raises(ValidationError) as info:
        validate_tax_code(value)
    assert info.value.code == code


@pytest.mark.parametrize(
    ("value", "gtin14"),
    [
        ("8934567000017", "08934567000017"),
        ("96385074", "00000096385074"),
        ("614141000036", "00614141000036"),
        ("08934567000017", "08934567000017"),
    ],
)
def test_gtin_normalised_to_14(value, gtin14):
    assert normalize_gtin(value) == gtin14


@pytest.mark.parametrize("value", ["8934567000018", "12345", "abcdefghijklm", ""])
def test_bad_gtin(value):
    with pytest.raises(ValidationError):
        normalize_gtin(value)


def test_gln_check_digit():
    assert validate_gln("8930000000019") == "8930000000019"
    with pytest.raises(ValidationError, match="sai chữ số kiểm tra"):
        validate_gln("8930000000018")
    with pytest.raises(ValidationError, match="13 chữ số"):
        validate_gln("893000000001")


def test_ward_must_belong_to_province():
    assert validate_ward(51, 23425).name == "Xã Tu Mơ Rông"
    with pytest.raises(ValidationError, match="không thuộc tỉnh"):
        validate_ward(1, 23425)
    with pytest.raises(ValidationError, match="không tồn tại"):
        validate_ward(51, 99999999)


def test_one_hectare_square_near_equator():
    side = 100 / 111_320  # degrees of 100 m at the equator
    ring = [(0, 0), (side, 0), (side, side), (0, side), (0, 0)]
    assert geodesic_area_ha(ring) == pytest.approx(1.0, rel=0.01)


def test_polygon_area_matches_construction():
    geometry, area = validate_polygon(plot_polygon(14.9, 107.9, 2.5))
    assert area == pytest.approx(2.5, rel=0.08)
    assert geometry["type"] == "Polygon"


def test_self_intersecting_polygon_refused():
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[107.9, 14.9], [107.91, 14.91], [107.91, 14.9], [107.9, 14.91], [107.9, 14.9]]],
    }
    with pytest.raises(ValidationError) as info:
        validate_polygon(bowtie)
    assert info.value.code == "geometry_invalid"


@pytest.mark.parametrize(
    "geojson",
    [
        {"type": "Point", "coordinates": [107.9, 14.9]},
        {"type": "Polygon", "coordinates": [[[200, 14.9], [201, 14.9], [201, 15], [200, 14.9]]]},
        "not a dict",
    ],
)
def test_bad_geometries_refused(geojson):
    with pytest.raises(ValidationError):
        validate_polygon(geojson)


def test_messages_in_english_when_asked():
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError) as info:
        validate_tax_code("0314409059")
    assert info.value.messages == ["Tax code 0314409059 has a wrong check digit."]
    with translation.override("vi"), pytest.raises(ValidationError) as info:
        validate_tax_code("0314409059")
    assert info.value.messages == ["Mã số thuế 0314409059 sai chữ số kiểm tra."]

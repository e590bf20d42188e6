import pytest
from django.core.exceptions import ValidationError

from catalog.validators import (
    geodesic_area_ha,
    normalize_gtin,
    validate_gln,
    validate_polygon,
    validate_tax_code,
    validate_ward,
)
from demo.catalog import plot_polygon


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


@pytest.mark.parametrize("value", ["A1", " TH251201-1 ", "a.b_c/d-e", "X" * 20])
def test_valid_lot_codes(value):
    from catalog.validators import validate_lot_code

    assert validate_lot_code(value) == value.strip()


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        ("L\x00T", "lot_code_charset", "Số lô có ký tự U+0000, không thuộc bộ ký tự GS1 cho số lô (AI 10)."),
        ("L\tT", "lot_code_charset", "Số lô có ký tự U+0009, không thuộc bộ ký tự GS1 cho số lô (AI 10)."),
        ("lô1", "lot_code_charset", "Số lô có ký tự 'ô', không thuộc bộ ký tự GS1 cho số lô (AI 10)."),
        ("A#1", "lot_code_charset", "Số lô có ký tự '#', không thuộc bộ ký tự GS1 cho số lô (AI 10)."),
        ("A%1", "lot_code_format", "Số lô gồm 1–20 ký tự: chữ không dấu, chữ số và - . _ /."),  # set 82, not ours
        ("", "lot_code_format", "Số lô gồm 1–20 ký tự: chữ không dấu, chữ số và - . _ /."),
        ("X" * 21, "lot_code_format", "Số lô gồm 1–20 ký tự: chữ không dấu, chữ số và - . _ /."),
    ],
)
def test_invalid_lot_codes(value, code, message):
    from catalog.validators import validate_lot_code

    with pytest.raises(ValidationError) as info:
        validate_lot_code(value)
    assert (info.value.code, info.value.messages) == (code, [message])


def test_codes_refuse_control_characters():
    from catalog.validators import validate_code_text

    assert validate_code_text("VT-51-DHA-0101") == "VT-51-DHA-0101"
    for bad in ("VT\x00", "VT\n1", "VT\x7f", "VT\x85"):
        with pytest.raises(ValidationError) as info:
            validate_code_text(bad)
        assert info.value.code == "control_character"
    with pytest.raises(ValidationError):
        validate_code_text("X" * 101)


@pytest.mark.django_db
def test_lot_with_a_nul_byte_in_its_code_is_refused_and_not_stored(producer, organization):
    import datetime as dt

    from catalog.models import Lot
    from catalog.services import create_lot
    from catalog.tests.factories import ProductFactory

    product = ProductFactory(organization=organization)
    data = {"lot_code": "A\x001", "production_date": dt.date(2026, 11, 1), "quantity": "10"}
    with pytest.raises(ValidationError) as info:
        create_lot(actor=producer, product=product, data=data)
    assert info.value.message_dict == {
        "lot_code": ["Số lô có ký tự U+0000, không thuộc bộ ký tự GS1 cho số lô (AI 10)."]
    }
    assert Lot.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("latitude", "longitude"), [("abc", "108"), ("14.5", "\u00fd&"), ("NaN", "108"), ("1e999", "1")]
)
def test_facility_coordinates_that_are_not_numbers_are_refused(producer, organization, latitude, longitude):
    from catalog.models import Facility
    from catalog.services import create_facility

    data = {"name": "Kho", "kind": "warehouse", "latitude": latitude, "longitude": longitude}
    with pytest.raises(ValidationError) as info:
        create_facility(actor=producer, organization=organization, data=data)
    assert info.value.message_dict == {"latitude": ["Toạ độ nằm ngoài phạm vi WGS84."]}
    assert Facility.objects.count() == 0

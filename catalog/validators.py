"""Validators for Vietnamese tax codes, GS1 keys, administrative units and growing-area polygons."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

from biip import ParseError
from biip.gln import Gln
from biip.gtin import Gtin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from vietnam_provinces import Province, ProvinceCode, Ward, WardCode

from gs1.keys import with_check_digit  # noqa: F401  (re-exported: demo/ imports it from here)

if TYPE_CHECKING:  # shapely loads on the first boundary checked, not at start-up
    from shapely.geometry import Polygon

TAX_CODE_RE = re.compile(r"^(\d{10})(?:-(\d{3}))?$")
_MST_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
EARTH_RADIUS_M = 6378137.0


def tax_code_check_digit(first_nine: str) -> int | None:
    """The 10th digit of a Vietnamese MST; None when no digit can be valid (remainder 0)."""
    total = sum(w * int(d) for w, d in zip(_MST_WEIGHTS, first_nine, strict=True))
    check = 10 - total % 11
    return None if check == 10 else check


def validate_tax_code(value: str) -> str:
    """A Vietnamese MST: 10 digits with a valid check digit, or 10-3 for a branch. Returns it normalised."""
    value = (value or "").strip().replace(" ", "")
    match = TAX_CODE_RE.match(value)
    if not match:
        raise ValidationError(
            _("Mã số thuế phải gồm 10 chữ số, hoặc 10 chữ số, dấu gạch ngang và 3 chữ số (chi nhánh)."),
            code="tax_code_format",
        )
    base = match.group(1)
    if tax_code_check_digit(base[:9]) != int(base[9]):
        raise ValidationError(
            _("Mã số thuế %(value)s sai chữ số kiểm tra.") % {"value": value}, code="tax_code_check_digit"
        )
    if match.group(2) == "000":
        raise ValidationError(_("Số thứ tự chi nhánh phải từ 001 đến 999."), code="tax_code_branch")
    return value


GS1_CSET_82 = frozenset("!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz")
"""GS1 AI encodable character set 82 (GS1 General Specifications, figure 7.11-1): what AI (10), a batch or lot
number of 1-20 characters, may hold."""
LOT_CODE_MAX = 20
LOT_CODE_ALLOWED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._/")
"""The part of set 82 this platform takes in lot codes: letters, digits and - . _ / (safe in a Digital Link path)."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _shown(char: str) -> str:
    return repr(char) if char.isprintable() else f"U+{ord(char):04X}"


def validate_code_text(value: str, max_length: int = 100) -> str:
    """A catalogue code (growing area, facility…): no control characters (NUL, line breaks…) and not too long."""
    match = _CONTROL.search(value)
    if match:
        raise ValidationError(
            _("Mã chứa ký tự điều khiển không được phép (%(char)s).") % {"char": _shown(match.group())},
            code="control_character",
        )
    if len(value) > max_length:
        raise ValidationError(_("Mã dài quá %(max)s ký tự.") % {"max": max_length}, code="too_long")
    return value


def validate_lot_code(value: str) -> str:
    """A lot code: 1-20 characters of GS1 AI encodable character set 82 (AI 10), among them only letters, digits
    and - . _ / (the platform's choice). Returns it stripped; the message names the first character refused."""
    code = (value or "").strip()
    bad = next((c for c in code if c not in GS1_CSET_82), None)
    if bad is not None:
        raise ValidationError(
            _("Số lô có ký tự %(char)s, không thuộc bộ ký tự GS1 cho số lô (AI 10).") % {"char": _shown(bad)},
            code="lot_code_charset",
        )
    if not code or len(code) > LOT_CODE_MAX or not set(code) <= LOT_CODE_ALLOWED:
        raise ValidationError(_("Số lô gồm 1–20 ký tự: chữ không dấu, chữ số và - . _ /."), code="lot_code_format")
    return code


def normalize_gtin(value: str) -> str:
    """A GTIN-8/12/13/14 with a valid check digit, returned as GTIN-14."""
    value = (value or "").strip()
    try:
        return Gtin.parse(value).as_gtin_14()
    except ParseError as exc:
        raise ValidationError(_("GTIN không hợp lệ: %(reason)s") % {"reason": exc}, code="gtin") from exc


def validate_gln(value: str) -> str:
    """A 13-digit GLN with a valid check digit."""
    value = (value or "").strip()
    if not re.fullmatch(r"\d{13}", value):
        raise ValidationError(_("GLN phải gồm đúng 13 chữ số."), code="gln_format")
    try:
        Gln.parse(value)
    except ParseError as exc:
        raise ValidationError(_("GLN %(value)s sai chữ số kiểm tra.") % {"value": value}, code="gln") from exc
    return value


def validate_province(code: int) -> Province:
    try:
        return Province.from_code(ProvinceCode(code))
    except Exception as exc:  # the library raises its own lookup errors
        raise ValidationError(_("Mã tỉnh/thành phố %(code)s không tồn tại.") % {"code": code}) from exc


def ward_name(code: int | None) -> str:
    """A commune's name by its code, for pages and documents (an unknown code shows as itself; none as "")."""
    if not code:
        return ""
    try:
        return Ward.from_code(WardCode(code)).name
    except (ValueError, KeyError):
        return str(code)


def validate_ward(province_code: int, ward_code: int) -> Ward:
    """A commune/ward that exists today (after the 2025 reform) and lies in the given province."""
    try:
        ward = Ward.from_code(WardCode(ward_code))
    except Exception as exc:
        raise ValidationError(_("Mã xã/phường %(code)s không tồn tại.") % {"code": ward_code}) from exc
    if int(ward.province_code) != int(province_code):
        raise ValidationError(
            _("Xã/phường %(ward)s không thuộc tỉnh/thành phố đã chọn.") % {"ward": ward.name},
            code="ward_province",
        )
    return ward


def geodesic_area_ha(ring: list[tuple[float, float]]) -> float:
    """Area in hectares of a (lon, lat) ring on the WGS84 sphere (Chamberlain & Duquette)."""
    total = 0.0
    n = len(ring)
    for i in range(n):
        lon1, lat1 = ring[i]
        lon2, lat2 = ring[(i + 1) % n]
        total += math.radians(lon2 - lon1) * (2 + math.sin(math.radians(lat1)) + math.sin(math.radians(lat2)))
    return abs(total * EARTH_RADIUS_M * EARTH_RADIUS_M / 2.0) / 10_000.0


def polygon_area_ha(polygon: Polygon) -> float:
    area = geodesic_area_ha(list(polygon.exterior.coords))
    for hole in polygon.interiors:
        area -= geodesic_area_ha(list(hole.coords))
    return area


def validate_polygon(geojson: dict[str, Any]) -> tuple[dict[str, Any], float]:
    """A GeoJSON Polygon or MultiPolygon in WGS84 (lon, lat), valid and not self-intersecting.

    Returns the geometry with coordinates rounded to 6 decimals (about 10 cm) and its area in ha.
    """
    from shapely.geometry import shape  # shapely (and numpy) load on the first boundary, not at start-up
    from shapely.validation import explain_validity

    if not isinstance(geojson, dict) or geojson.get("type") not in {"Polygon", "MultiPolygon"}:
        raise ValidationError(_("Ranh giới phải là GeoJSON kiểu Polygon hoặc MultiPolygon."), code="geometry_type")
    try:
        geometry = shape(geojson)
    except Exception as exc:
        raise ValidationError(_("Toạ độ ranh giới không đọc được."), code="geometry_parse") from exc
    if geometry.is_empty:
        raise ValidationError(_("Ranh giới không có điểm nào."), code="geometry_empty")
    minx, miny, maxx, maxy = geometry.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise ValidationError(
            _("Toạ độ phải là kinh độ, vĩ độ WGS84 (kinh độ −180…180, vĩ độ −90…90)."), code="geometry_range"
        )
    if not geometry.is_valid:
        raise ValidationError(
            _("Ranh giới không hợp lệ (tự cắt hoặc chồng lấn): %(reason)s") % {"reason": explain_validity(geometry)},
            code="geometry_invalid",
        )
    polygons = list(geometry.geoms) if geometry.geom_type == "MultiPolygon" else [geometry]
    area = sum(polygon_area_ha(p) for p in polygons)
    if area <= 0:
        raise ValidationError(_("Ranh giới có diện tích bằng 0."), code="geometry_area")

    def _round(coords: Any) -> Any:
        if isinstance(coords, list | tuple) and coords and isinstance(coords[0], int | float):
            return [round(float(c), 6) for c in coords]
        return [_round(c) for c in coords]

    return {"type": geojson["type"], "coordinates": _round(geojson["coordinates"])}, area

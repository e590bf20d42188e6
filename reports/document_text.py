"""The texts of an administrative document's header lines (Decree 30/2020/NĐ-CP, Appendix I): the number and
symbol, the date in words, the superior body, an agency's abbreviation, the node's province. Pure text, no
ReportLab, so the spreadsheets, services and signers that need a line do not load the PDF engine
(`reports.admin_document` lays the lines out)."""

from __future__ import annotations

import datetime as dt
import unicodedata

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


def vn_upper(text: str) -> str:
    """Capitals of Vietnamese text ('Sở Khoa học' → 'SỞ KHOA HỌC'), in precomposed form."""
    return unicodedata.normalize("NFC", text).upper()


def number_text(number: int | None, symbol: str) -> str:
    """'01/BC-SKHCN' (numbers below 10 take a leading zero); blank room before the slash when not numbered yet."""
    return f"{number:02d}/{symbol}" if number else f"{' ' * 6}/{symbol}"


def date_words(day: dt.date) -> str:
    """'ngày 05 tháng 01 năm 2027': days below 10 and months 1–2 take a leading zero, other months do not."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def date_line(place: str, day: dt.date) -> str:
    """'Quảng Ngãi, ngày 06 tháng 12 năm 2026'."""
    return f"{place}, {date_words(day)}"


def superior_line(province: str) -> str:
    """'Quảng Ngãi' → 'UBND TỈNH QUẢNG NGÃI'; 'Thành phố Đà Nẵng' → 'UBND THÀNH PHỐ ĐÀ NẴNG'."""
    name = province.strip()
    if name.lower().startswith("thành phố "):
        return vn_upper(f"UBND {name}")
    return vn_upper(f"UBND TỈNH {name.removeprefix('Tỉnh ').removeprefix('tỉnh ')}")


def abbreviation(name: str) -> str:
    """'Sở Khoa học và Công nghệ' → 'SKHCN' (initials without diacritics; 'và' and 'tỉnh' dropped)."""
    words = [w for w in name.split() if w.lower() not in {"và", "tỉnh"}]
    letters = "".join(w[0] for w in words if w and w[0].isalpha()).upper().replace("Đ", "D")
    return unicodedata.normalize("NFD", letters).encode("ascii", "ignore").decode() or "CQ"


def local_province() -> tuple[str, str]:
    """(name for the header, place name) of this node's province: ('Quảng Ngãi', 'Quảng Ngãi'),
    ('Thành phố Đà Nẵng', 'Đà Nẵng')."""
    from django.conf import settings
    from vietnam_provinces import Province, ProvinceCode

    name = str(Province.from_code(ProvinceCode(settings.TRUYXUAT_PROVINCE_CODE)).name)
    place = name.removeprefix("Thành phố ").removeprefix("Tỉnh ")
    return name, place

"""The Decree 30/2020/NĐ-CP layout: header lines, number, date, signer, recipients, page numbers, embedded fonts."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph

from reports import admin_document as ad
from reports import document_text


def _document(paragraphs: int = 30, **overrides: Any) -> ad.AdminDocument:
    s = ad.styles()
    body = [Paragraph("I. KẾT QUẢ TRIỂN KHAI", s["heading"])]
    body += [
        Paragraph(
            f"Đoạn {i + 1}: Sở Khoa học và Công nghệ báo cáo kết quả truy xuất nguồn gốc trên địa bàn tỉnh.", s["body"]
        )
        for i in range(paragraphs)
    ]
    fields: dict[str, Any] = {
        "province": "Quảng Ngãi",
        "agency": "Sở Khoa học và Công nghệ",
        "number": 1,
        "symbol": "BC-SKHCN",
        "place": "Quảng Ngãi",
        "date": dt.date(2026, 12, 6),
        "title": "Báo cáo",
        "summary": "Kết quả triển khai truy xuất nguồn gốc quý IV năm 2026",
        "body": body,
        "signer": ad.Signer(title="Phó Giám đốc", name="Nguyễn Văn An", on_behalf_of="KT. Giám đốc"),
        "recipients": ["UBND tỉnh (để báo cáo)", "Bộ Khoa học và Công nghệ;"],
    }
    fields.update(overrides)
    return ad.AdminDocument(**fields)


def _lines(page: Any) -> list[str]:
    return [line.strip() for line in page.extract_text().splitlines() if line.strip()]


def test_first_page_carries_the_decree_header_and_the_last_the_signer():
    reader = PdfReader(io.BytesIO(ad.render(_document())))
    assert len(reader.pages) == 2
    first = _lines(reader.pages[0])
    assert first[:7] == [
        "UBND TỈNH QUẢNG NGÃI",
        "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 01/BC-SKHCN",
        "Quảng Ngãi, ngày 06 tháng 12 năm 2026",
        "BÁO CÁO",
    ]
    assert first[7] == "Kết quả triển khai truy xuất nguồn gốc quý IV năm 2026"
    last = _lines(reader.pages[-1])
    assert last[-7:] == [
        "Nơi nhận:",
        "- UBND tỉnh (để báo cáo);",
        "- Bộ Khoa học và Công nghệ;",
        "- Lưu: VT.",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Nguyễn Văn An",
    ]
    assert reader.metadata is not None and reader.metadata.title == (
        "BÁO CÁO Kết quả triển khai truy xuất nguồn gốc quý IV năm 2026"
    )


def _positions(page: Any) -> dict[str, tuple[float, float, float]]:
    """Each text run drawn on the page: (x, y, font size)."""
    found: dict[str, tuple[float, float, float]] = {}

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if text.strip():
            x, y = tm[4] * cm[0] + tm[5] * cm[2] + cm[4], tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.setdefault(text.strip(), (x, y, size))

    page.extract_text(visitor_text=visit)
    return found


def test_boxes_sit_where_the_decree_puts_them():
    reader = PdfReader(io.BytesIO(ad.render(_document(paragraphs=1))))
    at = _positions(reader.pages[0])
    middle = ad.LEFT + ad.HEADER_LEFT
    # Box 2 on the left, box 1 on the right, each line centred in its box.
    for text, box_left, box_width in [
        ("UBND TỈNH QUẢNG NGÃI", ad.LEFT, ad.HEADER_LEFT),
        ("SỞ KHOA HỌC VÀ CÔNG NGHỆ", ad.LEFT, ad.HEADER_LEFT),
        ("Số: 01/BC-SKHCN", ad.LEFT, ad.HEADER_LEFT),
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", middle, ad.HEADER_RIGHT),
        ("Độc lập - Tự do - Hạnh phúc", middle, ad.HEADER_RIGHT),
        ("Quảng Ngãi, ngày 06 tháng 12 năm 2026", middle, ad.HEADER_RIGHT),
    ]:
        x, _y, size = at[text]
        width = ad.pdfmetrics.stringWidth(text, ad.FONT_BOLD if text.isupper() else ad.FONT, size)
        assert box_left <= x and x + width <= box_left + box_width + 1, text
    assert at["UBND TỈNH QUẢNG NGÃI"][2] == at["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"][2] == 12
    assert at["Độc lập - Tự do - Hạnh phúc"][2] == 13
    assert at["Số: 01/BC-SKHCN"][1] == at["Quảng Ngãi, ngày 06 tháng 12 năm 2026"][1]  # one line
    assert at["BÁO CÁO"][2] == 14
    # Recipients bottom left, signer bottom right.
    assert at["Nơi nhận:"][0] == pytest.approx(ad.LEFT, abs=0.01)
    assert at["Nơi nhận:"][2] == 12 and at["- Lưu: VT."][2] == 11
    assert at["KT. GIÁM ĐỐC"][0] > middle and at["Nguyễn Văn An"][0] > middle
    assert abs(at["KT. GIÁM ĐỐC"][1] - at["Nơi nhận:"][1]) < 2  # both start at the top of the closing block
    assert at["PHÓ GIÁM ĐỐC"][1] - at["Nguyễn Văn An"][1] > ad.SIGNATURE_SPACE  # room for signature and seal


def _page_number_positions(page: Any) -> list[tuple[str, float, float]]:
    found: list[tuple[str, float, float]] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if text.strip().isdigit() and size == ad.PAGE_NUMBER_SIZE:
            found.append((text.strip(), tm[4], tm[5]))

    page.extract_text(visitor_text=visit)
    return found


def test_page_numbers_from_page_two_centred_in_the_top_margin():
    reader = PdfReader(io.BytesIO(ad.render(_document(paragraphs=70))))
    assert len(reader.pages) == 5
    assert _page_number_positions(reader.pages[0]) == []
    height = float(reader.pages[1].mediabox.height)
    for index in (1, 2, 3, 4):
        [(text, x, y)] = _page_number_positions(reader.pages[index])
        assert text == str(index + 1)
        assert height - ad.TOP < y < height  # inside the top margin
        centre = ad.LEFT + ad.TEXT_WIDTH / 2
        assert x == pytest.approx(centre - 6.5 / 2, abs=0.5)  # one digit of 13 pt, centred on the text area
        assert _lines(reader.pages[index])[0] == str(index + 1)


def test_only_liberation_serif_is_used_and_embedded():
    reader = PdfReader(io.BytesIO(ad.render(_document(paragraphs=70))))
    fonts: set[str] = set()
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            assert font["/Subtype"] == "/TrueType"
            assert "/FontFile2" in font["/FontDescriptor"].get_object()  # embedded
            fonts.add(str(font["/BaseFont"]).split("+", 1)[1])
    assert fonts == {
        "LiberationSerif",
        "LiberationSerif-Bold",
        "LiberationSerif-Italic",
        "LiberationSerif-BoldItalic",
    }


def test_margins_of_the_decree():
    in_mm = [round(v / mm, 3) for v in (*ad.PAGE_SIZE, ad.TOP, ad.BOTTOM, ad.LEFT, ad.RIGHT)]
    assert in_mm == [210, 297, 20, 20, 30, 20]  # A4; top, bottom 20–25; left 30–35; right 15–20
    assert 13 <= ad.BODY_SIZE <= 14 and 13 <= ad.PAGE_NUMBER_SIZE <= 14


def test_draft_number_signer_without_authority_and_superior_override():
    doc = _document(
        paragraphs=1,
        number=None,
        signer=ad.Signer(title="Giám đốc", name="Trần Thị Bình"),
        recipients=[],
        archive="VT, TĐC",
        superior="Bộ Khoa học và Công nghệ",
    )
    lines = _lines(PdfReader(io.BytesIO(ad.render(doc))).pages[0])
    assert lines[0] == "BỘ KHOA HỌC VÀ CÔNG NGHỆ"
    assert "Số: /BC-SKHCN" in lines
    assert lines[-4:] == ["Nơi nhận:", "- Lưu: VT, TĐC.", "GIÁM ĐỐC", "Trần Thị Bình"]
    assert "KT." not in " ".join(lines)


def test_wording_helpers():
    assert document_text.number_text(1, "BC-SKHCN") == "01/BC-SKHCN"
    assert document_text.number_text(9, "QĐ-SKHCN") == "09/QĐ-SKHCN"
    assert document_text.number_text(12, "BC-SKHCN") == "12/BC-SKHCN"
    assert document_text.number_text(None, "BC-SKHCN") == "      /BC-SKHCN"
    assert document_text.date_words(dt.date(2027, 1, 5)) == "ngày 05 tháng 01 năm 2027"
    assert document_text.date_words(dt.date(2026, 3, 9)) == "ngày 09 tháng 3 năm 2026"
    assert document_text.date_line("Quảng Ngãi", dt.date(2026, 12, 6)) == "Quảng Ngãi, ngày 06 tháng 12 năm 2026"
    assert document_text.superior_line("Quảng Ngãi") == "UBND TỈNH QUẢNG NGÃI"
    assert document_text.superior_line("Tỉnh Quảng Ngãi") == "UBND TỈNH QUẢNG NGÃI"
    assert document_text.superior_line("Thành phố Đà Nẵng") == "UBND THÀNH PHỐ ĐÀ NẴNG"
    assert document_text.abbreviation("Sở Khoa học và Công nghệ") == "SKHCN"
    assert document_text.abbreviation("Sở Nông nghiệp và Môi trường") == "SNNMT"
    assert document_text.vn_upper("Sở Khoa học và Công nghệ") == "SỞ KHOA HỌC VÀ CÔNG NGHỆ"


def test_local_province_from_settings(settings):
    settings.TRUYXUAT_PROVINCE_CODE = 51
    assert document_text.local_province() == ("Quảng Ngãi", "Quảng Ngãi")
    settings.TRUYXUAT_PROVINCE_CODE = 48
    assert document_text.local_province() == ("Thành phố Đà Nẵng", "Đà Nẵng")

"""Administrative documents laid out as Decree 30/2020/NĐ-CP, Appendix I prescribes (thể thức văn bản hành chính).

Any app that prints a document of an agency (periodic report, recall decision, public notice…) describes it with
:class:`AdminDocument` and renders it with :func:`render`; the body is a list of ReportLab flowables set in the
styles of :func:`styles`::

    from reports.admin_document import AdminDocument, Signer, render, styles
    s = styles()
    doc = AdminDocument(
        province="Quảng Ngãi",                       # → "UBND TỈNH QUẢNG NGÃI" (superior= overrides the line)
        agency="Sở Khoa học và Công nghệ",          # → "SỞ KHOA HỌC VÀ CÔNG NGHỆ", bold, short rule under it
        number=1, symbol="BC-SKHCN",                 # → "Số: 01/BC-SKHCN" (number=None leaves it blank)
        place="Quảng Ngãi", date=dt.date(2026, 12, 6),  # → "Quảng Ngãi, ngày 06 tháng 12 năm 2026", italic
        title="BÁO CÁO", summary="Kết quả triển khai …",  # kind of document, its summary (trích yếu) with a rule
        body=[Paragraph("I. KẾT QUẢ", s["heading"]), Paragraph("…", s["body"])],
        signer=Signer(title="PHÓ GIÁM ĐỐC", name="Nguyễn Văn A", on_behalf_of="KT. GIÁM ĐỐC"),
        recipients=["UBND tỉnh (để báo cáo)", "Bộ Khoa học và Công nghệ"],  # "- …;" lines, then "- Lưu: VT."
    )
    pdf: bytes = render(doc)

What the layout follows (Appendix I, parts I–II, and its diagram of positions, part IV):

- A4 portrait; margins top and bottom 20 mm, left 30 mm, right 20 mm (the decree allows 20–25, 30–35, 15–20).
- Times New Roman, black: the bundled Liberation Serif (metric-compatible, SIL OFL 1.1, `reports/fonts/`),
  regular, bold, italic and bold italic, embedded in the PDF (:data:`FONT`, :data:`FONT_BOLD`, …).
- Top left (box 2): the superior body in capitals, size 12, upright ("UBND TỈNH QUẢNG NGÃI"); under it the issuing
  agency in capitals, size 12, bold, centred under the first line; under that a solid rule 1/3–1/2 as long as the
  agency's line (here 40 %). Top right (box 1): "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in capitals, size 12, bold;
  "Độc lập - Tự do - Hạnh phúc" size 13, bold, with a solid rule as long as that line.
- Under the agency (box 3): "Số: 01/BC-SKHCN", size 13; numbers below 10 take a leading zero. Under the motto
  (box 4): place and date in italics, size 13; days below 10 and months 1–2 take a leading zero.
- The kind of document (box 5a) in capitals, size 14, bold, centred; its summary below it, size 14, bold, with a
  rule 1/3–1/2 as long as the line. Body (box 6) size 13, justified, first lines indented 1 cm, 6 pt between
  paragraphs, line spacing 1.2.
- Signer (boxes 7a–7c) on the right: the authority ("KT. GIÁM ĐỐC") and title ("PHÓ GIÁM ĐỐC") in capitals,
  size 13, bold; room for the signature and seal; the name, size 13, bold. "Nơi nhận:" (box 9a–9b) on the left,
  size 12, bold italic; each recipient on its own line "- …;" size 11; the last line "- Lưu: VT…." .
- Page numbers from page 2 (the first page has none), Arabic numerals, size 13, centred in the top margin.

Other helpers: :func:`register_fonts`; the texts of the header lines (number, date, superior body, abbreviation,
the node's province) are in :mod:`reports.document_text`, which loads no ReportLab.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm, mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    HRFlowable,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from reports.document_text import MOTTO, NATIONAL_TITLE, date_line, number_text, superior_line, vn_upper

FONT_DIR = Path(__file__).parent / "fonts"
FONT, FONT_BOLD, FONT_ITALIC, FONT_BOLD_ITALIC = "TNR", "TNR-Bold", "TNR-Italic", "TNR-BoldItalic"
_FILES = {
    FONT: "LiberationSerif-Regular.ttf",
    FONT_BOLD: "LiberationSerif-Bold.ttf",
    FONT_ITALIC: "LiberationSerif-Italic.ttf",
    FONT_BOLD_ITALIC: "LiberationSerif-BoldItalic.ttf",
}

PAGE_SIZE = A4
TOP, BOTTOM, LEFT, RIGHT = 20 * mm, 20 * mm, 30 * mm, 20 * mm
TEXT_WIDTH = PAGE_SIZE[0] - LEFT - RIGHT  # 160 mm
HEADER_LEFT = 6.8 * cm  # box 2 (agency); box 1 (national motto) takes the rest of the line
HEADER_RIGHT = TEXT_WIDTH - HEADER_LEFT
BODY_SIZE = 13
PAGE_NUMBER_SIZE = 13
SIGNATURE_SPACE = 2.6 * cm  # room for the handwritten signature and the seal
AGENCY_RULE = 0.4  # of the agency's line (the decree: 1/3 to 1/2)
SUMMARY_RULE = 0.4

_NO_PADDING = {"leftPadding": 0, "rightPadding": 0, "topPadding": 0, "bottomPadding": 0}


@dataclass(frozen=True)
class Signer:
    """Who signs (boxes 7a–7c): title such as "GIÁM ĐỐC", or on_behalf_of "KT. GIÁM ĐỐC" with "PHÓ GIÁM ĐỐC"."""

    title: str
    name: str = ""
    on_behalf_of: str = ""


@dataclass(frozen=True)
class AdminDocument:
    """An administrative document of a provincial agency. Texts are given as typed; capitals are applied here."""

    province: str  # "Quảng Ngãi" or "Thành phố Đà Nẵng"
    agency: str  # "Sở Khoa học và Công nghệ"
    number: int | None  # 1 → "01"; None leaves room for the clerk's number
    symbol: str  # "BC-SKHCN"
    place: str  # "Quảng Ngãi"
    date: dt.date
    title: str  # "BÁO CÁO", "QUYẾT ĐỊNH", "THÔNG BÁO"
    body: Sequence[Flowable]
    signer: Signer | None = None
    recipients: Sequence[str] = ()
    summary: str = ""  # trích yếu, under the title
    archive: str = "VT"  # "- Lưu: VT." (add the drafting unit: "VT, TĐC")
    superior: str = ""  # overrides "UBND TỈNH …"
    author: str = ""  # PDF metadata
    keywords: Sequence[str] = field(default_factory=tuple)


def register_fonts() -> None:
    """Register the four Liberation Serif faces once (as one family, so <b> and <i> pick the right face)."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    for name, filename in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC)


def styles() -> dict[str, ParagraphStyle]:
    """Named paragraph styles in the decree's sizes, for the body of any document."""
    register_fonts()
    base = ParagraphStyle("base", fontName=FONT, bulletFontName=FONT, fontSize=BODY_SIZE, leading=BODY_SIZE * 1.2)
    head = ParagraphStyle("head", parent=base, fontSize=12, leading=14.5, alignment=TA_CENTER)
    return {
        "base": base,
        "body": ParagraphStyle(
            "body", parent=base, alignment=TA_JUSTIFY, firstLineIndent=1 * cm, spaceBefore=6, allowWidows=0
        ),
        "basis": ParagraphStyle(
            "basis", parent=base, fontName=FONT_ITALIC, alignment=TA_JUSTIFY, firstLineIndent=1 * cm, spaceBefore=6
        ),
        "heading": ParagraphStyle(
            "heading",
            parent=base,
            fontName=FONT_BOLD,
            firstLineIndent=1 * cm,
            spaceBefore=8,
            spaceAfter=2,
            keepWithNext=1,
        ),
        "subheading": ParagraphStyle(
            "subheading", parent=base, fontName=FONT_BOLD, firstLineIndent=1 * cm, spaceBefore=6, keepWithNext=1
        ),
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER),
        "center_bold": ParagraphStyle("center_bold", parent=base, fontName=FONT_BOLD, alignment=TA_CENTER),
        "caption": ParagraphStyle(
            "caption",
            parent=base,
            fontName=FONT_ITALIC,
            fontSize=12,
            leading=14,
            alignment=TA_CENTER,
            spaceBefore=2,
            spaceAfter=6,
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=11.5, leading=13.5, alignment=TA_LEFT),
        "cell_center": ParagraphStyle("cell_center", parent=base, fontSize=11.5, leading=13.5, alignment=TA_CENTER),
        "cell_right": ParagraphStyle("cell_right", parent=base, fontSize=11.5, leading=13.5, alignment=2),
        "cell_head": ParagraphStyle(
            "cell_head", parent=base, fontName=FONT_BOLD, fontSize=11.5, leading=13.5, alignment=TA_CENTER
        ),
        "header": head,
        "header_bold": ParagraphStyle("header_bold", parent=head, fontName=FONT_BOLD),
        "motto": ParagraphStyle("motto", parent=head, fontName=FONT_BOLD, fontSize=13, leading=15.5),
        "number": ParagraphStyle("number", parent=head, fontSize=13, leading=15.5),
        "date": ParagraphStyle("date", parent=head, fontName=FONT_ITALIC, fontSize=13, leading=15.5),
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=14, leading=17, alignment=TA_CENTER),
        "summary": ParagraphStyle(
            "summary", parent=base, fontName=FONT_BOLD, fontSize=14, leading=17, alignment=TA_CENTER
        ),
        "signer": ParagraphStyle("signer", parent=base, fontName=FONT_BOLD, alignment=TA_CENTER, leading=15.5),
        "recipients_head": ParagraphStyle(
            "recipients_head", parent=base, fontName=FONT_BOLD_ITALIC, fontSize=12, leading=14
        ),
        "recipients": ParagraphStyle("recipients", parent=base, fontSize=11, leading=13),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def _rule_under(paragraph: Paragraph, avail: float, ratio: float) -> list[Flowable]:
    """A solid rule centred under a paragraph, `ratio` of its longest line (clear of the dots below Ọ, Ệ)."""
    paragraph.wrap(avail, 10_000)
    widths = paragraph.getActualLineWidths0() or [avail]
    gap = paragraph.style.fontSize * 0.45  # below the descenders and the dots under Ọ, Ệ
    return [Spacer(1, gap), HRFlowable(width=max(widths) * ratio, thickness=0.6, color="black", spaceAfter=5)]


def _header(doc: AdminDocument, s: dict[str, ParagraphStyle]) -> Table:
    agency = _p(vn_upper(doc.agency), s["header_bold"])
    motto = _p(MOTTO, s["motto"])
    left: list[Flowable] = [
        _p(vn_upper(doc.superior or superior_line(doc.province)), s["header"]),
        agency,
        *_rule_under(agency, HEADER_LEFT, AGENCY_RULE),
    ]
    right: list[Flowable] = [_p(NATIONAL_TITLE, s["header_bold"]), motto, *_rule_under(motto, HEADER_RIGHT, 1.0)]
    table = Table(
        [
            [left, right],
            [
                _p(f"Số: {number_text(doc.number, doc.symbol)}", s["number"]),
                _p(date_line(doc.place, doc.date), s["date"]),
            ],
        ],
        colWidths=[HEADER_LEFT, HEADER_RIGHT],
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, BODY_SIZE),  # cells' own font (not Helvetica)
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),  # the rules are centred under their lines
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def recipients_block(recipients: Sequence[str], archive: str, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    """'Nơi nhận:' then '- …;' per recipient and '- Lưu: VT.' last."""
    lines = [_p("Nơi nhận:", s["recipients_head"])]
    lines += [_p(f"- {r.strip().rstrip(';.')};", s["recipients"]) for r in recipients if r.strip()]
    lines.append(_p(f"- Lưu: {archive.strip().rstrip('.')}.", s["recipients"]))
    return lines


def signer_block(signer: Signer | None, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    """Authority and title in capitals, room for signature and seal, the name."""
    if signer is None:
        return []
    lines = [_p(vn_upper(t), s["signer"]) for t in (signer.on_behalf_of, signer.title) if t.strip()]
    lines.append(Spacer(1, SIGNATURE_SPACE))
    lines.append(_p(signer.name, s["signer"]))
    return lines


def closing(doc: AdminDocument, s: dict[str, ParagraphStyle]) -> Flowable:
    """Recipients (left) and signer (right), kept together on one page."""
    table = Table(
        [[recipients_block(doc.recipients, doc.archive, s), signer_block(doc.signer, s)]],
        colWidths=[HEADER_LEFT, HEADER_RIGHT],
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, BODY_SIZE),  # cells' own font (not Helvetica)
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (1, 0), (1, 0), "CENTER"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return KeepTogether([Spacer(1, 10), table])


def _page_number(canvas: Canvas, template: BaseDocTemplate) -> None:
    """Page 2 onwards: the number centred in the top margin."""
    canvas.saveState()
    canvas.setFont(FONT, PAGE_NUMBER_SIZE)
    canvas.drawCentredString(LEFT + TEXT_WIDTH / 2, PAGE_SIZE[1] - TOP / 2 - PAGE_NUMBER_SIZE / 3, str(template.page))
    canvas.restoreState()


def story(doc: AdminDocument) -> list[Flowable]:
    """The flowables of the whole document (header, title, body, closing), for callers that build their own PDF."""
    s = styles()
    parts: list[Flowable] = [_header(doc, s), Spacer(1, 0.5 * cm), _p(vn_upper(doc.title), s["title"])]
    if doc.summary:
        summary = _p(doc.summary, s["summary"])
        parts += [summary, *_rule_under(summary, TEXT_WIDTH, SUMMARY_RULE)]
    parts.append(Spacer(1, 0.2 * cm))
    parts += list(doc.body)
    parts.append(closing(doc, s))
    return parts


def render(doc: AdminDocument) -> bytes:
    """The document as PDF bytes (A4, the decree's margins, fonts embedded, page numbers from page 2)."""
    register_fonts()
    buf = io.BytesIO()
    frame = Frame(LEFT, BOTTOM, TEXT_WIDTH, PAGE_SIZE[1] - TOP - BOTTOM, id="text", **_NO_PADDING)
    template = BaseDocTemplate(
        buf,
        pagesize=PAGE_SIZE,
        leftMargin=LEFT,
        rightMargin=RIGHT,
        topMargin=TOP,
        bottomMargin=BOTTOM,
        title=" ".join(t for t in (vn_upper(doc.title), doc.summary) if t),
        author=doc.author or doc.agency,
        subject=f"{number_text(doc.number, doc.symbol)} — {date_line(doc.place, doc.date)}",
        keywords=", ".join(doc.keywords),
        creator="truyxuat",
        lang="vi",
        initialFontName=FONT,  # no stray Helvetica resource
        initialFontSize=BODY_SIZE,
    )
    template.addPageTemplates(
        [
            PageTemplate(id="first", frames=[frame], autoNextPageTemplate="later"),
            PageTemplate(id="later", frames=[frame], onPage=_page_number),
        ]
    )
    template.build(story(doc))
    return buf.getvalue()


def cell_table(rows: Sequence[Sequence[Any]], widths: Sequence[float], *, numeric_from: int = 99) -> Table:
    """A bordered table in the body: first row a bold header, repeated on each page; columns from `numeric_from`
    right-aligned. Cells may be flowables or text (escaped)."""
    s = styles()

    def cell(value: Any, r: int, c: int) -> Any:
        if isinstance(value, Flowable):
            return value
        style = s["cell_head"] if r == 0 else s["cell_right"] if c >= numeric_from else s["cell"]
        return _p(str(value), style)

    data = [[cell(v, r, c) for c, v in enumerate(row)] for r, row in enumerate(rows)]
    table = Table(data, colWidths=list(widths), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, BODY_SIZE),  # cells' own font (not Helvetica)
                ("GRID", (0, 0), (-1, -1), 0.5, "black"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table

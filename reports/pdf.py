"""The periodic report as a PDF in Vietnamese administrative style (Nghị định 30/2020/NĐ-CP layout), with charts.

Header: the superior body and the issuing body with the document number on the left, the national motto on the
right, then place and date; the title; numbered sections with tables and bar charts; recipients and signature.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from reports.render_common import summary_rows

FONT_DIRS = [Path(__file__).parent / "fonts", Path("/usr/share/fonts/truetype/dejavu")]
_registered = False


def _fonts() -> tuple[str, str]:
    """Register a serif font with Vietnamese glyphs (DejaVu Serif, bundled) once."""
    global _registered
    if not _registered:
        for folder in FONT_DIRS:
            regular, bold = folder / "DejaVuSerif.ttf", folder / "DejaVuSerif-Bold.ttf"
            if regular.exists() and bold.exists():
                pdfmetrics.registerFont(TTFont("VNSerif", str(regular)))
                pdfmetrics.registerFont(TTFont("VNSerif-Bold", str(bold)))
                break
        else:  # pragma: no cover - the font ships with the app
            raise RuntimeError("DejaVu Serif font not found for the PDF report")
        _registered = True
    return "VNSerif", "VNSerif-Bold"


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = _fonts()
    base = ParagraphStyle("base", fontName=regular, fontSize=11, leading=14)
    return {
        "base": base,
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER),
        "center_bold": ParagraphStyle("cb", parent=base, fontName=bold, alignment=TA_CENTER),
        "motto": ParagraphStyle("motto", parent=base, fontName=bold, fontSize=10.5, alignment=TA_CENTER),
        "title": ParagraphStyle("title", parent=base, fontName=bold, fontSize=14, leading=18, alignment=TA_CENTER),
        "h2": ParagraphStyle("h2", parent=base, fontName=bold, fontSize=12, spaceBefore=8, spaceAfter=4),
        "cell": ParagraphStyle("cell", parent=base, fontSize=10, leading=12, alignment=TA_LEFT),
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=11),
    }


def _chart(rows: list[tuple[str, float]], title: str) -> Drawing:
    regular, bold = _fonts()
    rows = rows[:12] or [("—", 0)]
    height = 40 + 18 * len(rows)
    drawing = Drawing(16 * cm, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 5.5 * cm, 10
    chart.width, chart.height = 9.5 * cm, height - 36
    chart.data = [[v for _l, v in reversed(rows)]]
    chart.categoryAxis.categoryNames = [str(label)[:28] for label, _v in reversed(rows)]
    chart.categoryAxis.labels.fontName = regular
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.labels.fontName = regular
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = colors.HexColor("#1b6b3a")
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = regular
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    drawing.add(chart)
    drawing.add(String(0, height - 12, title, fontName=bold, fontSize=10))
    return drawing


def _grid(data: list[list[Any]], widths: list[float], styles: dict[str, ParagraphStyle]) -> Table:
    _regular, bold = _fonts()
    cells = [[Paragraph(str(v), styles["cell"]) for v in row] for row in data]
    table = Table(cells, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("FONTNAME", (0, 0), (-1, 0), bold),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def render_pdf(figures: dict[str, Any], indicators: list[dict[str, Any]], meta: dict[str, Any]) -> bytes:
    s = _styles()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=3 * cm,
        rightMargin=2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
        title=f"Báo cáo {meta['subtitle']}",
        author=meta["issuer"],
    )
    header = Table(
        [
            [
                Paragraph(meta["superior"].upper(), s["center"]),
                Paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", s["motto"]),
            ],
            [
                Paragraph(f"<u>{meta['issuer'].upper()}</u>", s["center_bold"]),
                Paragraph("<u>Độc lập - Tự do - Hạnh phúc</u>", s["center_bold"]),
            ],
            [
                Paragraph(f"Số: {meta['number']}", s["center"]),
                Paragraph(f"<i>{meta['place']}, {meta['date_words']}</i>", s["center"]),
            ],
        ],
        colWidths=[6 * cm, 10 * cm],
    )
    header.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story: list[Any] = [header, Spacer(1, 0.6 * cm), Paragraph("BÁO CÁO", s["title"])]
    story.append(Paragraph(meta["subtitle"], s["center_bold"]))
    story.append(Spacer(1, 0.4 * cm))
    scope = figures["scope"]
    intro = _(
        "Phạm vi: %(scope)s. Kỳ báo cáo từ %(start)s đến %(end)s. Số liệu lấy trực tiếp từ Cổng truy xuất "
        "nguồn gốc của tỉnh tại thời điểm lập báo cáo."
    ) % {
        "scope": scope.get("ward") or _("toàn tỉnh"),
        "start": meta["start_words"],
        "end": meta["end_words"],
    }
    story.append(Paragraph(intro, s["base"]))
    story.append(Paragraph(_("I. Số liệu tổng hợp"), s["h2"]))
    rows = [[_("TT"), _("Nội dung"), _("Số liệu")]] + [[a, b, c] for a, b, c in summary_rows(figures)]
    story.append(_grid(rows, [1.4 * cm, 11 * cm, 3.6 * cm], s))
    story.append(Paragraph(_("II. Sản phẩm theo nhóm"), s["h2"]))
    story.append(_chart([(n, float(v)) for n, v in figures["products"]["by_category"]], _("Số sản phẩm theo nhóm")))
    if figures["lots"]["published_by_category"]:
        story.append(
            _chart(
                [(n, float(v)) for n, v in figures["lots"]["published_by_category"]], _("Lô công bố trong kỳ theo nhóm")
            )
        )
    if figures.get("by_ward"):
        story.append(Paragraph(_("III. Theo xã, phường"), s["h2"]))
        story.append(
            _grid(
                [[_("Xã, phường"), _("Tổ chức"), _("Đã duyệt"), _("Lô công bố trong kỳ")]]
                + [list(r) for r in figures["by_ward"][:40]],
                [7 * cm, 3 * cm, 3 * cm, 3 * cm],
                s,
            )
        )
        story.append(_chart([(r[0], float(r[1])) for r in figures["by_ward"]], _("Tổ chức theo xã, phường")))
    story.append(Paragraph(_("IV. Tiến độ thực hiện chỉ tiêu kế hoạch"), s["h2"]))
    story.append(
        _grid(
            [[_("Chỉ tiêu"), _("Mục tiêu"), _("Thời hạn"), _("Đạt được")]]
            + [
                [
                    i["name"],
                    f"{i['target']} {i['unit']}",
                    i["deadline"],
                    f"{i['value']} {i['unit']} ({i['how']})".strip(),
                ]
                for i in indicators
            ],
            [8 * cm, 2.5 * cm, 2.5 * cm, 3 * cm],
            s,
        )
    )
    if figures["ocop"]["untraced_list"]:
        story.append(Paragraph(_("V. Sản phẩm OCOP chưa truy xuất nguồn gốc"), s["h2"]))
        story.append(Paragraph("; ".join(figures["ocop"]["untraced_list"]), s["base"]))
    story.append(Spacer(1, 0.8 * cm))
    footer = Table(
        [
            [
                Paragraph(f"<b><i>Nơi nhận:</i></b><br/>- {meta['recipient']};<br/>- Lưu: VT.", s["small"]),
                Paragraph(f"<b>{meta['signer_title']}</b><br/><br/><br/><br/>{meta['signer']}", s["center"]),
            ]
        ],
        colWidths=[8 * cm, 8 * cm],
    )
    footer.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(footer)
    doc.build(story)
    return buf.getvalue()

"""The periodic report as a PDF administrative document (Nghị định 30/2020/NĐ-CP, see `reports.admin_document`).

"UBND TỈNH …" over the agency, "Số: 01/BC-…", place and date; the title and its summary; sections numbered I, II…
in the order printed, tables with numbers the Vietnamese way and dates dd/mm/yyyy, bar charts whose count axes
step by whole numbers; the chosen signer (room for signature and seal) and "Nơi nhận".
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from reports import admin_document as ad
from reports.render_common import (
    Sections,
    integer_axis,
    iso_date,
    people_header,
    people_heading,
    people_rows,
    summary_rows,
    vn_date,
    vn_number,
)

MAX_BARS = 12


def bar_chart(rows: list[tuple[str, float]], title: str) -> Drawing:
    """Horizontal bars of counts (largest first, at most 12), axis ticks at whole numbers, Vietnamese numbers."""
    ad.register_fonts()
    rows = rows[:MAX_BARS] or [("—", 0)]
    height = 40 + 18 * len(rows)
    drawing = Drawing(ad.TEXT_WIDTH, height, initialFontName=ad.FONT, initialFontSize=10)  # no Helvetica default
    chart = HorizontalBarChart()
    chart.x, chart.y = 5.5 * cm, 18
    chart.width, chart.height = ad.TEXT_WIDTH - 6.5 * cm, height - 40
    chart.data = [[v for _l, v in reversed(rows)]]
    chart.categoryAxis.categoryNames = [str(label)[:32] for label, _v in reversed(rows)]
    chart.categoryAxis.labels.fontName = ad.FONT
    chart.categoryAxis.labels.fontSize = 10
    chart.categoryAxis.labels.boxAnchor = "e"
    step, top = integer_axis(max(v for _l, v in rows))
    axis = chart.valueAxis
    axis.valueMin, axis.valueMax, axis.valueStep = 0, top, step
    axis.labels.fontName = ad.FONT
    axis.labels.fontSize = 10
    axis.labelTextFormat = vn_number
    chart.bars[0].fillColor = colors.HexColor("#1b6b3a")
    chart.barLabelFormat = vn_number
    chart.barLabels.fontName = ad.FONT
    chart.barLabels.fontSize = 9
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    drawing.add(String(0, height - 12, title, fontName=ad.FONT_BOLD, fontSize=11))
    return drawing


def _p(text: str, style: str) -> Paragraph:
    return Paragraph(escape(text), ad.styles()[style])


def _chart_block(sections: Sections, rows: list[tuple[str, float]], title: str) -> Flowable:
    return KeepTogether([Spacer(1, 4), bar_chart(rows, sections.chart(title))])


def _summary_table(figures: dict[str, Any]) -> Flowable:
    """Groups (1, 2…) in bold with their items (1.1, 1.2…) below; figures right-aligned, Vietnamese numbers."""
    s = ad.styles()
    bold = ParagraphStyle("cell_bold", parent=s["cell"], fontName=ad.FONT_BOLD)
    right = ParagraphStyle("cell_right", parent=s["cell"], alignment=TA_RIGHT)
    bold_right = ParagraphStyle("cell_bold_right", parent=bold, alignment=TA_RIGHT)
    rows: list[list[Any]] = [[_("TT"), _("Nội dung"), _("Số liệu")]]
    for number, item, value in summary_rows(figures):
        group = "." not in number
        rows.append(
            [
                Paragraph(escape(number), bold if group else s["cell"]),
                Paragraph(escape(item), bold if group else s["cell"]),
                Paragraph(escape(vn_number(value)), bold_right if group else right),
            ]
        )
    return ad.cell_table(rows, [1.4 * cm, ad.TEXT_WIDTH - 4.6 * cm, 3.2 * cm])


def body(figures: dict[str, Any], indicators: list[dict[str, Any]], meta: dict[str, Any]) -> list[Flowable]:
    """The report's body: introduction, numbered sections, tables and charts."""
    sec = Sections()
    scope = figures["scope"]
    story: list[Flowable] = [
        _p(
            _(
                "Phạm vi: %(scope)s. Kỳ báo cáo từ ngày %(start)s đến ngày %(end)s. Số liệu lấy trực tiếp từ Cổng "
                "truy xuất nguồn gốc của tỉnh tại thời điểm lập báo cáo."
            )
            % {
                "scope": scope.get("ward") or _("toàn tỉnh"),
                "start": vn_date(meta["start"]),
                "end": vn_date(meta["end"]),
            },
            "body",
        ),
        _p(_("%(agency)s báo cáo kết quả như sau:") % {"agency": meta["agency"]}, "body"),
        _p(ad.vn_upper(sec.next(_("Số liệu tổng hợp"))), "heading"),
        Spacer(1, 4),
        _summary_table(figures),
        _p(ad.vn_upper(sec.next(_("Sản phẩm và lô hàng theo nhóm"))), "heading"),
        _chart_block(sec, [(n, float(v)) for n, v in figures["products"]["by_category"]], _("Số sản phẩm theo nhóm")),
    ]
    if figures["lots"]["published_by_category"]:
        story.append(
            _chart_block(
                sec,
                [(n, float(v)) for n, v in figures["lots"]["published_by_category"]],
                _("Lô công bố trong kỳ theo nhóm"),
            )
        )
    if figures.get("by_ward"):
        story += [_p(ad.vn_upper(sec.next(_("Theo xã, phường"))), "heading"), Spacer(1, 4)]
        story.append(
            ad.cell_table(
                [[_("Xã, phường"), _("Tổ chức"), _("Đã duyệt"), _("Lô công bố trong kỳ")]]
                + [[r[0], *(vn_number(v) for v in r[1:])] for r in figures["by_ward"][:40]],
                [7 * cm, 2.6 * cm, 2.6 * cm, ad.TEXT_WIDTH - 12.2 * cm],
                numeric_from=1,
            )
        )
        story.append(_chart_block(sec, [(r[0], float(r[1])) for r in figures["by_ward"]], _("Tổ chức theo xã, phường")))
    if figures.get("by_department"):  # the consolidated report: each department's work (issue 25)
        story += [_p(ad.vn_upper(sec.next(_("Theo sở, ngành"))), "heading"), Spacer(1, 4)]
        story.append(
            ad.cell_table(
                [[_("Sở, ngành"), _("Phản ánh được chuyển"), _("Kiểm tra đã thực hiện"), _("Thu hồi")]]
                + [[r[0], *(vn_number(v) for v in r[1:])] for r in figures["by_department"]],
                [6 * cm, 3.4 * cm, 3.4 * cm, ad.TEXT_WIDTH - 12.8 * cm],
                numeric_from=1,
            )
        )
    story += [_p(ad.vn_upper(sec.next(_("Tiến độ thực hiện chỉ tiêu kế hoạch"))), "heading"), Spacer(1, 4)]
    story.append(
        ad.cell_table(
            [[_("Chỉ tiêu"), _("Mục tiêu"), _("Thời hạn"), _("Đạt được")]]
            + [
                [
                    i["name"],
                    f"{vn_number(i['target'])} {i['unit']}".strip(),
                    vn_date(iso_date(i["deadline"]) or i["deadline"]),
                    f"{vn_number(i['value'])} {i['unit']}" + (f" ({i['how']})" if i["how"] else ""),
                ]
                for i in indicators
            ],
            [7.4 * cm, 2.4 * cm, 2.4 * cm, ad.TEXT_WIDTH - 12.2 * cm],
        )
    )
    people = figures.get("people_by_commune")
    if people and people["rows"]:  # training per commune against the year's targets (issue 25)
        story += [_p(ad.vn_upper(sec.next(people_heading(people))), "heading"), Spacer(1, 4)]
        story.append(
            ad.cell_table(
                [people_header(), *people_rows(people)],  # every commune with records: no cut
                [3.6 * cm, 2.2 * cm, 2.8 * cm, 2.6 * cm, 2.8 * cm, ad.TEXT_WIDTH - 14 * cm],
                numeric_from=1,
            )
        )
    if figures["ocop"]["untraced_list"]:
        story.append(_p(ad.vn_upper(sec.next(_("Sản phẩm OCOP chưa truy xuất nguồn gốc"))), "heading"))
        story.append(_p("; ".join(figures["ocop"]["untraced_list"]) + ".", "body"))
    return story


def document(figures: dict[str, Any], indicators: list[dict[str, Any]], meta: dict[str, Any]) -> ad.AdminDocument:
    return ad.AdminDocument(
        province=meta["province"],
        agency=meta["agency"],
        number=meta["number"],
        symbol=meta["symbol"],
        place=meta["place"],
        date=meta["date"],
        title="BÁO CÁO",
        summary=meta["subtitle"],
        body=body(figures, indicators, meta),
        signer=ad.Signer(
            title=meta["signer_title"], name=meta["signer_name"], on_behalf_of=meta["signer_on_behalf_of"]
        ),
        recipients=meta["recipients"],
        author=meta["agency"],
    )


def render_pdf(figures: dict[str, Any], indicators: list[dict[str, Any]], meta: dict[str, Any]) -> bytes:
    return ad.render(document(figures, indicators, meta))

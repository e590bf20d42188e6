"""The periodic report as an XLSX workbook (openpyxl): summary, categories, communes, indicators, with charts.

Same header, numbering, signer and recipients as the PDF; figures are stored as numbers ('#,##0') and dates as
dates shown dd/mm/yyyy, so the sheet can be summed and sorted."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from reports.document_text import MOTTO, NATIONAL_TITLE, date_line, vn_upper
from reports.render_common import integer_axis, iso_date, people_heading, summary_rows, vn_date

THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
BOLD = Font(name="Times New Roman", bold=True, size=12)
NORMAL = Font(name="Times New Roman", size=12)


def _format(cell: Any, value: Any) -> None:
    """Numbers stay numbers (grouped '#,##0', shown with the reader's separators); dates are dates, dd/mm/yyyy."""
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        cell.number_format = "#,##0"
    elif isinstance(value, float | Decimal):
        cell.number_format = "#,##0.##"
    elif isinstance(value, dt.date):
        cell.number_format = "DD/MM/YYYY"


def _table(ws: Any, top: int, header: list[str], rows: list[list[Any]], widths: list[int]) -> int:
    for c, text in enumerate(header, start=1):
        cell = ws.cell(row=top, column=c, value=text)
        cell.font, cell.border = BOLD, BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r, row in enumerate(rows, start=top + 1):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            cell.font, cell.border = NORMAL, BOX
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            _format(cell, value)
    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = w
    return top + len(rows)


def _heading(ws: Any, meta: dict[str, Any], title: str) -> int:
    """The same header as the PDF (Nghị định 30/2020/NĐ-CP): superior and agency left, national title right."""
    ws["A1"], ws["A2"] = meta["superior"], vn_upper(meta["agency"])
    ws["C1"], ws["C2"] = NATIONAL_TITLE, MOTTO
    ws["A3"] = f"Số: {meta['document_number']}"
    ws["C3"] = date_line(meta["place"], meta["date"])
    for ref in ("A2", "C1", "C2"):
        ws[ref].font = BOLD
    ws["A1"].font = ws["A3"].font = NORMAL
    ws["C3"].font = Font(name="Times New Roman", italic=True, size=12)
    for ref in ("A1", "A2", "A3", "C1", "C2", "C3"):
        ws[ref].alignment = Alignment(horizontal="center")
    ws["A5"] = title
    ws["A5"].font = Font(name="Times New Roman", bold=True, size=14)
    ws["A6"] = meta["subtitle"]
    ws["A6"].font = BOLD
    ws["A7"] = _("Kỳ báo cáo từ ngày %(start)s đến ngày %(end)s.") % {
        "start": vn_date(meta["start"]),
        "end": vn_date(meta["end"]),
    }
    ws["A7"].font = Font(name="Times New Roman", italic=True, size=12)
    return 9


def _closing(ws: Any, row: int, meta: dict[str, Any]) -> None:
    """'Nơi nhận' on the left, the signer on the right, as on the PDF."""
    ws.cell(row=row, column=1, value="Nơi nhận:").font = Font(name="Times New Roman", bold=True, italic=True, size=12)
    lines = [f"- {r};" for r in meta["recipients"]] + ["- Lưu: VT."]
    for i, line in enumerate(lines, start=1):
        ws.cell(row=row + i, column=1, value=line).font = Font(name="Times New Roman", size=11)
    signer = [t for t in (meta["signer_on_behalf_of"], meta["signer_title"]) if t]
    for i, line in enumerate(signer):
        cell = ws.cell(row=row + i, column=3, value=vn_upper(line))
        cell.font, cell.alignment = BOLD, Alignment(horizontal="center")
    name = ws.cell(row=row + len(signer) + 5, column=3, value=meta["signer_name"])
    name.font, name.alignment = BOLD, Alignment(horizontal="center")


def _bar_chart(ws: Any, title: str, col_label: int, col_value: int, first: int, last: int, anchor: str) -> None:
    if last < first:
        return
    values = [ws.cell(row=r, column=col_value).value or 0 for r in range(first, last + 1)]
    step, top = integer_axis(max(values))
    chart = BarChart()
    chart.y_axis.scaling.min, chart.y_axis.scaling.max, chart.y_axis.majorUnit = 0, top, step  # whole counts
    chart.y_axis.number_format = "#,##0"
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    chart.type = "bar"
    chart.title = title
    chart.legend = None
    chart.height, chart.width = 9, 16
    chart.add_data(Reference(ws, min_col=col_value, min_row=first - 1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=col_label, min_row=first, max_row=last))
    ws.add_chart(chart, anchor)


def _met(met: bool | None) -> str:
    return "" if met is None else _("đạt") if met else _("chưa đạt")


def render_xlsx(figures: dict[str, Any], indicators: list[dict[str, Any]], meta: dict[str, Any]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    top = _heading(ws, meta, "BÁO CÁO")
    rows = [[sec, item, value] for sec, item, value in summary_rows(figures)]
    last = _table(ws, top, [_("TT"), _("Nội dung"), _("Số liệu")], rows, [8, 60, 40])
    for r, (sec, _item, _value) in enumerate(rows, start=top + 1):
        if "." not in sec:  # a group (1, 2…): bold, as on the PDF
            for c in (1, 2, 3):
                ws.cell(row=r, column=c).font = BOLD
    _closing(ws, last + 2, meta)

    cats = wb.create_sheet("Theo nhóm sản phẩm")
    prod = dict(figures["products"]["by_category"])
    lots = dict(figures["lots"]["published_by_category"])
    names = sorted(set(prod) | set(lots), key=lambda n: (-prod.get(n, 0), n))
    cat_rows = [[n, prod.get(n, 0), lots.get(n, 0)] for n in names]
    last = _table(cats, 1, [_("Nhóm sản phẩm"), _("Số sản phẩm"), _("Lô công bố trong kỳ")], cat_rows, [34, 14, 20])
    _bar_chart(cats, _("Sản phẩm theo nhóm"), 1, 2, 2, last, "E2")

    if figures.get("by_ward") is not None:
        wards = wb.create_sheet("Theo xã, phường")
        last = _table(
            wards,
            1,
            [_("Xã, phường"), _("Tổ chức"), _("Đã duyệt"), _("Lô công bố trong kỳ")],
            [list(r) for r in figures["by_ward"]],
            [30, 12, 12, 20],
        )
        _bar_chart(wards, _("Tổ chức theo xã, phường"), 1, 2, 2, min(last, 21), "F2")

    if figures.get("by_department"):  # the consolidated report: each department's work (issue 25)
        departments = wb.create_sheet("Theo sở, ngành")
        _table(
            departments,
            1,
            [_("Sở, ngành"), _("Phản ánh được chuyển"), _("Kiểm tra đã thực hiện"), _("Thu hồi")],
            [list(r) for r in figures["by_department"]],
            [34, 20, 20, 12],
        )

    ind = wb.create_sheet("Chỉ tiêu")
    _table(
        ind,
        1,
        [_("Chỉ tiêu"), _("Mục tiêu"), _("Đơn vị"), _("Thời hạn"), _("Đạt được"), _("Cách tính"), _("% mục tiêu")],
        [
            [
                i["name"],
                Decimal(str(i["target"])),
                i["unit"],
                iso_date(i["deadline"]),
                Decimal(str(i["value"])),
                i["how"],
                i["percent_of_target"],
            ]
            for i in indicators
        ],
        [60, 10, 10, 12, 12, 16, 12],
    )
    people = figures.get("people_by_commune")
    if people is not None:  # training per commune against the year's targets (issue 25)
        trained = wb.create_sheet("Tập huấn theo xã")
        trained.cell(row=1, column=1, value=people_heading(people)).font = BOLD
        _table(
            trained,
            2,
            [
                _("Xã, phường"),
                _("Cán bộ đã tập huấn"),
                _("Cán bộ"),
                _("Tỷ lệ cán bộ (%)"),
                _("Đạt mục tiêu"),
                _("Doanh nghiệp, HTX đã tập huấn"),
                _("Doanh nghiệp, HTX"),
                _("Tỷ lệ doanh nghiệp, HTX (%)"),
                _("Đạt mục tiêu"),
                _("Mô hình điểm"),
            ],
            [
                [
                    r["ward"],
                    r["officers_trained"],
                    r["officers"],
                    Decimal(r["officers_share"]) if r["officers_share"] is not None else None,
                    _met(r["officers_met"]),
                    r["businesses_trained"],
                    r["businesses"],
                    Decimal(r["businesses_share"]) if r["businesses_share"] is not None else None,
                    _met(r["businesses_met"]),
                    r["pilots"],
                ]
                for r in people["rows"]
            ],
            [28, 12, 10, 12, 12, 14, 12, 14, 12, 10],
        )
    ocop = wb.create_sheet("OCOP chưa truy xuất")
    _table(ocop, 1, [_("Sản phẩm OCOP chưa có lô công bố")], [[n] for n in figures["ocop"]["untraced_list"]], [70])

    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

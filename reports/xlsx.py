"""The periodic report as an XLSX workbook (openpyxl): summary, categories, communes, indicators, with charts."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from reports.render_common import summary_rows

THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
BOLD = Font(name="Times New Roman", bold=True, size=12)
NORMAL = Font(name="Times New Roman", size=12)


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
    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = w
    return top + len(rows)


def _heading(ws: Any, meta: dict[str, Any], title: str) -> int:
    ws["A1"], ws["A2"] = meta["superior"], meta["issuer"]
    ws["D1"], ws["D2"] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"
    ws["A3"], ws["D3"] = f"Số: {meta['number']}", f"{meta['place']}, {meta['date_words']}"
    for ref in ("A1", "A2", "D1", "D2"):
        ws[ref].font = BOLD
    ws["A3"].font = NORMAL
    ws["D3"].font = Font(name="Times New Roman", italic=True, size=12)
    ws["A5"] = title
    ws["A5"].font = Font(name="Times New Roman", bold=True, size=14)
    ws["A6"] = meta["subtitle"]
    ws["A6"].font = BOLD
    return 8


def _bar_chart(ws: Any, title: str, col_label: int, col_value: int, first: int, last: int, anchor: str) -> None:
    if last < first:
        return
    chart = BarChart()
    chart.type = "bar"
    chart.title = title
    chart.legend = None
    chart.height, chart.width = 9, 16
    chart.add_data(Reference(ws, min_col=col_value, min_row=first - 1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=col_label, min_row=first, max_row=last))
    ws.add_chart(chart, anchor)


def render_xlsx(figures: dict[str, Any], indicators: list[dict[str, Any]], meta: dict[str, Any]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    top = _heading(ws, meta, "BÁO CÁO")
    rows = [[sec, item, value] for sec, item, value in summary_rows(figures)]
    _table(ws, top, [_("TT"), _("Nội dung"), _("Số liệu")], rows, [8, 60, 18, 40])

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

    ind = wb.create_sheet("Chỉ tiêu")
    _table(
        ind,
        1,
        [_("Chỉ tiêu"), _("Mục tiêu"), _("Đơn vị"), _("Thời hạn"), _("Đạt được"), _("Cách tính"), _("% mục tiêu")],
        [
            [
                i["name"],
                float(i["target"]),
                i["unit"],
                i["deadline"],
                float(i["value"]),
                i["how"],
                i["percent_of_target"],
            ]
            for i in indicators
        ],
        [60, 10, 10, 12, 12, 16, 12],
    )
    ocop = wb.create_sheet("OCOP chưa truy xuất")
    _table(ocop, 1, [_("Sản phẩm OCOP chưa có lô công bố")], [[n] for n in figures["ocop"]["untraced_list"]], [70])

    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

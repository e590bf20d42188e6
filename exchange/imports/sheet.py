"""The Excel template of an import (Vietnamese headings with the English) and the reading of its rows.

One row is one supply-chain fact: when, which step, the sender's product code and lot code, the quantity (as a
Vietnamese types it: `1.234,5`), its unit, and the sender's location code. Rows are read into `SheetRow`s with
every problem found (Vietnamese / English); nothing is looked up here but the sheet itself.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from core.numbers import Limits, NumberError, parse, parse_plain

COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("time", "Ngày giờ", "Date and time"),
    ("step", "Công đoạn", "Step"),
    ("product", "Mã sản phẩm của bạn", "Your product code"),
    ("lot", "Số lô", "Lot code"),
    ("quantity", "Số lượng", "Quantity"),
    ("unit", "Đơn vị", "Unit"),
    ("location", "Mã địa điểm của bạn", "Your location code"),
)
# Step words (Vietnamese or English, without accents, lower case) -> (CBV 2.0 bizStep, EPCIS action).
STEPS: dict[str, tuple[str, str]] = {
    "thu hoach": ("commissioning", "ADD"),
    "harvest": ("commissioning", "ADD"),
    "dong goi": ("packing", "OBSERVE"),
    "packing": ("packing", "OBSERVE"),
    "bao quan": ("storing", "OBSERVE"),
    "storing": ("storing", "OBSERVE"),
    "kiem tra": ("inspecting", "OBSERVE"),
    "inspecting": ("inspecting", "OBSERVE"),
    "gui hang": ("shipping", "OBSERVE"),
    "shipping": ("shipping", "OBSERVE"),
    "nhan hang": ("receiving", "OBSERVE"),
    "receiving": ("receiving", "OBSERVE"),
}
STEP_NAMES = "thu hoạch, đóng gói, bảo quản, kiểm tra, gửi hàng, nhận hàng"
UNITS: dict[str, str] = {
    "kg": "KGM",
    "kgm": "KGM",
    "tan": "TNE",
    "tne": "TNE",
    "g": "GRM",
    "gam": "GRM",
    "grm": "GRM",
    "lit": "LTR",
    "ltr": "LTR",
    "cai": "H87",
    "qua": "H87",
    "h87": "H87",
    "con": "HEA",
    "hea": "HEA",
    "goi": "XPK",
    "hop": "XPK",
    "xpk": "XPK",
}
UNIT_NAMES = "kg, tấn, gam, lít, cái, quả, con, gói, hộp"
LOT_CODE = re.compile(r"^[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,20}$")  # GS1 AI 10: up to 20 of CSET 82
QUANTITY = Limits(max_digits=14, decimal_places=3, min_value=Decimal(0), allow_zero=False)
MAX_ROWS = 10_000


class SheetError(Exception):
    """The file is not the template (not a workbook, headings missing, too many rows)."""


@dataclass
class SheetRow:
    number: int  # the row's number in the sheet (the heading is row 1)
    time: dt.datetime | None = None
    step: tuple[str, str] | None = None
    product: str = ""
    lot: str = ""
    quantity: Decimal | None = None
    unit: str = ""
    location: str = ""
    errors: list[str] = field(default_factory=list)


def plain(text: str) -> str:
    """Lower case without accents (đ as d): how step and unit words are matched."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).lower().split())


@functools.lru_cache(maxsize=1)
def template() -> bytes:
    """The template to download: headings (Vietnamese / English), one example row, a sheet of allowed words. Made
    once per process, so every download is the same bytes (openpyxl stamps each save with the time, which changed
    the compressed length between a HEAD and its GET)."""
    from openpyxl import Workbook  # openpyxl loads on the first workbook, not at start-up
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Du lieu"
    ws.append([f"{vi} / {en}" for _k, vi, en in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.append(["15/11/2026 07:30", "thu hoạch", "CF-ARABICA", "TH2611-01", "1.234,5", "kg", "VUON-01"])
    for col in "ABCDEFG":
        ws.column_dimensions[col].width = 26
    help_ws = wb.create_sheet("Huong dan")
    help_ws.append(["Cột / Column", "Cách ghi / How to fill in"])
    help_ws.append(["Ngày giờ", "dd/mm/yyyy hh:mm (giờ Việt Nam) / local time"])
    help_ws.append(["Công đoạn", f"{STEP_NAMES} / harvest, packing, storing, inspecting, shipping, receiving"])
    help_ws.append(["Mã sản phẩm, mã địa điểm", "mã trong hệ thống của bạn; lần đầu được ánh xạ một lần / mapped once"])
    help_ws.append(["Số lô", "tối đa 20 ký tự / at most 20 characters (GS1 AI 10)"])
    help_ws.append(["Số lượng", "kiểu Việt Nam: 1.234,5 / Vietnamese style, decimal comma"])
    help_ws.append(["Đơn vị", UNIT_NAMES])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _header_key(value: Any) -> str | None:
    text = plain(str(value or "")).split(" / ")[0].strip()
    for key, vi, en in COLUMNS:
        if text in (plain(vi), plain(en)):
            return key
    return None


def _time(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        when = value
    elif isinstance(value, dt.date):
        when = dt.datetime.combine(value, dt.time(12, 0))
    else:
        text = str(value or "").strip()
        for fmt in ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
            try:
                when = dt.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        else:
            raise ValueError(text)
        if len(text) <= 10:
            when = when.replace(hour=12)
    return timezone.make_aware(when) if timezone.is_naive(when) else when


def _quantity(value: Any) -> Decimal | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return parse_plain(value, QUANTITY)
    parsed = parse(str(value or ""), QUANTITY)
    return parsed.value if parsed else None


def _row(number: int, cells: dict[str, Any]) -> SheetRow:
    row = SheetRow(number=number)
    try:
        row.time = _time(cells.get("time"))
    except (ValueError, OverflowError):
        row.errors.append("Ngày giờ không đọc được (dd/mm/yyyy hh:mm) / Date and time unreadable")
    step = plain(str(cells.get("step") or ""))
    row.step = STEPS.get(step)
    if row.step is None:
        row.errors.append(f"Công đoạn phải là một trong: {STEP_NAMES} / Unknown step")
    row.product = str(cells.get("product") or "").strip()[:255]
    if not row.product:
        row.errors.append("Thiếu mã sản phẩm / Product code missing")
    row.lot = str(cells.get("lot") or "").strip()
    if not LOT_CODE.match(row.lot):
        row.errors.append("Số lô trống hoặc quá 20 ký tự hợp lệ / Lot code empty or over 20 valid characters")
    try:
        row.quantity = _quantity(cells.get("quantity"))
        if row.quantity is None:
            row.errors.append("Thiếu số lượng / Quantity missing")
    except NumberError:
        row.errors.append("Số lượng không hợp lệ (ví dụ 1.234,5) / Invalid quantity (e.g. 1.234,5)")
    row.unit = UNITS.get(plain(str(cells.get("unit") or "")), "")
    if not row.unit:
        row.errors.append(f"Đơn vị phải là một trong: {UNIT_NAMES} / Unknown unit")
    row.location = str(cells.get("location") or "").strip()[:255]
    if not row.location:
        row.errors.append("Thiếu mã địa điểm / Location code missing")
    return row


def read(data: bytes) -> list[SheetRow]:
    """The rows of the template's first sheet (empty rows skipped), each with its problems. Raises SheetError."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise SheetError("Tệp không phải bảng Excel (.xlsx) / Not an Excel workbook") from exc
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    heading = next(rows, None) or ()
    keys = [_header_key(v) for v in heading]
    missing = [vi for key, vi, _en in COLUMNS if key not in keys]
    if missing:
        raise SheetError(f"Thiếu cột: {', '.join(missing)} (hãy dùng tệp mẫu) / Columns missing: use the template")
    out: list[SheetRow] = []
    for number, values in enumerate(rows, start=2):
        cells = {k: v for k, v in zip(keys, values, strict=False) if k}
        if all(v is None or str(v).strip() == "" for v in cells.values()):
            continue
        if len(out) >= MAX_ROWS:
            raise SheetError(f"Quá {MAX_ROWS} dòng: hãy chia tệp / Over {MAX_ROWS} rows: split the file")
        out.append(_row(number, cells))
    wb.close()
    return out

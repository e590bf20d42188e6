"""Imports of diary entries and harvest lots from Excel (.xlsx) or CSV: a template to download, row-by-row
validation with a preview, then an all-or-nothing write through the same services as the pages.

The preview runs every row through the real services inside a transaction that is always rolled back, so
it finds exactly the errors the write would meet (unknown area, missing pre-harvest interval, duplicate lot
code, ...); the write runs them again in one transaction and keeps nothing if any row fails.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import Actor
from catalog.models import GrowingArea, Organization, Product
from core.forms import read
from core.numbers import QUANTITY, Limits, format_number
from diary.choices import Activity, EntrySource
from workflows import chain

MAX_ROWS = 2000
MAX_BYTES = 5 * 1024 * 1024

COLUMNS = {
    "diary": [
        "growing_area_code",
        "activity",
        "date",
        "product_name",
        "active_ingredient",
        "dose",
        "phi_days",
        "withdrawal_days",
        "quantity",
        "unit",
        "note",
        "client_id",
    ],
    "lots": ["product_gtin", "growing_area_code", "quantity", "unit", "harvested_at", "lot_code", "claims", "note"],
}
EXAMPLES: dict[str, list[Any]] = {
    "diary": [
        "VT-51-DHA-0101",
        "spraying",
        "2026-11-20",
        "Anvil 5SC",
        "Hexaconazole",
        gettext_lazy("20 ml/bình 16 lít"),
        "14",
        "",
        "",
        "",
        gettext_lazy("Phun phòng gỉ sắt"),
        "",
    ],
    "lots": ["08930000000017", "VT-51-DHA-0101", "1200", "KGM", "2026-11-25", "", "organic", ""],
}


class _Rollback(Exception):
    pass


@dataclass
class ImportReport:
    kind: str
    rows: list[dict[str, str]] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row number in the sheet, message)
    written: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def template(kind: str) -> bytes:
    """The .xlsx template: the columns, one example row, and a sheet explaining the codes, in the active language.
    Made once per kind and language in a process, so every download is the same bytes (openpyxl stamps each save
    with the time)."""
    return _template(kind, translation.get_language())


@functools.lru_cache(maxsize=32)
def _template(kind: str, language: str | None) -> bytes:
    from openpyxl import Workbook  # openpyxl loads on the first workbook, not at start-up

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = kind
    sheet.append(COLUMNS[kind])
    sheet.append([str(value) for value in EXAMPLES[kind]])
    help_sheet = book.create_sheet(_("Hướng dẫn"))
    help_sheet.append([_("Cột"), _("Ý nghĩa")])
    help_sheet.append(["activity", ", ".join(f"{c} = {label}" for c, label in Activity.choices)])
    help_sheet.append(["date / harvested_at", _("Ngày dạng 2026-11-20 (hoặc ô ngày của Excel)")])
    help_sheet.append(["phi_days", _("Thời gian cách ly (ngày) — bắt buộc khi phun thuốc")])
    help_sheet.append(["withdrawal_days", _("Thời gian ngưng thuốc (ngày) — bắt buộc khi tiêm phòng, chữa bệnh")])
    help_sheet.append(["unit", _("KGM = kg, TNE = tấn, HEA = con, H87 = cái/quả, XPK = gói/hộp, LTR = lít")])
    help_sheet.append(["claims", _("Chứng nhận công bố, cách nhau dấu phẩy: vietgap, organic, globalgap…")])
    help_sheet.append(["client_id", _("Để trống; nếu có, nhập lại cùng tệp sẽ không ghi trùng")])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        # a number cell: written the Vietnamese way without groups ("0,12", "1200"), so that it reads back
        # as the same number through `_number` (a float's noise beyond 9 places dropped)
        return format_number(value, places=9, group=False)
    return str(value).strip()


def _number(name: str, text: str, limits: Limits) -> Decimal | None:
    """A figure of a row: a number cell, or text written the Vietnamese way ("1.200,5", "0,12"). An ambiguous
    text such as "1.200" is refused with a question (a file has no confirm box)."""
    try:
        return read(text, limits, confirmable=False)
    except ValidationError as exc:
        raise ValidationError({name: exc.messages}) from None


def read_rows(kind: str, name: str, content: bytes) -> list[dict[str, str]]:
    """Rows of an .xlsx or .csv upload as {column: text}; blank rows skipped."""
    if len(content) > MAX_BYTES:
        raise ValidationError(_("Tệp quá lớn (tối đa 5 MB)."))
    if content[:2] == b"PK":
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:
            raise ValidationError(_("Không đọc được tệp Excel.")) from exc
        sheet = book.worksheets[0]
        raw = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError(_("Tệp CSV phải mã hoá UTF-8.")) from exc
        raw = [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]
    if not raw:
        raise ValidationError(_("Tệp không có dữ liệu."))
    header = [h.strip().lower() for h in raw[0]]
    missing = [c for c in COLUMNS[kind][:3] if c not in header]
    if missing:
        raise ValidationError(_("Thiếu cột %(cols)s: hãy dùng tệp mẫu.") % {"cols": ", ".join(missing)})
    rows = []
    for values in raw[1:]:
        if not any(values):
            continue
        rows.append({h: (values[i] if i < len(values) else "") for i, h in enumerate(header) if h})
    if len(rows) > MAX_ROWS:
        raise ValidationError(_("Tối đa %(n)s dòng mỗi lần.") % {"n": MAX_ROWS})
    return rows


_LABELS = {str(label).lower(): code for code, label in Activity.choices}


def _diary_data(org: Organization, row: dict[str, str], areas: dict[str, GrowingArea]) -> dict[str, Any]:
    area = areas.get(row.get("growing_area_code", "").strip())
    if area is None:
        raise ValidationError(_("Không có vùng trồng mã %(code)s.") % {"code": row.get("growing_area_code", "")})
    activity = row.get("activity", "").strip()
    activity = _LABELS.get(activity.lower(), activity)
    data: dict[str, Any] = {k: row.get(k, "") for k in COLUMNS["diary"]}
    data.update({"growing_area": area, "activity": activity, "occurred_at": row.get("date", "")})
    data["quantity"] = _number("quantity", row.get("quantity", ""), QUANTITY)
    if not data["client_id"]:
        # a stable id per (file row content): importing the same file twice does not duplicate entries
        data["client_id"] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"truyxuat:{org.pk}:" + "|".join(row.values())))
    return data


def _lot_data(org: Organization, row: dict[str, str], areas: dict[str, GrowingArea]) -> dict[str, Any]:
    gtin = row.get("product_gtin", "").strip().zfill(14)
    product = Product.objects.filter(organization=org, gtin=gtin).first()
    if product is None:
        raise ValidationError(_("Không có sản phẩm GTIN %(gtin)s của tổ chức.") % {"gtin": row.get("product_gtin", "")})
    area = areas.get(row.get("growing_area_code", "").strip())
    if area is None:
        raise ValidationError(_("Không có vùng trồng mã %(code)s.") % {"code": row.get("growing_area_code", "")})
    return {
        "product": product,
        "growing_area": area,
        "quantity": _number("quantity", row.get("quantity", ""), QUANTITY),
        "unit": row.get("unit", "") or "KGM",
        "harvested_at": row.get("harvested_at", ""),
        "lot_code": row.get("lot_code", ""),
        "claims": [c.strip() for c in row.get("claims", "").split(",") if c.strip()],
        "note": row.get("note", ""),
    }


def _message(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)


def _apply(actor: Actor, org: Organization, report: ImportReport) -> None:
    areas = {a.code: a for a in GrowingArea.objects.filter(organization=org)}
    for number, row in enumerate(report.rows, start=2):
        try:
            with transaction.atomic():
                if report.kind == "diary":
                    _entry, created = chain.record_entry(
                        actor=actor, organization=org, data=_diary_data(org, row, areas), source=EntrySource.IMPORT
                    )
                    report.written += int(created)
                else:
                    chain.harvest(
                        actor=actor, organization=org, data=_lot_data(org, row, areas), source=EntrySource.IMPORT
                    )
                    report.written += 1
        except ValidationError as exc:
            report.errors.append((number, _message(exc)))


def preview(*, actor: Actor, organization: Organization, kind: str, rows: list[dict[str, str]]) -> ImportReport:
    """Validate every row through the services, then roll everything back."""
    report = ImportReport(kind=kind, rows=rows)
    try:
        with transaction.atomic():
            _apply(actor, organization, report)
            raise _Rollback
    except _Rollback:
        pass
    except PermissionDenied:
        raise
    report.written = 0
    return report


def commit(*, actor: Actor, organization: Organization, kind: str, rows: list[dict[str, str]]) -> ImportReport:
    """Write all rows, or none when any row fails (the report then lists every failing row)."""
    report = ImportReport(kind=kind, rows=rows)
    try:
        with transaction.atomic():
            _apply(actor, organization, report)
            if report.errors:
                raise _Rollback
    except _Rollback:
        report.written = 0
    return report

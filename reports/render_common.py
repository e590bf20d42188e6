"""Shared wording of periodic reports (PDF and XLSX say the same): the numbered rows of the summary table, section
numbering that never skips, dates dd/mm/yyyy and counts the Vietnamese way."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.utils.translation import gettext as _

from catalog.choices import LotStatus, OrganizationStatus
from core.numbers import format_number
from quality.choices import HandlingStatus, Verdict

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


class Sections:
    """Numbers the report's sections I, II, III… in the order they are printed (a section left out for want of
    data takes no number), and its charts 1, 2, 3…"""

    def __init__(self) -> None:
        self.sections = 0
        self.charts = 0

    def next(self, title: str) -> str:
        self.sections += 1
        return f"{ROMAN[self.sections - 1]}. {title}"

    def chart(self, title: str) -> str:
        self.charts += 1
        return _("Biểu đồ %(n)s. %(title)s") % {"n": self.charts, "title": title}


def vn_number(value: Any) -> str:
    """1234 → '1.234'; 0,5 → '0,5'; text (already worded) as it is."""
    if isinstance(value, str) and not value.replace(".", "", 1).replace("-", "", 1).isdigit():
        return value
    return format_number(value, locale="vi")


def vn_date(value: Any) -> str:
    """date or ISO text → 'dd/mm/yyyy'; anything else as it is."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else str(value)


def iso_date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def integer_axis(maximum: float, max_ticks: int = 6) -> tuple[int, int]:
    """(step, top) of a count axis from 0: a whole step of 1, 2 or 5 × 10ⁿ, at most `max_ticks` steps to `top`."""
    top_value = max(1, math.ceil(maximum))
    step = 1
    while math.ceil(top_value / step) > max_ticks:
        step = _next_step(step)
    return step, math.ceil(top_value / step) * step


def _next_step(step: int) -> int:
    """1 → 2 → 5 → 10 → 20 → 50 → 100…"""
    leading = int(str(step)[0])
    magnitude = step // leading
    return magnitude * {1: 2, 2: 5, 5: 10}[leading]


def summary_groups(f: dict[str, Any]) -> list[tuple[str, Any, list[tuple[str, Any]]]]:
    """(group, its figure or "", [(item, figure)]) in the order printed."""
    o, p, lots, oc = f["organizations"], f["products"], f["lots"], f["ocop"]
    verdicts = f["inspections"]["by_verdict"]
    return [
        (
            _("Tổ chức tham gia"),
            o["total"],
            [
                (_("Đã duyệt"), o["by_status"].get(OrganizationStatus.APPROVED, 0)),
                (_("Chờ duyệt"), o["by_status"].get(OrganizationStatus.PENDING, 0)),
                (_("Đình chỉ"), o["by_status"].get(OrganizationStatus.SUSPENDED, 0)),
                (_("Đăng ký mới trong kỳ"), o["new_in_period"]),
            ],
        ),
        (
            _("Sản phẩm"),
            p["total"],
            [
                (_("Sản phẩm đã có lô công bố (được truy xuất)"), p["traced"]),
                (_("Sản phẩm OCOP"), oc["total"]),
                (_("Sản phẩm OCOP đã truy xuất"), oc["traced"]),
                (_("Sản phẩm OCOP chưa truy xuất"), oc["untraced"]),
            ],
        ),
        (
            _("Lô hàng"),
            lots["total"],
            [
                (_("Lô công bố trong kỳ"), lots["published_in_period"]),
                (_("Lô đang chờ duyệt"), lots["by_status"].get(LotStatus.SUBMITTED, 0)),
                (_("Lô đã thu hồi (luỹ kế)"), lots["by_status"].get(LotStatus.RECALLED, 0)),
            ],
        ),
        (
            _("Tem truy xuất và lượt quét"),
            "",
            [
                (_("Tem cấp trong kỳ"), f["stamps"]["issued"]),
                (_("Lượt quét trong kỳ"), f["stamps"]["scans"]),
                (_("Sự kiện chuỗi cung ứng (EPCIS) ghi nhận trong kỳ"), f["events"]["in_period"]),
            ],
        ),
        (
            _("Kiểm tra, kiểm nghiệm"),
            "",
            [
                (_("Cuộc kiểm tra đã thực hiện"), f["inspections"]["done"]),
                (
                    _("Trong đó loại A / B / C"),
                    " / ".join(vn_number(verdicts.get(v, 0)) for v in Verdict.values),
                ),
                (_("Mẫu kiểm nghiệm, test nhanh"), f["lab_tests"]["total"]),
                (_("Mẫu không đạt"), f["lab_tests"]["failed"]),
                (_("Vi phạm phát hiện trong kỳ"), f["violations"]["found"]),
                (_("Vi phạm đã xử phạt"), f["violations"]["by_status"].get(HandlingStatus.PENALISED, 0)),
                (_("Tổng tiền phạt (đồng)"), f["violations"]["fines"]),
            ],
        ),
        (
            _("Thu hồi"),
            "",
            [
                (_("Đợt thu hồi mở trong kỳ"), f["recalls"]["started"]),
                (_("Đợt thu hồi kết thúc trong kỳ"), f["recalls"]["closed"]),
                (_("Đợt thu hồi đang mở"), f["recalls"]["open"]),
            ],
        ),
        (
            _("Phản ánh của người tiêu dùng"),
            f["complaints"]["received"],
            [
                (_("Khiếu nại, nghi hàng giả"), f["complaints"]["complaints"]),
                (_("Đã trả lời"), f["complaints"]["answered"]),
                (_("Quá hạn trả lời"), f["complaints"]["overdue"]),
            ],
        ),
        (
            _("Chứng nhận"),
            "",
            [
                (_("Còn hiệu lực cuối kỳ"), f["certificates"]["valid"]),
                (_("Hết hiệu lực trong kỳ"), f["certificates"]["expired_in_period"]),
                (_("Sắp hết hiệu lực (90 ngày sau kỳ)"), f["certificates"]["expiring_90d"]),
            ],
        ),
    ]


def summary_rows(f: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """(number, item, figure) rows of the summary table: groups 1, 2, 3…, their items 1.1, 1.2…

    Figures stay numbers (the XLSX stores them as numbers); `vn_number` words them for the PDF."""
    rows: list[tuple[str, str, Any]] = []
    for g, (group, value, items) in enumerate(summary_groups(f), start=1):
        rows.append((str(g), group, value))
        rows += [(f"{g}.{i}", item, v) for i, (item, v) in enumerate(items, start=1)]
    return rows


def people_heading(people: dict[str, Any]) -> str:
    """The per-commune training section's title with the year's targets (PDF and XLSX alike)."""
    return _(
        "Tập huấn theo xã, phường năm %(year)s (mục tiêu: %(officers)s %% cán bộ, %(businesses)s %% doanh nghiệp)"
    ) % {
        "year": people["year"],
        "officers": vn_number(people["officers_target"] or 0),
        "businesses": vn_number(people["businesses_target"] or 0),
    }


def people_header() -> list[str]:
    return [
        _("Xã, phường"),
        _("Cán bộ đã tập huấn"),
        _("Tỷ lệ cán bộ"),
        _("Doanh nghiệp, HTX đã tập huấn"),
        _("Tỷ lệ doanh nghiệp, HTX"),
        _("Mô hình điểm"),
    ]


def _share_text(share: str | None, met: bool | None) -> str:
    if share is None:
        return "—"
    return f"{vn_number(share)} % ({_('đạt') if met else _('chưa đạt')})"


def people_rows(people: dict[str, Any]) -> list[list[str]]:
    """One row per commune: name, trained/all, share against the target in words (met or not), pilot models."""
    return [
        [
            r["ward"],
            f"{r['officers_trained']}/{r['officers']}",
            _share_text(r["officers_share"], r["officers_met"]),
            f"{r['businesses_trained']}/{r['businesses']}",
            _share_text(r["businesses_share"], r["businesses_met"]),
            vn_number(r["pilots"]),
        ]
        for r in people["rows"]
    ]

"""Shared wording of periodic reports: the rows of the summary table, in order, from the figures."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from catalog.choices import LotStatus, OrganizationStatus
from quality.choices import HandlingStatus, Verdict


def summary_rows(f: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """(section, item, value) rows of the report's summary table."""
    o, p, lots, oc = f["organizations"], f["products"], f["lots"], f["ocop"]
    rows: list[tuple[str, str, Any]] = [
        ("I", _("Tổ chức tham gia"), o["total"]),
        ("", _("Đã duyệt"), o["by_status"].get(OrganizationStatus.APPROVED, 0)),
        ("", _("Chờ duyệt"), o["by_status"].get(OrganizationStatus.PENDING, 0)),
        ("", _("Đình chỉ"), o["by_status"].get(OrganizationStatus.SUSPENDED, 0)),
        ("", _("Đăng ký mới trong kỳ"), o["new_in_period"]),
        ("II", _("Sản phẩm"), p["total"]),
        ("", _("Sản phẩm đã có lô công bố (được truy xuất)"), p["traced"]),
        ("", _("Sản phẩm OCOP"), oc["total"]),
        ("", _("Sản phẩm OCOP đã truy xuất"), oc["traced"]),
        ("", _("Sản phẩm OCOP chưa truy xuất"), oc["untraced"]),
        ("III", _("Lô hàng"), lots["total"]),
        ("", _("Lô công bố trong kỳ"), lots["published_in_period"]),
        ("", _("Lô đang chờ duyệt"), lots["by_status"].get(LotStatus.SUBMITTED, 0)),
        ("", _("Lô đã thu hồi (luỹ kế)"), lots["by_status"].get(LotStatus.RECALLED, 0)),
        ("IV", _("Tem truy xuất và lượt quét"), ""),
        ("", _("Tem cấp trong kỳ"), f["stamps"]["issued"]),
        ("", _("Lượt quét trong kỳ"), f["stamps"]["scans"]),
        ("", _("Sự kiện chuỗi cung ứng (EPCIS) ghi nhận trong kỳ"), f["events"]["in_period"]),
        ("V", _("Kiểm tra, kiểm nghiệm"), ""),
        ("", _("Cuộc kiểm tra đã thực hiện"), f["inspections"]["done"]),
        (
            "",
            _("Trong đó loại A / B / C"),
            " / ".join(str(f["inspections"]["by_verdict"].get(v, 0)) for v in Verdict.values),
        ),
        ("", _("Mẫu kiểm nghiệm, test nhanh"), f["lab_tests"]["total"]),
        ("", _("Mẫu không đạt"), f["lab_tests"]["failed"]),
        ("", _("Vi phạm phát hiện trong kỳ"), f["violations"]["found"]),
        ("", _("Vi phạm đã xử phạt"), f["violations"]["by_status"].get(HandlingStatus.PENALISED, 0)),
        ("", _("Tổng tiền phạt (đồng)"), f["violations"]["fines"]),
        ("VI", _("Thu hồi"), ""),
        ("", _("Đợt thu hồi mở trong kỳ"), f["recalls"]["started"]),
        ("", _("Đợt thu hồi kết thúc trong kỳ"), f["recalls"]["closed"]),
        ("", _("Đợt thu hồi đang mở"), f["recalls"]["open"]),
        ("VII", _("Phản ánh của người tiêu dùng"), f["complaints"]["received"]),
        ("", _("Khiếu nại, nghi hàng giả"), f["complaints"]["complaints"]),
        ("", _("Đã trả lời"), f["complaints"]["answered"]),
        ("", _("Quá hạn trả lời"), f["complaints"]["overdue"]),
        ("VIII", _("Chứng nhận"), ""),
        ("", _("Còn hiệu lực cuối kỳ"), f["certificates"]["valid"]),
        ("", _("Hết hiệu lực trong kỳ"), f["certificates"]["expired_in_period"]),
        ("", _("Sắp hết hiệu lực (90 ngày sau kỳ)"), f["certificates"]["expiring_90d"]),
    ]
    return rows

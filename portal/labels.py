"""Labels of the consumer lot story, translated and escaped once per language in each process.

`{% translate %}` costs time at every render, and the lot page (the hot page: every scan) carries forty of them,
a third of its render time (bench/README.md, "Portal"). Its templates read `T.<name>` instead. The msgids are the same
Vietnamese source texts as everywhere (makemessages extracts them from here); Vietnamese is the source language.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

STORY_LABELS = {
    "recalled_banner": _("LÔ HÀNG NÀY ĐÃ BỊ THU HỒI. Không sử dụng sản phẩm; liên hệ nơi bán hoặc nhà sản xuất."),
    "recall_number": _("Số thông báo thu hồi"),
    "original_notice": _("Thông báo gốc (tiếng Việt)"),
    "expired_banner": _("Sản phẩm của lô này đã quá hạn sử dụng."),
    "hold_title": _("LÔ HÀNG NÀY ĐANG BỊ TẠM GIỮ"),
    "hold_meaning": _(
        "Cơ quan quản lý đã tạm giữ lô hàng này vì mẫu kiểm nghiệm không đạt. Trong khi chờ xác minh, không nên "
        "sử dụng sản phẩm của lô này; hãy giữ lại sản phẩm và liên hệ nơi bán hoặc nhà sản xuất."
    ),
    "hold_reason": _("Lý do"),
    "hold_laboratory": _("Nơi kiểm nghiệm"),
    "hold_basis": _("Căn cứ giới hạn"),
    "hold_since": _("Tạm giữ từ ngày"),
    "verifying_title": _("Lô hàng này đang xác minh"),
    "verifying_meaning": _(
        "Lô này được làm từ (hoặc đóng gói cùng) một lô đang bị cơ quan quản lý tạm giữ. Lô này đang xác minh: "
        "chưa có kết luận là không an toàn, nhưng nên chờ kết luận trước khi sử dụng."
    ),
    "verifying_input": _("Lô đang bị tạm giữ"),
    "verifying_link": _("Xem lý do tạm giữ"),
    "ledger_checking": _("Đang kiểm tra sổ cái công khai…"),
    "ledger_what": _("Nghĩa là gì?"),
    "ledger_explain": _(
        "Mỗi thông tin của lô này (sản phẩm, lô, các bước trong chuỗi, kết quả kiểm nghiệm, quyết định của cơ quan "
        "quản lý) được ghi vào một sổ cái công khai chỉ ghi thêm, không sửa được. Điện thoại của bạn vừa tự kiểm "
        "tra các bản ghi đó với sổ cái, không cần tin máy chủ: nếu ai đó sửa dữ liệu sau khi ghi, kết quả sẽ báo "
        "không khớp."
    ),
    "ledger_each_record": _("Xem kết quả kiểm tra từng bản ghi"),
    "lot_number": _("Số lô"),
    "gtin": _("Mã sản phẩm (GTIN)"),
    "brand": _("Nhãn hiệu"),
    "production_date": _("Ngày sản xuất/thu hoạch"),
    "expiry_date": _("Hạn sử dụng"),
    "lot_quantity": _("Số lượng lô"),
    "standards": _("Tiêu chuẩn áp dụng"),
    "category": _("Nhóm sản phẩm"),
    "producer": _("Đơn vị sản xuất"),
    "tax_code": _("Mã số thuế"),
    "phone": _("Điện thoại"),
    "journey": _("Hành trình sản phẩm"),
    "growing_area": _("Vùng trồng, nuôi"),
    "produced": _("Sản xuất, thu hoạch"),
    "approved": _("Cơ quan quản lý duyệt công bố"),
    "no_events": _("Chưa có bước nào của chuỗi cung ứng được ghi cho lô này."),
    "map": _("Bản đồ vùng trồng và cơ sở"),
    "certificates": _("Chứng nhận"),
    "valid": _("Còn hiệu lực"),
    "expired": _("Hết hiệu lực"),
    "not_yet_valid": _("Chưa có hiệu lực"),
    "view_scan": _("Xem bản scan"),
    "no_certificates": _("Chưa có chứng nhận."),
    "lab_results": _("Kết quả kiểm nghiệm"),
    "analyte": _("Chỉ tiêu"),
    "result": _("Kết quả"),
    "limit": _("Giới hạn"),
    "passed": _("Đạt"),
    "failed": _("Không đạt"),
    "no_lab_results": _("Chưa có kết quả kiểm nghiệm được công bố cho lô này."),
    "lot": _("Lô"),
    "feedback": _("Phản ánh, góp ý"),
    "send_feedback": _("Gửi phản ánh về sản phẩm này"),
    "watch": _("Nhận thư khi sản phẩm này bị thu hồi hoặc cảnh báo"),
}
_translated: dict[str, dict[str, SafeString]] = {}


def story_labels() -> dict[str, SafeString]:
    """The labels in the active language (translations are compiled files: they do not change while running)."""
    language = get_language() or settings.LANGUAGE_CODE
    labels = _translated.get(language)
    if labels is None:
        labels = _translated[language] = {name: conditional_escape(text) for name, text in STORY_LABELS.items()}
    return labels


def category_label(category: object) -> str:
    """A priority category's name in the active language (its English name in English mode, when it has one)."""
    if category is None:
        return ""
    english = getattr(category, "name_en", "")
    language = get_language() or ""
    return str(english if english and language.startswith("en") else getattr(category, "name", category))

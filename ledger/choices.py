"""Kinds of records that become ledger leaves."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class LeafKind(models.TextChoices):
    EVENT = "event", _("Sự kiện EPCIS")
    ORGANIZATION = "organization", pgettext_lazy("ledger record", "Tổ chức")
    PRODUCT = "product", pgettext_lazy("ledger record", "Sản phẩm")
    LOT = "lot", pgettext_lazy("ledger record", "Lô hàng")
    CERTIFICATE = "certificate", pgettext_lazy("ledger record", "Chứng nhận")
    LAB_TEST = "lab_test", pgettext_lazy("ledger record", "Kết quả kiểm nghiệm")
    RECALL = "recall", pgettext_lazy("ledger record", "Thu hồi")
    LOT_HOLD = "lot_hold", pgettext_lazy("ledger record", "Tạm giữ lô")
    REVIEW = "review", _("Quyết định phê duyệt")
    RULE_DECISION = "rule_decision", _("Quyết định quy tắc")
    # Stamp batches were appended as REVIEW until issue 17; those leaves keep that kind (a leaf is never rewritten,
    # and neither its hash nor the audit reads the kind: the audit finds a record by `record_type`).
    STAMP_BATCH = "stamp_batch", _("Lô tem")
    OPEN_DATA = "open_data", _("Tệp dữ liệu mở")
    DUE_DILIGENCE = "due_diligence", _("Tuyên bố thẩm định EUDR")
    ANALYSIS_FLAG = "analysis_flag", _("Cảnh báo phân tích (bác bỏ, giải trình)")
    RETURNABLE_ASSET = "returnable_asset", _("Tài sản quay vòng (GRAI)")
    OFFICER_SCOPE = "officer_scope", _("Phạm vi phụ trách của cán bộ")
    ANALYSIS_YIELD = "analysis_yield", _("Năng suất học được (chấp nhận, từ chối)")


class AlarmKind(models.TextChoices):
    INCONSISTENT = "inconsistent", _("Điểm kiểm tra không nhất quán (sổ cái bị rẽ nhánh)")
    ROLLBACK = "rollback", _("Sổ cái bị thu nhỏ (quay lui)")
    BAD_SIGNATURE = "bad_signature", _("Chữ ký điểm kiểm tra không hợp lệ")
    AUDIT = "audit", _("Kiểm toán phát hiện sai lệch")

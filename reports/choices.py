"""Choices of indicators and periodic reports."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodKind(models.TextChoices):
    QUARTER = "quarter", _("Quý")
    HALF = "half", _("6 tháng")
    YEAR = "year", _("Năm")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang lập")
    DONE = "done", _("Đã xong")
    FAILED = "failed", _("Lỗi")


class IndicatorMethod(models.TextChoices):
    BUSINESS_TRACEABILITY_SHARE = "business_share", _("Tỷ lệ doanh nghiệp, HTX dùng mã vạch gắn hệ thống truy xuất (%)")
    OCOP_TRACED_SHARE = "ocop_share", _("Tỷ lệ sản phẩm OCOP được truy xuất (%)")
    PRIORITY_PRODUCTS_TRACED_SHARE = "priority_share", _("Tỷ lệ sản phẩm nhóm ưu tiên 1 được truy xuất (%)")
    ORGANIZATIONS_APPROVED = "orgs_approved", _("Số tổ chức tham gia đã được duyệt")
    LOTS_PUBLISHED = "lots_published", _("Số lô đã công bố")
    OFFICERS_TRAINED_SHARE = "officers_trained", _("Tỷ lệ cán bộ xã, phường được tập huấn (%)")
    BUSINESSES_TRAINED_SHARE = "business_trained", _("Tỷ lệ doanh nghiệp, HTX được tập huấn (%)")
    PILOT_MODELS = "pilot_models", _("Số mô hình điểm đang triển khai hoặc đã nghiệm thu")
    MONITORED_ENTERPRISES = "monitored", _("Số doanh nghiệp được giám sát trực tiếp")
    MANUAL = "manual", _("Số liệu nhập tay")


PERCENT_METHODS = (
    IndicatorMethod.BUSINESS_TRACEABILITY_SHARE,
    IndicatorMethod.OCOP_TRACED_SHARE,
    IndicatorMethod.PRIORITY_PRODUCTS_TRACED_SHARE,
    IndicatorMethod.OFFICERS_TRAINED_SHARE,
    IndicatorMethod.BUSINESSES_TRAINED_SHARE,
)

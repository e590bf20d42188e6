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
    MANUAL = "manual", _("Số liệu nhập tay (tập huấn, mô hình thí điểm…)")


PERCENT_METHODS = (
    IndicatorMethod.BUSINESS_TRACEABILITY_SHARE,
    IndicatorMethod.OCOP_TRACED_SHARE,
    IndicatorMethod.PRIORITY_PRODUCTS_TRACED_SHARE,
)

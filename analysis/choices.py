"""Kinds and states of the analysis' records."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FlagKind(models.TextChoices):
    AREA_YIELD = "area_yield", _("Sản lượng vượt khả năng của vùng trồng")
    PROCESSOR_BALANCE = "processor_balance", _("Thành phẩm vượt nguyên liệu đầu vào")
    SHIPPED_STOCK = "shipped_stock", _("Xuất bán nhiều hơn hàng có")
    STAMP_TRAVEL = "stamp_travel", _("Tem được quét ở hai nơi quá xa trong thời gian ngắn")
    STAMP_PLACES = "stamp_places", _("Tem được quét ở quá nhiều nơi")
    STAMP_EXPIRED = "stamp_expired", _("Tem được quét sau hạn sử dụng của lô")
    STAMP_UNISSUED = "stamp_unissued", _("Quét số sê-ri chưa từng được cấp")
    DIARY_FAR = "diary_far", _("Nhật ký ghi ở xa vùng trồng")
    BACKDATED = "backdated", _("Nhiều nhật ký ghi lùi ngày cùng lúc")
    PHI_AFTER = "phi_after", _("Phun thuốc trong thời gian cách ly, ghi sau khi thu hoạch")
    SENSOR_COPY = "sensor_copy", _("Chuỗi số đo giống hệt nhau giữa các thiết bị")
    LAB_OUTLIER = "lab_outlier", _("Kết quả kiểm nghiệm khác thường so với cùng chỉ tiêu")


STAMP_KINDS = (FlagKind.STAMP_TRAVEL, FlagKind.STAMP_PLACES, FlagKind.STAMP_EXPIRED, FlagKind.STAMP_UNISSUED)
MASS_KINDS = (FlagKind.AREA_YIELD, FlagKind.PROCESSOR_BALANCE, FlagKind.SHIPPED_STOCK)


class FlagStatus(models.TextChoices):
    OPEN = "open", _("Đang mở")
    DISMISSED = "dismissed", _("Đã bác bỏ")


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Đang chạy")
    DONE = "done", _("Xong")
    FAILED = "failed", _("Lỗi")


class YieldSource(models.TextChoices):
    """Where a yield range came from, shown on a flag's evidence."""

    CATALOG = "catalog", _("Mức mặc định của hệ thống")
    ENTERED = "entered", _("Cán bộ nhập")
    LEARNED = "learned", _("Học từ số liệu thu hoạch của tỉnh")


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Chờ xem xét")
    ACCEPTED = "accepted", _("Đã chấp nhận")
    REJECTED = "rejected", _("Đã từ chối")
    SUPERSEDED = "superseded", _("Đã có đề xuất mới hơn")

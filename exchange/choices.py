"""Choices of the exchanges."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StatementStatus(models.TextChoices):
    PREPARED = "prepared", _("Đã lập hồ sơ")
    FILED = "filed", _("Đã nộp lên hệ thống EU")


class PortalKind(models.TextChoices):
    ORGANIZATION = "organization", _("Tổ chức")
    PRODUCT = "product", _("Sản phẩm")
    LOT = "lot", _("Lô hàng")
    RECALL = "recall", _("Thu hồi")


class PortalStatus(models.TextChoices):
    QUEUED = "queued", _("Chờ gửi")
    RETRYING = "retrying", _("Đang thử lại")
    ACCEPTED = "accepted", _("Đã được nhận")
    REFUSED = "refused", _("Bị từ chối")
    DEAD = "dead", _("Gửi không được (chờ cán bộ xử lý)")


class ReleaseKind(models.TextChoices):
    SNAPSHOT = "snapshot", _("Toàn bộ")
    CHANGES = "changes", _("Thay đổi từ lần trước")


class ImportFormat(models.TextChoices):
    SHEET = "xlsx", _("Bảng Excel theo mẫu")
    EPCIS = "epcis", _("Tài liệu EPCIS (JSON-LD hoặc XML)")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Đã tải lên, chờ xác nhận")
    QUEUED = "queued", _("Đang chờ nhập")
    RUNNING = "running", _("Đang nhập")
    DONE = "done", _("Đã nhập xong")
    FAILED = "failed", _("Không nhập được (không ghi gì)")


class MappingKind(models.TextChoices):
    PRODUCT = "product", _("Mã sản phẩm")
    LOT = "lot", _("Mã lô")
    LOCATION = "location", _("Mã địa điểm")


class PushRunStatus(models.TextChoices):
    QUEUED = "queued", _("Chờ chạy")
    RUNNING = "running", _("Đang đẩy")
    DONE = "done", _("Đã xong")
    FAILED = "failed", _("Không chạy được")

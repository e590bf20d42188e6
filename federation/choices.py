"""Choices of the federation's records."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    OUTGOING = "outgoing", _("Gửi đi")
    INCOMING = "incoming", _("Nhận về")


class NoticeStatus(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENT = "sent", _("Đã gửi, chờ xác nhận")
    RECEIVED = "received", _("Chờ xử lý")
    ACKNOWLEDGED = "acknowledged", _("Đã xác nhận")


class HubKind(models.TextChoices):
    LOT = "lot", _("Lô hàng")
    STATS = "stats", _("Thống kê")

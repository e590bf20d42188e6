"""Choices of lots' movements: processing, packing, shipments."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Process(models.TextChoices):
    DRYING = "drying", _("Phơi, sấy")
    HULLING = "hulling", _("Xát vỏ, sơ chế")
    ROASTING = "roasting", _("Rang")
    MILLING = "milling", _("Xay")
    PACKING = "packing", _("Đóng gói thành phẩm")
    SLAUGHTERING = "slaughtering", _("Giết mổ, pha lóc")
    SPLIT = "split", _("Chia lô")
    MERGE = "merge", _("Gộp lô")
    OTHER = "other", _("Chế biến khác")


class UnitKind(models.TextChoices):
    CARTON = "carton", _("Thùng")
    BAG = "bag", _("Bao")
    PALLET = "pallet", _("Pallet")


class ShipmentStatus(models.TextChoices):
    PENDING = "pending", _("Đang chờ bên nhận xác nhận")
    RECEIVED = "received", _("Đã nhận đủ")
    DISCREPANCY = "discrepancy", _("Đã nhận, có chênh lệch")
    REJECTED = "rejected", _("Bên nhận từ chối")
    HANDED_OVER = "handed_over", _("Đã giao người mua chưa đăng ký")
    CANCELLED = "cancelled", pgettext_lazy("shipment status", "Đã huỷ")


OPEN_STATUSES = (ShipmentStatus.PENDING,)
DONE_STATUSES = (ShipmentStatus.RECEIVED, ShipmentStatus.DISCREPANCY, ShipmentStatus.HANDED_OVER)

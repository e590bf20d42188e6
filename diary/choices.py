"""Choices of the farm diary."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Activity(models.TextChoices):
    """What was done on a growing area or to a herd; each maps to a bizStep in `diary.activities`."""

    LAND_PREPARATION = "land_preparation", _("Làm đất")
    SEEDING = "seeding", _("Gieo hạt")
    PLANTING = "planting", _("Trồng, xuống giống")
    FERTILISING = "fertilising", _("Bón phân")
    SPRAYING = "spraying", _("Phun thuốc")
    IRRIGATING = "irrigating", _("Tưới nước")
    WEEDING = "weeding", _("Làm cỏ")
    PRUNING = "pruning", _("Tỉa cành")
    FEEDING = "feeding", _("Cho ăn")
    VACCINATING = "vaccinating", _("Tiêm phòng")
    TREATING = "treating", _("Chữa bệnh")
    HARVESTING = "harvesting", _("Thu hoạch")


class EntrySource(models.TextChoices):
    WEB = "web", _("Trang web")
    OFFLINE = "offline", _("Ghi ngoại tuyến, đồng bộ sau")
    API = "api", _("API")
    IMPORT = "import", _("Nhập từ tệp")


class Correction(models.TextChoices):
    """What became of an entry found wrong (`diary.corrections`): the row stays, marked; "" while it stands."""

    CORRECTED = "corrected", _("Đã sửa")
    VOIDED = "voided", _("Đã huỷ")

"""Choices of recalls."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RecallStatus(models.TextChoices):
    OPEN = "open", _("Đang thu hồi")
    CLOSED = "closed", _("Đã kết thúc")


class HazardClass(models.TextChoices):
    CLASS_I = "I", _("Loại I: nguy hại nghiêm trọng đến sức khoẻ")
    CLASS_II = "II", _("Loại II: có thể gây hại tạm thời")
    CLASS_III = "III", _("Loại III: không đạt quy định, ít nguy cơ")


class RecallOrigin(models.TextChoices):
    LOT = "lot", _("Từ một lô")
    FACILITY = "facility", _("Từ một cơ sở")
    LAB_TEST = "lab_test", _("Từ kết quả kiểm nghiệm")

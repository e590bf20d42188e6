"""Choices of trainings, pilot models and monitored enterprises (labels in Vietnamese, never shown as codes)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    OFFICERS = "officers", _("Cán bộ quản lý")
    BUSINESSES = "businesses", _("Doanh nghiệp, HTX, hộ sản xuất")
    MIXED = "mixed", _("Cán bộ và doanh nghiệp")


class AttendeeRole(models.TextChoices):
    OFFICER = "officer", _("Cán bộ xã, phường")
    STAFF = "staff", _("Người của tổ chức sản xuất, kinh doanh")


class PilotStatus(models.TextChoices):
    PLANNED = "planned", _("Đang chuẩn bị")
    RUNNING = "running", _("Đang triển khai")
    RECOGNISED = "recognised", _("Đã nghiệm thu")
    STOPPED = "stopped", _("Đã dừng")


class MonitoringStatus(models.TextChoices):
    ACTIVE = "active", _("Đang giám sát")
    ENDED = "ended", _("Đã kết thúc")


COUNTED_PILOTS = (PilotStatus.RUNNING, PilotStatus.RECOGNISED)

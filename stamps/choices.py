"""Choices of the stamps domain."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BatchStatus(models.TextChoices):
    REQUESTED = "requested", _("Chờ duyệt")
    APPROVED = "approved", _("Đã cấp")
    REJECTED = "rejected", _("Từ chối")
    REVOKED = "revoked", _("Đã huỷ")


class CheckResult(models.TextChoices):
    NONE = "", _("Không nhập mã kiểm tra")
    MATCH = "match", _("Mã kiểm tra đúng")
    MISMATCH = "mismatch", _("Mã kiểm tra sai")


class LabelLayout(models.TextChoices):
    A4_65 = "a4-65", _("A4, 65 tem (38,1 × 21,2 mm)")
    A4_24 = "a4-24", _("A4, 24 tem (64 × 33,9 mm)")
    A4_40 = "a4-40", _("A4, 40 tem (48,5 × 25,4 mm)")
    ROLL_40x30 = "roll-40x30", _("Cuộn tem 40 × 30 mm")


class LabelJobStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang tạo")
    DONE = "done", _("Đã xong")
    FAILED = "failed", _("Không thành công")

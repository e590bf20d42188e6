"""Choices of the rule engine."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    PASS = "pass", _("Đạt")
    BLOCK = "block", _("Chặn công bố")
    HOLD = "hold", _("Tạm giữ")


class Trigger(models.TextChoices):
    EVENT = "event", _("Khi ghi sự kiện")
    DIARY = "diary", _("Khi ghi nhật ký")
    SUBMIT = "submit", _("Khi gửi duyệt")
    PUBLISH = "publish", _("Khi công bố")
    CHECK = "check", _("Khi kiểm tra")

"""Choices of notifications."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class NotificationKind(models.TextChoices):
    REVIEW = "review", _("Kết quả phê duyệt")
    REVIEW_QUEUE = "review_queue", _("Chờ phê duyệt")
    LAB_TEST = "lab_test", _("Kết quả kiểm nghiệm")
    INSPECTION = "inspection", pgettext_lazy("notification kind", "Kiểm tra")
    RECALL = "recall", _("Thu hồi")
    COMPLAINT = "complaint", _("Phản ánh")
    OTHER = "other", _("Khác")

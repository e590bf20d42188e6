"""Choices of the feedback domain."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FeedbackKind(models.TextChoices):
    FEEDBACK = "feedback", _("Góp ý, đánh giá")
    COMPLAINT = "complaint", _("Khiếu nại về chất lượng")
    COUNTERFEIT = "counterfeit", _("Nghi hàng giả, hàng nhái")


class FeedbackStatus(models.TextChoices):
    NEW = "new", _("Mới gửi")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    ANSWERED = "answered", _("Đã trả lời")
    CLOSED = "closed", _("Đã đóng")

"""Choices shared across apps."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE = "create", _("Tạo mới")
    UPDATE = "update", _("Cập nhật")
    DELETE = "delete", _("Xoá")
    APPROVE = "approve", _("Phê duyệt")
    REJECT = "reject", _("Từ chối")
    SUSPEND = "suspend", _("Đình chỉ")
    SUBMIT = "submit", _("Gửi duyệt")
    PUBLISH = "publish", _("Công bố")
    RECALL = "recall", _("Thu hồi")
    REVOKE = "revoke", _("Huỷ bỏ")
    CAPTURE = "capture", _("Ghi nhận sự kiện")
    VIEW = "view", _("Xem dữ liệu cá nhân")

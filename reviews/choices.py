"""Choices of the review domain."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewKind(models.TextChoices):
    ORGANIZATION = "organization", _("Tổ chức mới")
    LOT = "lot", _("Lô gửi công bố")
    STAMP_BATCH = "stamp_batch", _("Yêu cầu cấp tem")
    MASTER_DATA = "master_data", _("Thay đổi dữ liệu gốc")


class Decision(models.TextChoices):
    APPROVED = "approved", _("Phê duyệt")
    REJECTED = "rejected", _("Từ chối")
    CHANGES_REQUESTED = "changes", _("Yêu cầu sửa đổi")


class DocumentKind(models.TextChoices):
    BUSINESS_LICENCE = "licence", _("Giấy chứng nhận đăng ký kinh doanh/HTX")
    CERTIFICATE = "certificate", _("Giấy chứng nhận (VietGAP, ATTP, OCOP…)")


RISK_RANK = {"low": 0, "medium": 1, "high": 2}

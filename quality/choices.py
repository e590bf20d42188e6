"""Choices of inspections, lab tests and violations."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AnalyteGroup(models.TextChoices):
    PESTICIDE = "pesticide", _("Dư lượng thuốc bảo vệ thực vật")
    NITRATE = "nitrate", _("Nitrat")
    PRESERVATIVE = "preservative", _("Chất bảo quản, phụ gia cấm (hàn the…)")
    HEAVY_METAL = "heavy_metal", _("Kim loại nặng")
    MICROBIOLOGY = "microbiology", _("Vi sinh vật")
    MYCOTOXIN = "mycotoxin", _("Độc tố vi nấm")
    VETERINARY = "veterinary", _("Tồn dư thuốc thú y, chất cấm chăn nuôi")
    ACTIVE = "active", _("Hoạt chất, chỉ tiêu chất lượng")
    OTHER = "other", _("Khác")


class TestKind(models.TextChoices):
    RAPID = "rapid", _("Test nhanh")
    LABORATORY = "laboratory", _("Phòng thí nghiệm")


class InspectionStatus(models.TextChoices):
    PLANNED = "planned", _("Đã lên kế hoạch")
    DONE = "done", _("Đã kiểm tra")
    CANCELLED = "cancelled", _("Huỷ")


class Verdict(models.TextChoices):
    SATISFACTORY = "A", _("Đạt (loại A)")
    NEEDS_IMPROVEMENT = "B", _("Đạt, cần khắc phục (loại B)")
    UNSATISFACTORY = "C", _("Không đạt (loại C)")


class ChecklistResult(models.TextChoices):
    OK = "ok", _("Đạt")
    NOT_OK = "not_ok", _("Không đạt")
    NA = "na", _("Không áp dụng")


class HandlingStatus(models.TextChoices):
    OPEN = "open", _("Mới phát hiện")
    HANDLING = "handling", _("Đang xử lý")
    PENALISED = "penalised", _("Đã xử phạt")
    RESOLVED = "resolved", _("Đã khắc phục")
    DISMISSED = "dismissed", _("Không vi phạm")


CLOSED_HANDLING = (HandlingStatus.RESOLVED, HandlingStatus.DISMISSED)

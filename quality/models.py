"""Inspections of facilities, rapid and laboratory tests against a configurable table of maximum levels,
holds on lots that failed, and violations with their handling status."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.choices import FacilityKind
from quality.choices import AnalyteGroup, HandlingStatus, InspectionStatus, TestKind, Verdict


class Analyte(models.Model):
    """Something measured: a pesticide residue, nitrate, borax, lead, Salmonella…"""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên chỉ tiêu"), max_length=120)
    group = models.CharField(_("nhóm"), max_length=14, choices=AnalyteGroup.choices)
    default_unit = models.CharField(_("đơn vị mặc định"), max_length=20, default="mg/kg")

    class Meta:
        ordering = ["group", "name"]
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")

    def __str__(self) -> str:
        return self.name


class MaxLevel(models.Model):
    """A maximum level (giới hạn tối đa) of an analyte, for one product category or (category empty) for all."""

    analyte = models.ForeignKey(Analyte, on_delete=models.CASCADE, related_name="max_levels")
    category = models.ForeignKey(
        "catalog.PriorityCategory",
        verbose_name=_("nhóm sản phẩm"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    limit = models.DecimalField(_("giới hạn tối đa"), max_digits=14, decimal_places=6)
    unit = models.CharField(_("đơn vị"), max_length=20)
    regulation = models.CharField(_("văn bản quy định"), max_length=120, help_text=_("Ví dụ: QCVN 8-2:2011/BYT."))

    class Meta:
        ordering = ["analyte", "category"]
        constraints = [
            models.UniqueConstraint(fields=["analyte", "category"], name="unique_max_level"),
            models.UniqueConstraint(
                fields=["analyte"], condition=Q(category__isnull=True), name="unique_general_max_level"
            ),
        ]
        verbose_name = _("giới hạn tối đa")
        verbose_name_plural = _("bảng giới hạn tối đa")

    def __str__(self) -> str:
        return f"{self.analyte}: ≤ {self.limit} {self.unit}"


class LabTest(models.Model):
    """A rapid test or laboratory result, linked to lots, a facility and/or a growing area.

    `limit` is copied from the maximum-level table when recorded (so later table edits do not rewrite history);
    `passed` is `value <= limit`, or the officer's verdict where no limit applies. A failed result holds its lots.
    """

    kind = models.CharField(_("loại"), max_length=10, choices=TestKind.choices)
    analyte = models.ForeignKey(Analyte, verbose_name=_("chỉ tiêu"), on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("kết quả"), max_digits=14, decimal_places=6)
    unit = models.CharField(_("đơn vị"), max_length=20)
    limit = models.DecimalField(_("giới hạn"), max_digits=14, decimal_places=6, null=True, blank=True)
    limit_source = models.CharField(_("căn cứ giới hạn"), max_length=120, blank=True)
    passed = models.BooleanField(_("đạt"))
    method = models.CharField(_("phương pháp"), max_length=120, blank=True)
    laboratory = models.CharField(_("phòng thử nghiệm"), max_length=255)
    sample_code = models.CharField(_("mã mẫu"), max_length=60, blank=True)
    sampled_on = models.DateField(_("ngày lấy mẫu"))
    result_on = models.DateField(_("ngày có kết quả"), null=True, blank=True)
    organization = models.ForeignKey("catalog.Organization", on_delete=models.PROTECT, related_name="lab_tests")
    lots = models.ManyToManyField("catalog.Lot", verbose_name=_("lô"), blank=True, related_name="lab_tests")
    facility = models.ForeignKey(
        "catalog.Facility", null=True, blank=True, on_delete=models.PROTECT, related_name="lab_tests"
    )
    growing_area = models.ForeignKey(
        "catalog.GrowingArea", null=True, blank=True, on_delete=models.PROTECT, related_name="lab_tests"
    )
    notes = models.TextField(_("ghi chú"), blank=True)
    document = models.FileField(_("phiếu kết quả"), upload_to="lab-tests/%Y/", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("ghi nhận lúc"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-sampled_on", "-id"]
        verbose_name = _("kết quả kiểm nghiệm")
        verbose_name_plural = _("kết quả kiểm nghiệm")

    def __str__(self) -> str:
        return f"{self.analyte}: {self.value} {self.unit}"

    @property
    def analyte_name(self) -> str:
        return self.analyte.name


class LotHold(models.Model):
    """A lot held (tạm giữ) after a failed test or an inspection: it cannot be published until released."""

    lot = models.ForeignKey("catalog.Lot", on_delete=models.CASCADE, related_name="holds")
    lab_test = models.ForeignKey(LabTest, null=True, blank=True, on_delete=models.PROTECT, related_name="holds")
    reason = models.CharField(_("lý do"), max_length=255)
    held_at = models.DateTimeField(_("tạm giữ lúc"), auto_now_add=True)
    held_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    released_at = models.DateTimeField(_("giải toả lúc"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    release_reason = models.TextField(_("lý do giải toả"), blank=True)

    class Meta:
        ordering = ["-held_at"]
        verbose_name = _("tạm giữ lô")
        verbose_name_plural = _("tạm giữ lô")

    def __str__(self) -> str:
        return f"{self.lot_id}: {self.reason}"


class ChecklistTemplate(models.Model):
    """A configurable inspection checklist, for one kind of facility or (kind empty) any."""

    name = models.CharField(_("tên"), max_length=160)
    facility_kind = models.CharField(_("loại cơ sở"), max_length=20, choices=FacilityKind.choices, blank=True)
    items = models.JSONField(_("nội dung kiểm tra"), default=list, help_text=_("Danh sách nội dung, mỗi dòng một mục."))
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("mẫu biên bản kiểm tra")
        verbose_name_plural = _("mẫu biên bản kiểm tra")

    def __str__(self) -> str:
        return self.name


class Inspection(models.Model):
    """A planned, then recorded inspection of a facility: checklist, findings, photos, verdict, follow-up."""

    facility = models.ForeignKey("catalog.Facility", on_delete=models.PROTECT, related_name="inspections")
    organization = models.ForeignKey("catalog.Organization", on_delete=models.PROTECT, related_name="inspections")
    agency = models.ForeignKey("catalog.Organization", on_delete=models.PROTECT, related_name="+")
    template = models.ForeignKey(ChecklistTemplate, null=True, blank=True, on_delete=models.SET_NULL)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=InspectionStatus.choices, default=InspectionStatus.PLANNED
    )
    planned_on = models.DateField(_("ngày dự kiến"))
    inspected_on = models.DateField(_("ngày kiểm tra"), null=True, blank=True)
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    team = models.CharField(_("đoàn kiểm tra"), max_length=255, blank=True)
    checklist = models.JSONField(_("kết quả theo nội dung"), default=list, blank=True)
    findings = models.TextField(_("phát hiện"), blank=True)
    verdict = models.CharField(_("kết luận"), max_length=1, choices=Verdict.choices, blank=True)
    follow_up_due = models.DateField(_("hạn khắc phục"), null=True, blank=True)
    follow_up_done_at = models.DateTimeField(_("đã khắc phục lúc"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-planned_on", "-id"]
        verbose_name = _("cuộc kiểm tra")
        verbose_name_plural = _("cuộc kiểm tra")

    def __str__(self) -> str:
        return f"{self.facility} — {self.planned_on}"


class InspectionPhoto(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("ảnh"), upload_to="inspections/%Y/")
    caption = models.CharField(_("chú thích"), max_length=255, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("ảnh kiểm tra")
        verbose_name_plural = _("ảnh kiểm tra")

    def __str__(self) -> str:
        return self.caption or self.image.name


class Violation(models.Model):
    """A violation found by an inspection, a test or a complaint, and how it is being handled."""

    organization = models.ForeignKey("catalog.Organization", on_delete=models.PROTECT, related_name="violations")
    facility = models.ForeignKey("catalog.Facility", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    inspection = models.ForeignKey(
        Inspection, null=True, blank=True, on_delete=models.PROTECT, related_name="violations"
    )
    lab_test = models.ForeignKey(LabTest, null=True, blank=True, on_delete=models.PROTECT, related_name="violations")
    description = models.TextField(_("nội dung vi phạm"))
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=255, blank=True)
    status = models.CharField(
        _("tình trạng xử lý"), max_length=10, choices=HandlingStatus.choices, default=HandlingStatus.OPEN
    )
    fine_amount = models.DecimalField(_("số tiền phạt (đồng)"), max_digits=14, decimal_places=0, null=True, blank=True)
    deadline = models.DateField(_("hạn xử lý"), null=True, blank=True)
    handling_note = models.TextField(_("ghi chú xử lý"), blank=True)
    found_on = models.DateField(_("ngày phát hiện"))
    closed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-found_on", "-id"]
        verbose_name = _("vi phạm")
        verbose_name_plural = _("vi phạm")

    def __str__(self) -> str:
        return self.description[:80]

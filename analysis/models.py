"""The analysis' records: reference tables the agency edits (versioned), runs of the nightly analysis, flags."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from analysis.choices import FlagKind, FlagStatus, ProposalStatus, RunStatus, YieldSource


class ReferenceYield(models.Model):
    """A crop's plausible yield range per hectare and year, for a province (or every province when empty).

    Versioned: an edit adds a row with the next version; flags keep the version they were raised under. Without a
    row, `catalog.yields` gives the upper bound (and 0 the lower)."""

    crop_key = models.CharField(_("cây trồng (từ khoá)"), max_length=60)
    crop_label = models.CharField(_("cây trồng"), max_length=120)
    province_code = models.PositiveIntegerField(_("tỉnh"), null=True, blank=True)
    min_kg_per_ha_year = models.DecimalField(_("tối thiểu (kg/ha/năm)"), max_digits=12, decimal_places=2)
    max_kg_per_ha_year = models.DecimalField(_("tối đa (kg/ha/năm)"), max_digits=12, decimal_places=2)
    version = models.PositiveIntegerField(_("phiên bản"))
    note = models.CharField(_("căn cứ"), max_length=255, blank=True)
    source = models.CharField(_("nguồn"), max_length=8, choices=YieldSource.choices, default=YieldSource.ENTERED)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["crop_key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["crop_key", "province_code", "version"], name="analysis_yield_version")
        ]
        verbose_name = _("năng suất tham chiếu")
        verbose_name_plural = _("năng suất tham chiếu")

    def __str__(self) -> str:
        return f"{self.crop_label} v{self.version}"


class LearningSettings(models.Model):
    """When and how yields are learned from the province's own harvests (issue 24): a crop needs `min_seasons`
    finished crop years and `min_areas` growing areas with harvests; the range is median ± `mad_k` × the scaled
    median absolute deviation. Versioned like the yield table, so a proposal names the settings it was made under;
    without a row the defaults of `analysis.learning.DEFAULT` apply."""

    province_code = models.PositiveIntegerField(_("tỉnh"), null=True, blank=True)
    min_seasons = models.PositiveSmallIntegerField(_("số niên vụ tối thiểu"))
    min_areas = models.PositiveIntegerField(_("số vùng trồng tối thiểu"))
    mad_k = models.DecimalField(_("hệ số k (trung vị ± k·MAD)"), max_digits=4, decimal_places=2)
    version = models.PositiveIntegerField(_("phiên bản"))
    note = models.CharField(_("căn cứ"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["province_code", "-version"]
        constraints = [models.UniqueConstraint(fields=["province_code", "version"], name="analysis_learning_version")]
        verbose_name = _("ngưỡng học năng suất")
        verbose_name_plural = _("ngưỡng học năng suất")

    def __str__(self) -> str:
        return f"{self.province_code} v{self.version}"


class YieldProposal(models.Model):
    """A yield range learned from the province's recorded harvests, waiting for an officer: never applied by itself.

    Accepting it adds the next version of the crop's `ReferenceYield` (source "learned"); accepting or rejecting it
    is audited and ledgered. `stats` keeps how it was learned (samples, median, MAD, what was left out and why)."""

    crop_key = models.CharField(_("cây trồng (từ khoá)"), max_length=60)
    crop_label = models.CharField(_("cây trồng"), max_length=120)
    province_code = models.PositiveIntegerField(_("tỉnh"), null=True, blank=True)
    min_kg_per_ha_year = models.DecimalField(_("tối thiểu (kg/ha/năm)"), max_digits=12, decimal_places=2)
    max_kg_per_ha_year = models.DecimalField(_("tối đa (kg/ha/năm)"), max_digits=12, decimal_places=2)
    stats = models.JSONField(default=dict)
    settings_version = models.CharField(_("phiên bản ngưỡng học"), max_length=20)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    run = models.ForeignKey("analysis.AnalysisRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("đề xuất lúc"), auto_now_add=True)
    decided_at = models.DateTimeField(_("quyết định lúc"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_note = models.TextField(_("ghi chú quyết định"), blank=True)
    reference = models.OneToOneField(
        ReferenceYield, null=True, blank=True, on_delete=models.PROTECT, related_name="proposal"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["crop_key", "province_code", "status"], name="analysis_proposal_crop")]
        verbose_name = _("đề xuất năng suất học được")
        verbose_name_plural = _("đề xuất năng suất học được")

    def __str__(self) -> str:
        return f"{self.crop_label} {self.min_kg_per_ha_year}–{self.max_kg_per_ha_year} ({self.status})"


class ConversionFactor(models.Model):
    """How much output a process may give from its input (e.g. green coffee 0.18–0.22 of fresh cherry), by words
    of the input's and output's product names; versioned like `ReferenceYield`."""

    input_key = models.CharField(_("nguyên liệu (từ khoá)"), max_length=60)
    output_key = models.CharField(_("thành phẩm (từ khoá)"), max_length=60)
    label = models.CharField(_("công đoạn"), max_length=120)
    min_ratio = models.DecimalField(_("tỉ lệ tối thiểu"), max_digits=7, decimal_places=4)
    max_ratio = models.DecimalField(_("tỉ lệ tối đa"), max_digits=7, decimal_places=4)
    version = models.PositiveIntegerField(_("phiên bản"))
    note = models.CharField(_("căn cứ"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["input_key", "output_key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["input_key", "output_key", "version"], name="analysis_factor_version")
        ]
        verbose_name = _("hệ số chuyển đổi")
        verbose_name_plural = _("hệ số chuyển đổi")

    def __str__(self) -> str:
        return f"{self.label} v{self.version}"


class AnalysisRun(models.Model):
    """One pass of the analysis (nightly job or `truyxuat analyse`), with its progress."""

    started_at = models.DateTimeField(_("bắt đầu"))
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)
    status = models.CharField(_("trạng thái"), max_length=8, choices=RunStatus.choices, default=RunStatus.RUNNING)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    step = models.CharField(_("đang làm"), max_length=120, blank=True)
    counts = models.JSONField(default=dict)  # flags found per kind, timings per step
    thresholds = models.JSONField(default=dict)  # the versions of the tables and thresholds used

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("lượt phân tích")
        verbose_name_plural = _("lượt phân tích")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.status}"


class Flag(models.Model):
    """Something the analysis found, with its evidence: never an accusation, never published by itself.

    `fingerprint` names what was found (kind and subject) so a later run updates the flag instead of adding
    another; a dismissed flag stays dismissed unless its figures get worse. `facts` fill the kind's sentence,
    `evidence` lists the rows behind it (label, value), `points` the places for the map ([lat, lon, label])."""

    kind = models.CharField(_("loại"), max_length=20, choices=FlagKind.choices)
    fingerprint = models.CharField(max_length=200, unique=True)
    organization = models.ForeignKey(
        "catalog.Organization", null=True, blank=True, on_delete=models.CASCADE, related_name="analysis_flags"
    )
    province_code = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    lot = models.ForeignKey("catalog.Lot", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    growing_area = models.ForeignKey(
        "catalog.GrowingArea", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    gtin = models.CharField(max_length=14, blank=True)
    serial = models.CharField(max_length=20, blank=True, db_index=True)
    severity = models.DecimalField(_("mức độ"), max_digits=8, decimal_places=2, default=1)
    facts = models.JSONField(default=dict)
    evidence = models.JSONField(default=list)
    points = models.JSONField(default=list)
    lots = models.JSONField(default=list)  # the lots affected: [lot id, product name, lot code]
    thresholds = models.JSONField(default=dict)
    status = models.CharField(_("trạng thái"), max_length=10, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    hold_ids = models.JSONField(default=list)  # quality.LotHold rows this flag placed on unpublished high-risk lots
    first_run = models.ForeignKey(AnalysisRun, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("phát hiện lúc"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("thấy lần cuối"))
    dismissed_at = models.DateTimeField(_("bác bỏ lúc"), null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dismiss_reason = models.TextField(_("lý do bác bỏ"), blank=True)
    contest_note = models.TextField(_("giải trình của tổ chức"), blank=True)
    contested_at = models.DateTimeField(_("giải trình lúc"), null=True, blank=True)
    contested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-severity", "-created_at"]
        indexes = [models.Index(fields=["organization", "status"], name="analysis_flag_org")]
        verbose_name = _("cảnh báo phân tích")
        verbose_name_plural = _("cảnh báo phân tích")

    def __str__(self) -> str:
        return f"{self.kind} {self.fingerprint}"


class QualityScore(models.Model):
    """An organisation's data-quality score (0–100) from the last run, with its parts (each 0–1) and weights."""

    organization = models.OneToOneField("catalog.Organization", on_delete=models.CASCADE, related_name="+")
    score = models.DecimalField(_("điểm chất lượng dữ liệu"), max_digits=5, decimal_places=1)
    parts = models.JSONField(default=dict)
    computed_at = models.DateTimeField(_("tính lúc"))

    class Meta:
        verbose_name = _("điểm chất lượng dữ liệu")
        verbose_name_plural = _("điểm chất lượng dữ liệu")

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.score}"

"""What left the province, to whom and with what answer: EUDR statements, national portal records, open data files."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from exchange.choices import (
    ImportFormat,
    ImportStatus,
    MappingKind,
    PortalKind,
    PortalStatus,
    PushRunStatus,
    ReleaseKind,
    StatementStatus,
)


class DueDiligenceStatement(models.Model):
    """An EUDR due-diligence package prepared for a shipment, a lot or a season's lots of a product, and the
    reference the EU Information System gave it."""

    organization = models.ForeignKey("catalog.Organization", on_delete=models.PROTECT, related_name="+")
    shipment = models.ForeignKey(
        "logistics.Shipment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_kind = models.CharField(_("phạm vi"), max_length=10, default="shipment")  # shipment, lot or season
    subject_key = models.CharField(max_length=120, blank=True)  # the lot's "GTIN/lot code", "GTIN:from:to"
    commodity = models.CharField(_("mặt hàng"), max_length=20)
    hs_code = models.CharField(_("mã HS"), max_length=10)
    quantities = models.JSONField(_("khối lượng"), default=dict)
    period_start = models.DateField(_("sản xuất từ"), null=True)
    period_end = models.DateField(_("sản xuất đến"), null=True)
    plot_count = models.PositiveIntegerField(_("số thửa"))
    geojson_sha256 = models.CharField(max_length=64)
    forest_layer = models.CharField(_("lớp rừng đã đối chiếu"), max_length=255, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=StatementStatus.choices, default=StatementStatus.PREPARED
    )
    reference_number = models.CharField(_("số tham chiếu DDS"), max_length=64, blank=True)
    verification_number = models.CharField(_("mã xác minh DDS"), max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    filed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("hồ sơ thẩm định EUDR")
        verbose_name_plural = _("hồ sơ thẩm định EUDR")

    def __str__(self) -> str:
        return self.reference_number or f"EUDR {self.pk}"


class PortalRecord(models.Model):
    """One published record in the national portal's outbox: its stable id, the payload last queued, its fate."""

    kind = models.CharField(_("loại"), max_length=14, choices=PortalKind.choices)
    source_id = models.CharField(max_length=40)
    record_id = models.CharField(_("mã bản ghi"), max_length=120, unique=True)
    version = models.PositiveIntegerField(default=1)
    payload = models.JSONField()
    payload_sha256 = models.CharField(max_length=64)
    title = models.CharField(_("bản ghi"), max_length=255)
    status = models.CharField(_("trạng thái"), max_length=10, choices=PortalStatus.choices, default=PortalStatus.QUEUED)
    attempts = models.PositiveIntegerField(_("số lần gửi"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    refused_reason = models.TextField(_("lý do từ chối"), blank=True)
    remote_reference = models.CharField(max_length=120, blank=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["status", "-updated_at"])]
        verbose_name = _("bản ghi gửi cổng quốc gia")
        verbose_name_plural = _("bản ghi gửi cổng quốc gia")

    def __str__(self) -> str:
        return self.record_id


class PortalAttempt(models.Model):
    """One delivery attempt of a record: when, the HTTP status (none when unreachable) and what came back."""

    record = models.ForeignKey(PortalRecord, on_delete=models.CASCADE, related_name="deliveries")
    version = models.PositiveIntegerField()
    at = models.DateTimeField(auto_now_add=True)
    http_status = models.PositiveIntegerField(null=True)
    outcome = models.CharField(max_length=10, choices=PortalStatus.choices)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.record_id} #{self.pk}"


class OpenDataRelease(models.Model):
    """A published set of open-data files (a full snapshot, or the changes since a cursor), each file hashed."""

    kind = models.CharField(_("loại"), max_length=10, choices=ReleaseKind.choices)
    since = models.CharField(_("từ mốc"), max_length=60, blank=True)
    cursor = models.CharField(_("đến mốc"), max_length=60)
    directory = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.cursor}"


class OpenDataFile(models.Model):
    """One file of a release, with its SHA-256 (also a ledger leaf, so a warehouse can verify what it received)."""

    release = models.ForeignKey(OpenDataRelease, on_delete=models.CASCADE, related_name="files")
    dataset = models.CharField(max_length=40)
    path = models.CharField(max_length=200)
    media_type = models.CharField(max_length=80)
    rows = models.PositiveIntegerField()
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["release", "path"]

    def __str__(self) -> str:
        return self.path


class IdentifierMapping(models.Model):
    """An identifier of another system (a product code, a lot code or class URI, a location id) mapped once to ours:
    a product, a lot or a facility; every later import of the organisation reuses it."""

    organization = models.ForeignKey("catalog.Organization", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("loại mã"), max_length=10, choices=MappingKind.choices)
    foreign_code = models.CharField(_("mã bên ngoài"), max_length=255)
    product = models.ForeignKey("catalog.Product", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey("catalog.Lot", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    facility = models.ForeignKey("catalog.Facility", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "foreign_code"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "kind", "foreign_code"], name="one_mapping_per_code")
        ]
        verbose_name = _("ánh xạ mã")
        verbose_name_plural = _("ánh xạ mã")

    def __str__(self) -> str:
        return f"{self.kind}:{self.foreign_code}"


class ImportBatch(models.Model):
    """One file sent from another system: previewed, then imported whole by a job (all or nothing)."""

    organization = models.ForeignKey("catalog.Organization", on_delete=models.CASCADE, related_name="+")
    source_format = models.CharField(_("định dạng"), max_length=6, choices=ImportFormat.choices)
    filename = models.CharField(_("tên tệp"), max_length=255)
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    rows = models.PositiveIntegerField(_("số dòng/sự kiện"), default=0)
    done = models.PositiveIntegerField(_("đã nhập"), default=0)
    stored = models.PositiveIntegerField(_("sự kiện mới"), default=0)
    duplicates = models.PositiveIntegerField(_("sự kiện trùng"), default=0)
    capture_id = models.CharField(max_length=64, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lần nhập dữ liệu")
        verbose_name_plural = _("lần nhập dữ liệu")

    def __str__(self) -> str:
        return self.filename


class OpenDataPushRun(models.Model):
    """An officer's "push now": the request, the job's state and what it sent, so the page can show its progress
    and the record says who asked for it (the scheduled pushes need no such row: the period is the request)."""

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    target = models.CharField(_("nơi nhận"), max_length=255)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=PushRunStatus.choices, default=PushRunStatus.QUEUED
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    sent = models.PositiveIntegerField(_("số lần gửi"), default=0)
    accepted = models.PositiveIntegerField(_("được nhận"), default=0)
    error = models.TextField(_("lỗi"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.target} {self.requested_at:%Y-%m-%d %H:%M}"


class OpenDataPush(models.Model):
    """One scheduled push of a release to the warehouse's target: where, when, the HTTP status and its answer."""

    release = models.ForeignKey(OpenDataRelease, on_delete=models.CASCADE, related_name="pushes")
    run = models.ForeignKey(OpenDataPushRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="pushes")
    target = models.CharField(_("nơi nhận"), max_length=255)
    at = models.DateTimeField(auto_now_add=True)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    http_status = models.PositiveIntegerField(null=True)
    accepted = models.BooleanField(default=False)
    answer = models.TextField(_("trả lời"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.target} {self.at:%Y-%m-%d %H:%M}"

"""What left the province, to whom and with what answer: EUDR statements, national portal records, open data files."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from exchange.choices import PortalKind, PortalStatus, ReleaseKind, StatementStatus


class DueDiligenceStatement(models.Model):
    """An EUDR due-diligence package prepared for a shipment, and the reference the EU Information System gave it."""

    organization = models.ForeignKey("catalog.Organization", on_delete=models.PROTECT, related_name="+")
    shipment = models.ForeignKey("logistics.Shipment", on_delete=models.PROTECT, related_name="+")
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

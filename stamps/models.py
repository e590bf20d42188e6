"""Stamps (tem truy xuất): batches of serials approved by an agency, their items, and every scan of them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models import Lot, Organization, Product
from core.models import TimeStampedModel
from stamps.choices import BatchStatus, CheckResult, LabelJobStatus, LabelLayout


class StampBatch(TimeStampedModel):
    """A producer's request for N stamps of a product (optionally one lot); an agency officer approves it.

    Approval issues N serials (random integers that fit SGTIN-96), each with a secret check code of which
    only a keyed hash is stored; the plain codes live in a private print file until the batch is printed.
    """

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="stamp_batches")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="stamp_batches")
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="stamp_batches")
    quantity = models.PositiveIntegerField(_("số lượng tem"))
    layout = models.CharField(_("khổ tem"), max_length=12, choices=LabelLayout.choices, default=LabelLayout.A4_65)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("quyết định lúc"), null=True, blank=True)
    decision_reason = models.TextField(_("lý do"), blank=True)
    printed_at = models.DateTimeField(
        _("đã in lúc"), null=True, blank=True, help_text=_("Sau khi in, mã kiểm tra dạng rõ bị xoá khỏi máy chủ.")
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lô tem")
        verbose_name_plural = _("lô tem")
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.product} × {self.quantity}"


class Stamp(models.Model):
    """One issued stamp: GTIN + serial (the item's Digital Link) and the keyed hash of its check code."""

    batch = models.ForeignKey(StampBatch, on_delete=models.CASCADE, related_name="stamps")
    gtin = models.CharField(_("GTIN"), max_length=14)
    serial = models.CharField(_("số sê-ri"), max_length=20)
    check_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["batch", "id"]
        verbose_name = _("tem")
        verbose_name_plural = _("tem")
        constraints = [models.UniqueConstraint(fields=["gtin", "serial"], name="unique_stamp_serial")]

    def __str__(self) -> str:
        return f"{self.gtin}/{self.serial}"


class Scan(models.Model):
    """One consumer scan of a code: when, which code, coarse where (only if allowed), a salted address hash.

    No personal data: the network address is kept only as a keyed hash (to count distinct scanners),
    and the location, when the consumer shares it, is rounded to 0.1° (about 11 km).
    """

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    gtin = models.CharField(max_length=14)
    lot_code = models.CharField(max_length=20, blank=True)
    serial = models.CharField(max_length=20, blank=True)
    stamp = models.ForeignKey(Stamp, null=True, blank=True, on_delete=models.SET_NULL, related_name="scans")
    address_hash = models.CharField(max_length=32)
    latitude = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    longitude = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    check_result = models.CharField(max_length=8, choices=CheckResult.choices, default=CheckResult.NONE, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("lượt quét")
        verbose_name_plural = _("lượt quét")
        indexes = [models.Index(fields=["gtin", "serial", "at"]), models.Index(fields=["gtin", "lot_code"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.gtin}/{self.serial or self.lot_code}"


class LabelJob(models.Model):
    """A label sheet PDF being made by a job (`stamps.jobs.render_labels`): progress for the page that waits, the
    finished file in the storage (local disk or object store), readable by whoever may print the batch."""

    batch = models.ForeignKey(StampBatch, on_delete=models.CASCADE, related_name="label_jobs")
    layout = models.CharField(_("khổ tem"), max_length=12, choices=LabelLayout.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("trạng thái"), max_length=8, choices=LabelJobStatus.choices, default=LabelJobStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)
    pages = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=255, blank=True)
    pdf = models.FileField(upload_to="labels/%Y/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("tệp in tem")
        verbose_name_plural = _("tệp in tem")

    def __str__(self) -> str:
        return f"#{self.pk} {self.batch_id} {self.status}"

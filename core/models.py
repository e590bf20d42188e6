"""Shared base models and the audit trail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.choices import AuditAction


class TimeStampedModel(models.Model):
    """Abstract base: creation and last-change times."""

    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """One row per write made through a service: who did what to which record, with before and after."""

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("hành động"), max_length=16, choices=AuditAction.choices)
    object_type = models.CharField(_("loại đối tượng"), max_length=64)
    object_id = models.CharField(_("mã đối tượng"), max_length=64)
    organization_id = models.BigIntegerField(_("tổ chức"), null=True, blank=True, db_index=True)
    before = models.JSONField(_("trước"), null=True, blank=True)
    after = models.JSONField(_("sau"), null=True, blank=True)
    reason = models.TextField(_("lý do"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = _("nhật ký thao tác")
        verbose_name_plural = _("nhật ký thao tác")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"


class PublicGeneration(models.Model):
    """A generation counter of the public pages (`core.generations`): one row per lot, product, or the whole site.

    Bumped in the transaction of every write that changes what a consumer sees; read (one indexed query) by
    every request for a public page, in every process and on every machine, to key the page caches.
    """

    key = models.CharField(max_length=120, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}={self.value}"

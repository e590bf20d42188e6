"""Review decisions (each one a ledger leaf) and the province's per-category review policy."""

from __future__ import annotations

import posixpath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.choices import RiskClass
from reviews.choices import Decision, DocumentKind, ReviewKind


class Review(models.Model):
    """One decision on one record version: who approved, rejected or asked for changes, when and why.

    `snapshot` is the record as it was decided upon, `diff` what changed against the last approved version
    (a list of {field, old, new}), `evidence` what the officer had before them (certificates, test results,
    rule decisions). The next review of the same record diffs against the snapshot of the last approval.
    """

    kind = models.CharField(_("loại"), max_length=12, choices=ReviewKind.choices)
    subject_type = models.CharField(_("loại đối tượng"), max_length=64)
    subject_id = models.CharField(_("mã đối tượng"), max_length=64)
    subject_label = models.CharField(_("đối tượng"), max_length=255)
    organization = models.ForeignKey("catalog.Organization", on_delete=models.PROTECT, related_name="reviews")
    decision = models.CharField(_("quyết định"), max_length=10, choices=Decision.choices)
    reason = models.TextField(_("lý do"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    automatic = models.BooleanField(_("tự động theo chính sách"), default=False)
    decided_at = models.DateTimeField(_("lúc"), auto_now_add=True, db_index=True)
    snapshot = models.JSONField(_("bản ghi được duyệt"), default=dict)
    diff = models.JSONField(_("thay đổi"), default=list)
    evidence = models.JSONField(_("căn cứ"), default=dict)

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "-decided_at"])]
        verbose_name = _("quyết định phê duyệt")
        verbose_name_plural = _("quyết định phê duyệt")

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.subject_label}"


class ReviewPolicy(models.Model):
    """Per priority category: whether submitted lots of approved organisations are published without an officer.

    A lot is auto-approved when `auto_approve_lots` is on, its product's risk class is at most `max_risk_class`,
    its organisation is approved, nothing holds it, and nothing is missing for publication.
    """

    category = models.OneToOneField(
        "catalog.PriorityCategory", verbose_name=_("nhóm sản phẩm"), on_delete=models.CASCADE, related_name="+"
    )
    auto_approve_lots = models.BooleanField(_("tự động duyệt lô"), default=False)
    max_risk_class = models.CharField(
        _("mức nguy cơ tối đa được tự duyệt"), max_length=6, choices=RiskClass.choices, default=RiskClass.LOW
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("chính sách phê duyệt")
        verbose_name_plural = _("chính sách phê duyệt")

    def __str__(self) -> str:
        return str(self.category_id)


class RegistrationDocument(models.Model):
    """A paper an organisation uploaded when it signed up (business licence, certificates), for the officer who
    reviews its registration. Private: its members and the officers of its province read it (`file_access.py`)."""

    organization = models.ForeignKey(
        "catalog.Organization", on_delete=models.CASCADE, related_name="registration_documents"
    )
    kind = models.CharField(_("loại giấy tờ"), max_length=12, choices=DocumentKind.choices)
    file = models.FileField(_("tệp"), upload_to="registration/%Y/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "uploaded_at", "id"]
        verbose_name = _("giấy tờ đăng ký")
        verbose_name_plural = _("giấy tờ đăng ký")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.filename}"

    @property
    def filename(self) -> str:
        """The name the person sees (the stored path ends with the uploaded file's own name)."""
        return posixpath.basename(self.file.name or "")

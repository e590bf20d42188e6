"""Configurable survey forms for collection, processing and trading facilities, and officers' responses."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.choices import FacilityKind


class SurveyForm(models.Model):
    """A survey form. `fields` is a list of {name, label, type, required, choices, maps_to}:
    type ∈ text, number, choice, bool, date; `maps_to` (optional) names the catalogue field it feeds:
    organization.name|tax_code|kind|representative|phone|street_address|ward_code, facility.name|kind."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên phiếu"), max_length=160)
    facility_kind = models.CharField(_("loại cơ sở"), max_length=20, choices=FacilityKind.choices)
    description = models.TextField(_("hướng dẫn"), blank=True)
    fields = models.JSONField(_("câu hỏi"), default=list)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("phiếu điều tra")
        verbose_name_plural = _("phiếu điều tra")

    def __str__(self) -> str:
        return self.name


class SurveyResponse(models.Model):
    """One filled-in form: the answers, where it was filled (phone GPS), and the catalogue records it fed."""

    form = models.ForeignKey(SurveyForm, on_delete=models.PROTECT, related_name="responses")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(_("câu trả lời"), default=dict)
    latitude = models.DecimalField(_("vĩ độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("kinh độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    organization = models.ForeignKey(
        "catalog.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="survey_responses"
    )
    facility = models.ForeignKey("catalog.Facility", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_organization = models.BooleanField(_("tạo tổ chức mới"), default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("phiếu đã điều tra")
        verbose_name_plural = _("phiếu đã điều tra")

    def __str__(self) -> str:
        return f"{self.form_id} #{self.pk}"

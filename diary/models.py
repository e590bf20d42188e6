"""Farm diary (nhật ký điện tử): one row per thing done on a growing area or to a herd."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.choices import QuantityUnit
from diary.choices import Activity, Correction, EntrySource


class DiaryEntry(models.Model):
    """A diary entry. `client_id` is made by the phone when the entry is written (even offline), so sending
    it twice stores it once. Each entry is captured as one EPCIS ObjectEvent (`event_id`)."""

    client_id = models.UUIDField(_("mã phía máy khách"), unique=True)
    organization = models.ForeignKey("catalog.Organization", on_delete=models.PROTECT, related_name="diary_entries")
    growing_area = models.ForeignKey(
        "catalog.GrowingArea", verbose_name=_("vùng trồng, đàn"), on_delete=models.PROTECT, related_name="diary"
    )
    activity = models.CharField(_("công việc"), max_length=20, choices=Activity.choices)
    occurred_at = models.DateTimeField(_("thời điểm"), db_index=True)
    product_name = models.CharField(_("vật tư (thuốc, phân, giống, thức ăn, vắc xin)"), max_length=160, blank=True)
    active_ingredient = models.CharField(_("hoạt chất"), max_length=160, blank=True)
    dose = models.CharField(_("liều lượng"), max_length=60, blank=True)
    phi_days = models.PositiveSmallIntegerField(_("thời gian cách ly trước thu hoạch (ngày)"), null=True, blank=True)
    withdrawal_days = models.PositiveSmallIntegerField(_("thời gian ngưng thuốc (ngày)"), null=True, blank=True)
    quantity = models.DecimalField(_("số lượng"), max_digits=14, decimal_places=3, null=True, blank=True)
    unit = models.CharField(_("đơn vị"), max_length=3, choices=QuantityUnit.choices, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    latitude = models.DecimalField(_("vĩ độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("kinh độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    photo = models.ImageField(_("ảnh"), upload_to="diary/photos/%Y/%m/", blank=True)
    voice = models.FileField(_("ghi âm"), upload_to="diary/voice/%Y/%m/", blank=True)
    lot = models.ForeignKey(
        "catalog.Lot", null=True, blank=True, on_delete=models.PROTECT, related_name="harvest_entries"
    )
    event_id = models.CharField(_("eventID EPCIS"), max_length=200, blank=True)
    source = models.CharField(_("nguồn"), max_length=8, choices=EntrySource.choices, default=EntrySource.WEB)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True)
    # Corrections (`diary.corrections`): the original stays, marked; its EPCIS event is declared in error
    # (errorDeclaration) and, for a correction, the corrective entry points back at it with `corrects`.
    correction = models.CharField(
        _("đã sửa/huỷ"), max_length=9, choices=Correction.choices, blank=True, default="", db_default=""
    )
    correction_reason = models.TextField(_("lý do sửa/huỷ"), blank=True, default="", db_default="")
    corrected_at = models.DateTimeField(_("sửa/huỷ lúc"), null=True, blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    corrects = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
        verbose_name=_("sửa cho bản ghi"),
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["growing_area", "activity", "-occurred_at"])]
        verbose_name = _("mục nhật ký")
        verbose_name_plural = _("nhật ký điện tử")

    def __str__(self) -> str:
        return f"{self.get_activity_display()} — {self.growing_area.code} — {self.occurred_at:%d/%m/%Y}"

    @property
    def stands(self) -> bool:
        """Neither corrected nor voided: the rules and the waiting periods count it."""
        return not self.correction

    @property
    def correction_entry(self) -> DiaryEntry | None:
        """The entry that corrected this one (None when voided or standing)."""
        return self.corrections.order_by("id").first() if self.correction == Correction.CORRECTED else None

    @property
    def local_date(self) -> dt.date:
        return timezone.localtime(self.occurred_at).date()

    @property
    def waiting_days(self) -> int | None:
        """Pre-harvest interval (spraying) or withdrawal period (vaccination, treatment), if any."""
        if self.activity == Activity.SPRAYING:
            return self.phi_days
        if self.activity in (Activity.VACCINATING, Activity.TREATING):
            return self.withdrawal_days
        return None

    @property
    def safe_from(self) -> dt.date | None:
        """The first day a harvest from this area is allowed after this entry."""
        days = self.waiting_days
        return self.local_date + dt.timedelta(days=days) if days else None

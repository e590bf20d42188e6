"""Lots' lives after harvest: claims, processing (transformations), packing (SSCC units) and shipments.

The catalogue's `Lot` is the unit; these rows record how lots came from one another (the lineage the rules
walk) and who holds them. Every write is also an EPCIS event (ids kept in `event_id` fields), so the trace
in `events` shows the same story.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.choices import CertificateKind
from diary.choices import Correction
from logistics.choices import Process, ShipmentStatus, UnitKind


class LotClaim(models.Model):
    """A certificate the producer claims for a lot (e.g. organic); the rules check it is backed on every origin."""

    lot = models.ForeignKey("catalog.Lot", on_delete=models.CASCADE, related_name="claims")
    kind = models.CharField(_("chứng nhận công bố"), max_length=10, choices=CertificateKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["lot", "kind"], name="unique_lot_claim")]
        verbose_name = _("chứng nhận công bố cho lô")
        verbose_name_plural = _("chứng nhận công bố cho lô")

    def __str__(self) -> str:
        return f"{self.lot} — {self.get_kind_display()}"


class Transformation(models.Model):
    """Processing: input lots (with quantities used) become output lots (drying, roasting, split, merge…)."""

    organization = models.ForeignKey("catalog.Organization", on_delete=models.PROTECT, related_name="+")
    process = models.CharField(_("công đoạn"), max_length=14, choices=Process.choices)
    occurred_at = models.DateTimeField(_("thời điểm"))
    facility = models.ForeignKey("catalog.Facility", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    outputs = models.ManyToManyField("catalog.Lot", related_name="made_by", verbose_name=_("lô đầu ra"))
    note = models.TextField(_("ghi chú"), blank=True)
    event_id = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("chế biến")
        verbose_name_plural = _("chế biến")

    def __str__(self) -> str:
        return f"{self.get_process_display()} {self.occurred_at:%d/%m/%Y}"


class TransformationInput(models.Model):
    transformation = models.ForeignKey(Transformation, on_delete=models.CASCADE, related_name="inputs")
    lot = models.ForeignKey("catalog.Lot", on_delete=models.PROTECT, related_name="used_in")
    quantity = models.DecimalField(_("số lượng dùng"), max_digits=14, decimal_places=3)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["transformation", "lot"], name="unique_transformation_input")]

    def __str__(self) -> str:
        return f"{self.lot_id} × {self.quantity}"


class LogisticUnit(models.Model):
    """A carton, bag or pallet with its SSCC; its contents are lot quantities (or other units, on a pallet)."""

    organization = models.ForeignKey("catalog.Organization", on_delete=models.PROTECT, related_name="+")
    sscc = models.CharField(_("SSCC"), max_length=18, unique=True)
    kind = models.CharField(_("loại"), max_length=8, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("trên pallet")
    )
    packed_at = models.DateTimeField(_("đóng lúc"))
    event_id = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-packed_at", "-id"]
        verbose_name = _("đơn vị hậu cần")
        verbose_name_plural = _("đơn vị hậu cần")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.sscc}"


class LogisticUnitContent(models.Model):
    unit = models.ForeignKey(LogisticUnit, on_delete=models.CASCADE, related_name="contents")
    lot = models.ForeignKey("catalog.Lot", on_delete=models.PROTECT, related_name="packed_in")
    quantity = models.DecimalField(_("số lượng"), max_digits=14, decimal_places=3)

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.lot_id} × {self.quantity}"


class Shipment(models.Model):
    """Goods sent to another party. Custody passes only when the receiving organisation confirms; a buyer
    without an account (name + phone) is recorded as the next step forward and the shipment is handed over."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sender = models.ForeignKey("catalog.Organization", on_delete=models.PROTECT, related_name="shipments_sent")
    receiver = models.ForeignKey(
        "catalog.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="shipments_received",
        verbose_name=_("bên nhận"),
    )
    buyer_name = models.CharField(_("tên người mua"), max_length=160, blank=True)
    buyer_phone = models.CharField(_("điện thoại người mua"), max_length=20, blank=True)
    shipped_at = models.DateTimeField(_("gửi lúc"))
    status = models.CharField(_("trạng thái"), max_length=12, choices=ShipmentStatus.choices)
    note = models.TextField(_("ghi chú"), blank=True)
    ship_event_id = models.CharField(max_length=200, blank=True)
    receive_event_id = models.CharField(max_length=200, blank=True)
    received_at = models.DateTimeField(_("nhận lúc"), null=True, blank=True)
    receiver_note = models.TextField(_("ghi chú bên nhận"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-shipped_at", "-id"]
        indexes = [models.Index(fields=["receiver", "status"]), models.Index(fields=["sender", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(receiver__isnull=False) | ~Q(buyer_name=""), name="shipment_has_receiver"
            ),
        ]
        verbose_name = _("chuyến hàng")
        verbose_name_plural = _("chuyến hàng")

    def __str__(self) -> str:
        return f"{self.sender} → {self.receiver_label}"

    @property
    def receiver_label(self) -> str:
        return self.receiver.name if self.receiver_id and self.receiver else f"{self.buyer_name} ({self.buyer_phone})"


class StandingLines(models.Manager["ShipmentLine"]):
    """Lines as they stand: those corrected or voided are left out (`ShipmentLine.all_lines` has every line)."""

    def get_queryset(self) -> models.QuerySet[ShipmentLine]:
        return super().get_queryset().filter(correction="")


class ShipmentLine(models.Model):
    """A lot quantity (or a unit's content) on a shipment. A line found wrong stays, marked `correction`
    ("corrected", with the corrective line pointing back with `corrects`, or "voided"), and its shipping event
    is declared in error (`logistics.services.corrections`). The default manager, and so `shipment.lines`,
    lists only standing lines: what was shipped as corrected; `all_lines` lists the history too."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    lot = models.ForeignKey("catalog.Lot", on_delete=models.PROTECT, related_name="shipment_lines")
    unit = models.ForeignKey(LogisticUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("số lượng gửi"), max_digits=14, decimal_places=3)
    received_quantity = models.DecimalField(_("số lượng nhận"), max_digits=14, decimal_places=3, null=True, blank=True)
    correction = models.CharField(
        _("đã sửa/huỷ"), max_length=9, choices=Correction.choices, blank=True, default="", db_default=""
    )
    correction_reason = models.TextField(_("lý do sửa/huỷ"), blank=True, default="", db_default="")
    corrected_at = models.DateTimeField(_("sửa/huỷ lúc"), null=True, blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("sửa cho dòng")
    )

    objects = StandingLines()
    all_lines: models.Manager[ShipmentLine] = models.Manager()

    class Meta:
        ordering = ["id"]
        base_manager_name = "all_lines"

    def __str__(self) -> str:
        return f"{self.shipment_id}: {self.lot_id} × {self.quantity}"

    @property
    def difference(self):  # type: ignore[no-untyped-def]
        return None if self.received_quantity is None else self.received_quantity - self.quantity


class YieldFlag(models.Model):
    """A harvest the farmer confirmed although it goes far beyond its growing area × the crop's plausible yield
    in a year (`logistics.services.yields`): a typo the farmer insisted on, or produce from elsewhere laundered
    through the plot. Officers of the province see these with the figures behind them."""

    lot = models.ForeignKey("catalog.Lot", on_delete=models.CASCADE, related_name="yield_flags")
    growing_area = models.ForeignKey("catalog.GrowingArea", on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey("catalog.Organization", on_delete=models.PROTECT, related_name="+")
    crop = models.CharField(_("cây trồng"), max_length=120)
    area_ha = models.DecimalField(_("diện tích (ha)"), max_digits=10, decimal_places=4)
    harvested_kg = models.DecimalField(_("thu hoạch trong 12 tháng (kg)"), max_digits=18, decimal_places=3)
    plausible_kg = models.DecimalField(_("mức hợp lý tối đa (kg)"), max_digits=18, decimal_places=3)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("sản lượng vượt mức hợp lý")
        verbose_name_plural = _("sản lượng vượt mức hợp lý")

    def __str__(self) -> str:
        return f"{self.growing_area_id}: {self.harvested_kg} kg > {self.plausible_kg} kg"

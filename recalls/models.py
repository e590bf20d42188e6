"""Recalls: the root, the computed scope (lots, parties, shipments), each party's acknowledgement and withdrawal."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from recalls.choices import HazardClass, RecallOrigin, RecallStatus


class Recall(models.Model):
    """A recall started by an officer from a lot, a facility or a test result; open until an officer closes it.

    `notice` is the text consumers see in the red banner on every affected lot's page.
    """

    code = models.CharField(_("số hiệu"), max_length=20, unique=True)
    origin = models.CharField(_("khởi nguồn"), max_length=10, choices=RecallOrigin.choices)
    root_lot = models.ForeignKey("catalog.Lot", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    root_facility = models.ForeignKey(
        "catalog.Facility", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    root_lab_test = models.ForeignKey(
        "quality.LabTest", null=True, blank=True, on_delete=models.PROTECT, related_name="recalls"
    )
    organization = models.ForeignKey("catalog.Organization", on_delete=models.PROTECT, related_name="recalls")
    hazard_class = models.CharField(_("mức độ"), max_length=3, choices=HazardClass.choices)
    reason = models.TextField(_("lý do thu hồi"))
    notice = models.TextField(_("thông báo cho người tiêu dùng"))
    status = models.CharField(_("trạng thái"), max_length=8, choices=RecallStatus.choices, default=RecallStatus.OPEN)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("bắt đầu lúc"), auto_now_add=True, db_index=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    close_note = models.TextField(_("ghi chú kết thúc"), blank=True)
    unknown_roots = models.JSONField(_("mã gốc chưa có sự kiện"), default=list, blank=True)
    consumers_notified = models.PositiveIntegerField(_("số người tiêu dùng được báo"), default=0)
    # the printed decision and public notice (Decree 30/2020/NĐ-CP): numbered and signed when the recall starts
    issuer = models.CharField(_("cơ quan ban hành"), max_length=255, blank=True)
    decision_number = models.CharField(_("số quyết định"), max_length=40, blank=True)  # "01/QĐ-SKHCN"
    notice_number = models.CharField(_("số thông báo"), max_length=40, blank=True)  # "01/TB-SKHCN"
    signer_on_behalf_of = models.CharField(_("quyền hạn ký"), max_length=80, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=80, blank=True)
    signer_name = models.CharField(_("người ký"), max_length=120, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("đợt thu hồi")
        verbose_name_plural = _("đợt thu hồi")

    def __str__(self) -> str:
        return self.code


class RecallLot(models.Model):
    """A lot in a recall's scope (depth 0 = a root); `lot` is set when the lot is registered in the catalogue."""

    recall = models.ForeignKey(Recall, on_delete=models.CASCADE, related_name="lots")
    key = models.CharField(max_length=1000)
    gtin = models.CharField(max_length=14, blank=True)
    lot_code = models.CharField(max_length=80, blank=True)
    depth = models.PositiveIntegerField(default=0)
    lot = models.ForeignKey("catalog.Lot", null=True, blank=True, on_delete=models.PROTECT, related_name="recall_links")
    organization = models.ForeignKey(
        "catalog.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outside_jurisdiction = models.BooleanField(_("ngoài địa bàn"), default=False)

    class Meta:
        ordering = ["depth", "id"]
        indexes = [models.Index(fields=["lot", "recall"])]
        verbose_name = _("lô bị thu hồi")
        verbose_name_plural = _("lô bị thu hồi")

    def __str__(self) -> str:
        return self.key


class RecallParty(models.Model):
    """A party affected by a recall: notified, then acknowledges and reports the quantity it withdrew."""

    recall = models.ForeignKey(Recall, on_delete=models.CASCADE, related_name="parties")
    organization = models.ForeignKey(
        "catalog.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="recall_parties"
    )
    party_key = models.CharField(max_length=1000, blank=True)
    name = models.CharField(_("tên"), max_length=255)
    gln = models.CharField(max_length=13, blank=True)
    notified_at = models.DateTimeField(_("đã báo lúc"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quantity_withdrawn = models.DecimalField(
        _("số lượng đã thu hồi"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    unit = models.CharField(_("đơn vị"), max_length=3, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("bên liên quan thu hồi")
        verbose_name_plural = _("bên liên quan thu hồi")

    def __str__(self) -> str:
        return self.name


class RecallShipment(models.Model):
    """A shipment that carried a recalled lot (from the EPCIS recall scope)."""

    recall = models.ForeignKey(Recall, on_delete=models.CASCADE, related_name="shipments")
    epc = models.CharField(max_length=1000)
    source = models.CharField(max_length=1000, blank=True)
    destination = models.CharField(max_length=1000, blank=True)
    ship_event_id = models.CharField(max_length=1000, blank=True)
    receive_event_id = models.CharField(max_length=1000, blank=True)

    class Meta:
        verbose_name = _("chuyến hàng liên quan")
        verbose_name_plural = _("chuyến hàng liên quan")

    def __str__(self) -> str:
        return f"{self.source} → {self.destination}"

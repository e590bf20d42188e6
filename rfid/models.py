"""Read points (a reader, or one antenna of it, at a dock door or a packing station), the sessions a gate is opened
for (a shipment loaded or received, a pallet packed) and the tags read, collapsed per window."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rfid.choices import Role


class ReadPoint(models.Model):
    """A registered reader (`iot.Device` of kind `rfid_reader`) or one of its antennas (`antenna`; empty: all),
    at a place of the organisation (`facility`, whose GLN is the events' readPoint and bizLocation)."""

    organization = models.ForeignKey("catalog.Organization", on_delete=models.PROTECT, related_name="+")
    device = models.ForeignKey("iot.Device", on_delete=models.PROTECT, related_name="+")
    antenna = models.PositiveSmallIntegerField(_("ăng-ten"), null=True, blank=True)
    name = models.CharField(_("tên điểm đọc"), max_length=120)
    role = models.CharField(_("vai trò"), max_length=8, choices=Role.choices)
    facility = models.ForeignKey("catalog.Facility", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    window_seconds = models.PositiveIntegerField(_("gộp lần đọc lặp trong (giây)"), default=60)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("điểm đọc RFID")
        verbose_name_plural = _("điểm đọc RFID")
        constraints = [
            models.UniqueConstraint(fields=["device", "antenna"], name="rfid_one_point_per_antenna"),
            models.UniqueConstraint(
                fields=["device"], condition=models.Q(antenna=None), name="rfid_one_point_per_reader"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class GateSession(models.Model):
    """A read point opened for one job: a shipment loaded (`dock_out`: `public_id` becomes the shipment's id, its
    `desadv`), a shipment received (`dock_in`: the shipment's own id), a pallet packed (`packing`: `parent_sscc`).
    `expected` lists the SSCCs that should pass; the gate view ticks them off."""

    read_point = models.ForeignKey(ReadPoint, on_delete=models.CASCADE, related_name="sessions")
    public_id = models.UUIDField(default=uuid.uuid4, db_index=True, editable=False)
    receiver = models.ForeignKey(
        "catalog.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    parent_sscc = models.CharField(max_length=18, blank=True)
    expected = models.JSONField(default=list, blank=True)
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["read_point"], condition=models.Q(closed_at=None), name="rfid_one_open_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.read_point_id} {self.opened_at:%Y-%m-%d %H:%M}"


class TagRead(models.Model):
    """One observation of a tag at a read point: its reads within the read point's window collapsed (`count`,
    `first_seen`..`last_seen`). `ours` is False for a tag that is not the organisation's (nor, at a receiving
    door, the shipment's): recorded as observed, never put in an event. `event_id` is the event it went into. A
    returnable asset's tag (GRAI-96) names its `asset`: an observation of the asset, never put in an event."""

    read_point = models.ForeignKey(ReadPoint, on_delete=models.CASCADE, related_name="reads")
    session = models.ForeignKey(GateSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="reads")
    epc = models.CharField(max_length=200)  # the canonical key (GS1 Digital Link on id.gs1.org)
    uri = models.CharField(max_length=200)  # the pure-identity EPC URI
    hex = models.CharField(max_length=24)
    filter = models.PositiveSmallIntegerField(default=0)
    ours = models.BooleanField(default=True)
    unit = models.ForeignKey(
        "logistics.LogisticUnit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    asset = models.ForeignKey(
        "rfid.ReturnableAsset", null=True, blank=True, on_delete=models.SET_NULL, related_name="reads"
    )
    antenna = models.PositiveSmallIntegerField(null=True, blank=True)
    rssi = models.FloatField(null=True, blank=True)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    count = models.PositiveIntegerField(default=1)
    event_id = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["first_seen", "id"]
        indexes = [
            models.Index(fields=["read_point", "epc", "last_seen"], name="rfid_read_window"),
            models.Index(fields=["unit", "first_seen"], name="rfid_read_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.uri} @ {self.read_point_id}"


class AssetType(models.Model):
    """A kind of returnable asset of an organisation (a coffee crate, a bin): one GRAI-13 (company prefix + asset
    type + check digit) allocated from the organisation's prefix by `catalog.services.common.allocate_key`; its
    assets are told apart by serial (`next_serial` counts them)."""

    organization = models.ForeignKey("catalog.Organization", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("loại tài sản"), max_length=80)
    grai = models.CharField(_("mã GRAI"), max_length=13, unique=True)
    prefix_length = models.PositiveSmallIntegerField()  # of the company prefix it was allocated under (GRAI-96)
    next_serial = models.PositiveBigIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("loại tài sản quay vòng")
        verbose_name_plural = _("loại tài sản quay vòng")
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="rfid_one_asset_type_per_name")]

    def __str__(self) -> str:
        return self.name


class ReturnableAsset(models.Model):
    """One returnable asset (GRAI + serial: the GRAI-96 written on its tag) and where a gate last read it
    (`last_seen_at`, `last_seen_point`: any organisation's read point, so a crate lent to a partner is found)."""

    asset_type = models.ForeignKey(AssetType, on_delete=models.PROTECT, related_name="assets")
    organization = models.ForeignKey("catalog.Organization", on_delete=models.PROTECT, related_name="+")
    grai = models.CharField(max_length=13)
    serial = models.CharField(_("số sê-ri"), max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_seen_at = models.DateTimeField(_("đọc lần cuối lúc"), null=True, blank=True)
    last_seen_point = models.ForeignKey(
        ReadPoint,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("đọc lần cuối tại"),
    )

    class Meta:
        ordering = ["asset_type", "id"]
        verbose_name = _("tài sản quay vòng")
        verbose_name_plural = _("tài sản quay vòng")
        constraints = [models.UniqueConstraint(fields=["grai", "serial"], name="rfid_unique_grai_serial")]

    def __str__(self) -> str:
        return f"{self.grai}/{self.serial}"

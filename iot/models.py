"""Devices, where they are, their credentials, readings and aggregates, thresholds, excursions and what they did
to lots (EPCIS events, holds)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from iot.choices import Bucket, DeviceKind, DeviceStatus, ExcursionState, PlaceKind, QuantityName


class Vehicle(models.Model):
    """A truck (refrigerated or not) of an organisation; its logger's readings follow the shipments it carries."""

    organization = models.ForeignKey("catalog.Organization", on_delete=models.PROTECT, related_name="+")
    plate = models.CharField(_("biển số"), max_length=20)
    name = models.CharField(_("tên xe"), max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("xe")
        verbose_name_plural = _("xe")
        constraints = [models.UniqueConstraint(fields=["organization", "plate"], name="iot_vehicle_plate")]

    def __str__(self) -> str:
        return self.name or self.plate


class Device(models.Model):
    """A sensor or data logger. `identifier` is its MQTT user name and topic (`truyxuat/d/<identifier>`)."""

    organization = models.ForeignKey("catalog.Organization", on_delete=models.PROTECT, related_name="+")
    identifier = models.SlugField(_("mã thiết bị"), max_length=64, unique=True)
    dev_eui = models.CharField(_("DevEUI (LoRaWAN)"), max_length=16, null=True, blank=True, unique=True)
    name = models.CharField(_("tên thiết bị"), max_length=120)
    kind = models.CharField(_("loại"), max_length=16, choices=DeviceKind.choices)
    quantities = models.JSONField(_("đại lượng đo"), default=list)
    status = models.CharField(_("trạng thái"), max_length=8, choices=DeviceStatus.choices, default="active")
    silent_after = models.PositiveIntegerField(_("báo mất tín hiệu sau (phút)"), default=30)
    last_seen_at = models.DateTimeField(_("lần cuối gửi"), null=True, blank=True)
    battery = models.FloatField(_("pin (%)"), null=True, blank=True)
    silent_alerted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("thiết bị")
        verbose_name_plural = _("thiết bị")

    def __str__(self) -> str:
        return self.name

    @property
    def topic(self) -> str:
        return f"truyxuat/d/{self.identifier}"


class Credential(models.Model):
    """A device's secret, stored as Mosquitto's PBKDF2-SHA512 hash (`$7$…`, the broker's password file uses it
    as is); shown once when created or rotated."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="credentials")
    secret_hash = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["device"], condition=Q(revoked_at=None), name="iot_one_live_credential")
        ]

    def __str__(self) -> str:
        return f"{self.device_id} {self.created_at:%Y-%m-%d}"


class Placement(models.Model):
    """Where a device is from `start` to `end` (open: still there): a facility (cold room, yard), a growing area or
    a vehicle."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="placements")
    kind = models.CharField(_("nơi đặt"), max_length=8, choices=PlaceKind.choices)
    facility = models.ForeignKey("catalog.Facility", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    growing_area = models.ForeignKey(
        "catalog.GrowingArea", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    vehicle = models.ForeignKey(Vehicle, null=True, blank=True, on_delete=models.PROTECT, related_name="placements")
    start = models.DateTimeField(_("từ"))
    end = models.DateTimeField(_("đến"), null=True, blank=True)

    class Meta:
        ordering = ["-start"]
        indexes = [models.Index(fields=["facility", "start"]), models.Index(fields=["vehicle", "start"])]

    def __str__(self) -> str:
        return f"{self.device_id} {self.kind} {self.start:%Y-%m-%d}"


class Trip(models.Model):
    """A shipment carried by a vehicle: the lots aboard live through the vehicle's conditions from shipping to
    receipt (the shipment's EPCIS events)."""

    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="trips")
    shipment = models.OneToOneField("logistics.Shipment", on_delete=models.CASCADE, related_name="trip")
    summarised_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.vehicle_id} → {self.shipment_id}"


class Reading(models.Model):
    """One measurement. Deduplicated on (device, quantity, time); `received_at` is the arrival time, `skewed` flags
    a device clock too far from it. On PostgreSQL the table is partitioned by month of `time` (migration 0002)."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="+", db_index=False)
    quantity = models.PositiveSmallIntegerField()
    time = models.DateTimeField()
    value = models.FloatField()
    received_at = models.DateTimeField()
    skewed = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["device", "quantity", "time"], name="iot_reading_once")]

    def __str__(self) -> str:
        return f"{self.device_id} {self.quantity} {self.time} {self.value}"


class Aggregate(models.Model):
    """Min, max, mean and count of a device's quantity over a minute or an hour (kept after raw readings expire)."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="+", db_index=False)
    quantity = models.PositiveSmallIntegerField()
    bucket = models.CharField(max_length=1, choices=Bucket.choices)
    start = models.DateTimeField()
    min = models.FloatField()
    max = models.FloatField()
    mean = models.FloatField()
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["device", "quantity", "bucket", "start"], name="iot_aggregate_once")
        ]

    def __str__(self) -> str:
        return f"{self.device_id} {self.quantity} {self.bucket} {self.start}"


class Profile(models.Model):
    """A threshold: a quantity must stay within [low, high]; an excursion counts once it lasts `min_minutes`.
    It applies to a place (facility, growing area, vehicle) or, through the lots' stays, to a product."""

    organization = models.ForeignKey("catalog.Organization", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("tên ngưỡng"), max_length=120)
    quantity = models.CharField(_("đại lượng"), max_length=20, choices=QuantityName.choices)
    low = models.FloatField(_("thấp nhất"), null=True, blank=True)
    high = models.FloatField(_("cao nhất"), null=True, blank=True)
    min_minutes = models.PositiveIntegerField(_("kéo dài ít nhất (phút)"), default=15)
    facility = models.ForeignKey("catalog.Facility", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    growing_area = models.ForeignKey(
        "catalog.GrowingArea", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    vehicle = models.ForeignKey(Vehicle, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey("catalog.Product", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    hold_lots = models.BooleanField(_("tạm giữ lô khi vượt ngưỡng"), default=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("ngưỡng cảnh báo")
        verbose_name_plural = _("ngưỡng cảnh báo")

    def __str__(self) -> str:
        return self.name


class Excursion(models.Model):
    """A quantity outside a profile's range at a device, from `started_at` (first reading outside) to `ended_at`
    (first reading back inside). `confirmed_at`: when it had lasted the profile's minimum (alert, event, hold)."""

    profile = models.ForeignKey(Profile, on_delete=models.PROTECT, related_name="excursions")
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="excursions")
    state = models.CharField(max_length=6, choices=ExcursionState.choices, default=ExcursionState.OPEN)
    started_at = models.DateTimeField()
    last_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    worst = models.FloatField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    event_ids = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "device"], condition=Q(state="open"), name="iot_one_open_excursion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.profile_id} {self.device_id} {self.started_at}"


class ConditionHold(models.Model):
    """A lot held because of an excursion it lived through: the publication rule `condition_excursion` reads it, the
    consumer page says it in plain words. Released by the producer or an officer with a reason."""

    lot = models.ForeignKey("catalog.Lot", on_delete=models.CASCADE, related_name="condition_holds")
    excursion = models.ForeignKey(Excursion, on_delete=models.PROTECT, related_name="holds")
    reason = models.CharField(max_length=255, blank=True)  # the excursion in plain words, as the rule states it
    held_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    release_reason = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["lot", "excursion"], name="iot_hold_once")]

    def __str__(self) -> str:
        return f"{self.lot_id} {self.excursion_id}"


class Stay(models.Model):
    """A lot's stay in a monitored place (cold room, vehicle, growing area) and, once over, the EPCIS event that
    summarises its conditions (`summary`: per quantity min, max, mean, count)."""

    lot = models.ForeignKey("catalog.Lot", on_delete=models.CASCADE, related_name="condition_stays")
    kind = models.CharField(max_length=8, choices=PlaceKind.choices)
    place_name = models.CharField(max_length=255)
    place_id = models.BigIntegerField()
    start = models.DateTimeField()
    end = models.DateTimeField()
    devices = models.JSONField(default=list)
    summary = models.JSONField(default=dict)
    event_id = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["start"]
        constraints = [models.UniqueConstraint(fields=["lot", "kind", "place_id", "start"], name="iot_stay_once")]

    def __str__(self) -> str:
        return f"{self.lot_id} {self.place_name} {self.start}"


class Mark(models.Model):
    """How far the maintenance job has got (`received`: readings that arrived up to then are aggregated)."""

    name = models.CharField(max_length=40, unique=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} {self.at}"

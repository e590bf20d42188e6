"""Choices of the IoT app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DeviceKind(models.TextChoices):
    FIELD_STATION = "field_station", _("Trạm đo ngoài đồng")
    COLD_ROOM = "cold_room", _("Cảm biến kho lạnh")
    VEHICLE = "vehicle", _("Thiết bị ghi trên xe")
    DATA_LOGGER = "data_logger", _("Máy ghi dữ liệu")
    LORAWAN = "lorawan", _("Cảm biến LoRaWAN")
    RFID_READER = "rfid_reader", _("Đầu đọc RFID")  # its reads go to `rfid`, not to readings


class DeviceStatus(models.TextChoices):
    ACTIVE = "active", _("Đang hoạt động")
    REVOKED = "revoked", _("Đã thu hồi")


class PlaceKind(models.TextChoices):
    FACILITY = "facility", _("Cơ sở, kho")
    AREA = "area", _("Vùng trồng")
    VEHICLE = "vehicle", _("Xe")


class Bucket(models.TextChoices):
    MINUTE = "m", _("Theo phút")
    HOUR = "h", _("Theo giờ")


class ExcursionState(models.TextChoices):
    OPEN = "open", _("Đang vượt ngưỡng")
    CLOSED = "closed", _("Đã trở lại bình thường")


class QuantityName(models.TextChoices):
    TEMPERATURE = "temperature", _("Nhiệt độ")
    RELATIVE_HUMIDITY = "relative_humidity", _("Độ ẩm không khí")
    ILLUMINANCE = "illuminance", _("Ánh sáng")
    SOIL_MOISTURE = "soil_moisture", _("Độ ẩm đất")


UNIT_LABELS = {"CEL": "°C", "P1": "%", "LUX": "lux"}

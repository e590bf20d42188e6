"""Choices of the RFID app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a read point's reads mean (the event each becomes, `rfid.services`)."""

    PACKING = "packing", _("Bàn đóng gói")
    DOCK_OUT = "dock_out", _("Cổng xuất hàng")
    DOCK_IN = "dock_in", _("Cổng nhận hàng")

"""Roles of people in organisations."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberRole(models.TextChoices):
    OWNER = "owner", _("Chủ sở hữu")
    STAFF = "staff", _("Nhân viên")

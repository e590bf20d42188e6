"""Choices of the showcase: the e-commerce platforms a producer links to, and an inquiry's status."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Platform(models.TextChoices):
    SHOPEE = "shopee", "Shopee"
    LAZADA = "lazada", "Lazada"
    TIKI = "tiki", "Tiki"
    TIKTOK = "tiktok", "TikTok Shop"
    SENDO = "sendo", "Sendo"
    POSTMART = "postmart", "Postmart"
    VOSO = "voso", "Voso"
    WEBSITE = "website", _("Trang web riêng")


# the hosts a link to each platform may have (the host itself or a subdomain); a producer's own site: any host
PLATFORM_HOSTS: dict[str, tuple[str, ...]] = {
    Platform.SHOPEE: ("shopee.vn", "shp.ee"),
    Platform.LAZADA: ("lazada.vn",),
    Platform.TIKI: ("tiki.vn",),
    Platform.TIKTOK: ("tiktok.com",),
    Platform.SENDO: ("sendo.vn",),
    Platform.POSTMART: ("postmart.vn",),
    Platform.VOSO: ("voso.vn",),
}


class InquiryStatus(models.TextChoices):
    NEW = "new", _("Chưa trả lời")
    ANSWERED = "answered", _("Đã trả lời")

"""Notifications to organisations (shown in their workspace and sent by e-mail) and consumers' product watches."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from notifications.choices import NotificationKind


class Notification(models.Model):
    """A message to an organisation (every member sees it) or to one user; e-mailed after the write commits."""

    organization = models.ForeignKey(
        "catalog.Organization", null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("loại"), max_length=12, choices=NotificationKind.choices)
    title = models.CharField(_("tiêu đề"), max_length=255)
    body = models.TextField(_("nội dung"), blank=True)
    link = models.CharField(_("đường dẫn"), max_length=500, blank=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    dismissed_at = models.DateTimeField(_("đã ẩn lúc"), null=True, blank=True)
    emailed_to = models.JSONField(_("đã gửi thư tới"), default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "read_at"]), models.Index(fields=["object_type", "object_id"])]
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")

    def __str__(self) -> str:
        return self.title


def _token() -> str:
    return secrets.token_urlsafe(24)


class ProductWatch(models.Model):
    """A consumer asked to be told about a product (recalls, warnings); `token` lets them confirm and unsubscribe.

    Notices go only to confirmed watches: the address's owner opened the link mailed to it (double opt-in),
    so nobody can sign someone else up. `address_hash` (salted, as for scans) limits requests per network address.
    """

    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="watches")
    email = models.EmailField(_("thư điện tử"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    token = models.CharField(max_length=40, unique=True, default=_token)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)
    address_hash = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["product", "email"], name="unique_product_watch")]
        verbose_name = _("đăng ký nhận tin sản phẩm")
        verbose_name_plural = _("đăng ký nhận tin sản phẩm")

    def __str__(self) -> str:
        return f"{self.email} → {self.product_id}"

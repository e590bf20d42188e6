"""News and guidance pages the agency writes (Markdown), shown to the public from their publication time."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ArticleKind(models.TextChoices):
    NEWS = "news", _("Tin tức")
    GUIDE = "guide", _("Hướng dẫn")


class Article(models.Model):
    """A page: public once `publish_at` has passed (a later time schedules it), unless withdrawn."""

    kind = models.CharField(_("loại bài"), max_length=8, choices=ArticleKind.choices, default=ArticleKind.NEWS)
    title = models.CharField(_("tiêu đề"), max_length=200)
    summary = models.CharField(_("tóm tắt"), max_length=300, blank=True)
    body = models.TextField(_("nội dung (Markdown)"))
    image = models.ImageField(_("ảnh"), upload_to="news/%Y/", blank=True)
    image_alt = models.CharField(_("mô tả ảnh"), max_length=200, blank=True)
    publish_at = models.DateTimeField(_("đăng lúc"), null=True, blank=True, db_index=True)
    withdrawn = models.BooleanField(_("đã gỡ"), default=False)
    agency = models.ForeignKey("catalog.Organization", null=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-publish_at", "-id"]
        verbose_name = _("bài viết")
        verbose_name_plural = _("bài viết")

    def __str__(self) -> str:
        return self.title

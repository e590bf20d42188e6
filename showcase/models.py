"""The showcase of traced products (issue 25 item 3): a producer's story, photos and shop links, and buyers'
inquiries, forwarded to the producer without showing the producer's address until the producer answers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from showcase.choices import InquiryStatus, Platform


class Story(models.Model):
    """What the producer tells buyers about itself (shown only while it has published products)."""

    organization = models.OneToOneField("catalog.Organization", on_delete=models.CASCADE, related_name="story")
    text = models.TextField(_("câu chuyện của cơ sở"), blank=True, max_length=4000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("câu chuyện sản phẩm")
        verbose_name_plural = _("câu chuyện sản phẩm")

    def __str__(self) -> str:
        return str(self.organization)


class Photo(models.Model):
    """A photo of the farm, the people or the product, public on the showcase."""

    organization = models.ForeignKey("catalog.Organization", on_delete=models.CASCADE, related_name="showcase_photos")
    image = models.ImageField(_("ảnh"), upload_to="showcase/%Y/")
    caption = models.CharField(_("chú thích"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("ảnh giới thiệu")
        verbose_name_plural = _("ảnh giới thiệu")

    def __str__(self) -> str:
        return self.caption or self.image.name


class ShopLink(models.Model):
    """The producer's shop on an e-commerce platform (an https address on that platform's host)."""

    organization = models.ForeignKey("catalog.Organization", on_delete=models.CASCADE, related_name="shop_links")
    platform = models.CharField(_("sàn thương mại điện tử"), max_length=10, choices=Platform.choices)
    url = models.URLField(_("địa chỉ gian hàng"), max_length=300)

    class Meta:
        ordering = ["platform", "pk"]
        verbose_name = _("gian hàng trực tuyến")
        verbose_name_plural = _("gian hàng trực tuyến")
        constraints = [models.UniqueConstraint(fields=["organization", "url"], name="unique_shop_link")]

    def __str__(self) -> str:
        return self.url


class Inquiry(models.Model):
    """A buyer's question about a product; the producer sees the buyer's contact, the buyer sees the producer's
    only in the producer's answer (mailed to the buyer)."""

    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="inquiries")
    organization = models.ForeignKey("catalog.Organization", on_delete=models.CASCADE, related_name="inquiries")
    buyer_name = models.CharField(_("họ tên người mua"), max_length=120)
    company = models.CharField(_("công ty"), max_length=200, blank=True)
    email = models.EmailField(_("thư điện tử"))
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    quantity = models.CharField(_("số lượng cần mua"), max_length=60, blank=True)
    message = models.TextField(_("nội dung"), max_length=2000)
    address_hash = models.CharField(max_length=64, db_index=True)
    status = models.CharField(_("trạng thái"), max_length=8, choices=InquiryStatus.choices, default=InquiryStatus.NEW)
    answer = models.TextField(_("trả lời"), blank=True, max_length=4000)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("hỏi mua")
        verbose_name_plural = _("hỏi mua")

    def __str__(self) -> str:
        return f"{self.buyer_name}: {self.product_id}"

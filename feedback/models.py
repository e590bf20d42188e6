"""Consumer feedback and complaints about a product, lot or item, with a tracking code and answers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models import Lot, Organization, Product
from feedback.choices import FeedbackKind, FeedbackStatus


class Feedback(models.Model):
    """What a consumer sent from a product page. Contact details are optional and never shown publicly.

    A counterfeit report (kind `counterfeit`, `feedback.counterfeit`) may name a code the portal does not know:
    it has no product then, and belongs to the agency of the province that receives it (`organization`); it keeps
    the code as scanned, where the product was bought and, only if the consumer shared it, a rounded location."""

    tracking_code = models.CharField(_("mã theo dõi"), max_length=16, unique=True)
    kind = models.CharField(_("loại"), max_length=12, choices=FeedbackKind.choices, default=FeedbackKind.FEEDBACK)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=FeedbackStatus.choices, default=FeedbackStatus.NEW
    )
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="feedback")
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.PROTECT, related_name="feedback")
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="feedback")
    serial = models.CharField(_("số sê-ri"), max_length=20, blank=True)
    rating = models.PositiveSmallIntegerField(_("đánh giá (1–5 sao)"), null=True, blank=True)
    message = models.TextField(_("nội dung"))
    contact_name = models.CharField(_("tên người gửi"), max_length=100, blank=True)
    contact = models.CharField(_("điện thoại hoặc thư điện tử"), max_length=120, blank=True)
    photo = models.ImageField(_("ảnh"), upload_to="feedback/%Y/%m/", blank=True)
    code = models.CharField(_("mã đã quét"), max_length=200, blank=True)
    where_bought = models.CharField(_("nơi mua"), max_length=255, blank=True)
    latitude = models.DecimalField(_("vĩ độ (gần đúng)"), max_digits=8, decimal_places=4, null=True, blank=True)
    longitude = models.DecimalField(_("kinh độ (gần đúng)"), max_digits=8, decimal_places=4, null=True, blank=True)
    address_hash = models.CharField(max_length=32, db_index=True)
    created_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("phản ánh")
        verbose_name_plural = _("phản ánh")
        indexes = [models.Index(fields=["organization", "status"]), models.Index(fields=["kind", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="feedback_rating_range",
            ),
            models.CheckConstraint(
                condition=models.Q(product__isnull=False) | models.Q(kind="counterfeit"),
                name="feedback_product_unless_counterfeit",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_code


class FeedbackAnswer(models.Model):
    """An answer by the producer or an agency; shown on the public follow page."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="answers")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("trả lời"))
    created_at = models.DateTimeField(_("trả lời lúc"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("trả lời phản ánh")
        verbose_name_plural = _("trả lời phản ánh")

    def __str__(self) -> str:
        return f"{self.feedback} — {self.organization}"

"""How a consumer's feedback is handled: routed to the producer and the agency, with a deadline and escalation."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ComplaintCase(models.Model):
    """The handling of one `feedback.Feedback`: who must answer by when, escalation, and the follow-up it led to
    (an inspection or a recall). Created when the feedback is received (see `complaints.services.route`)."""

    feedback = models.OneToOneField("feedback.Feedback", on_delete=models.CASCADE, related_name="case")
    agency = models.ForeignKey(
        "catalog.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    response_due = models.DateTimeField(_("hạn trả lời"), db_index=True)
    routed_at = models.DateTimeField(_("chuyển lúc"), auto_now_add=True)
    escalated_at = models.DateTimeField(_("chuyển cấp lúc"), null=True, blank=True)
    inspection = models.ForeignKey(
        "quality.Inspection", null=True, blank=True, on_delete=models.SET_NULL, related_name="complaints"
    )
    recall = models.ForeignKey(
        "recalls.Recall", null=True, blank=True, on_delete=models.SET_NULL, related_name="complaints"
    )

    class Meta:
        ordering = ["response_due"]
        verbose_name = _("hồ sơ phản ánh")
        verbose_name_plural = _("hồ sơ phản ánh")

    def __str__(self) -> str:
        return str(self.feedback_id)

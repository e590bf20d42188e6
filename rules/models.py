"""Rule decisions: what a versioned rule decided about a lot, why, and from when it is allowed; each a ledger leaf."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rules.choices import Outcome, Trigger


class RuleDecision(models.Model):
    """One rule's verdict on one lot at one moment. A new row is written only when the verdict (outcome,
    reason or date) changes, or when a submission/publication asks; the latest row per rule is the state."""

    lot = models.ForeignKey("catalog.Lot", on_delete=models.CASCADE, related_name="rule_decisions")
    rule = models.CharField(_("quy tắc"), max_length=40)
    version = models.PositiveSmallIntegerField(_("phiên bản"))
    outcome = models.CharField(_("kết quả"), max_length=6, choices=Outcome.choices)
    reason = models.TextField(_("lý do"), blank=True)
    remedy = models.TextField(_("cách khắc phục"), blank=True)
    allowed_from = models.DateField(_("được phép từ ngày"), null=True, blank=True)
    facts = models.JSONField(_("căn cứ"), default=dict, blank=True)
    trigger = models.CharField(_("khi"), max_length=16, choices=Trigger.choices)
    decided_at = models.DateTimeField(_("lúc"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ledger_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["lot", "rule", "-id"])]
        verbose_name = _("quyết định quy tắc")
        verbose_name_plural = _("quyết định quy tắc")

    def __str__(self) -> str:
        return f"{self.rule}@{self.version} {self.outcome} — {self.lot_id}"

    @property
    def blocks(self) -> bool:
        return self.outcome in (Outcome.BLOCK, Outcome.HOLD)

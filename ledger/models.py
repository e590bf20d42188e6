"""Append-only ledger storage: leaves and the head that serialises appends."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ledger.choices import LeafKind


class LedgerHead(models.Model):
    """Singleton row (id=1) holding the tree size; appends lock it so one writer appends at a time."""

    size = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("đầu sổ cái")

    def __str__(self) -> str:
        return f"size {self.size}"


class LedgerLeaf(models.Model):
    """One accepted record version: its canonical bytes and RFC 9162 leaf hash, never updated or deleted."""

    index = models.BigIntegerField(primary_key=True)
    kind = models.CharField(max_length=24, choices=LeafKind.choices, db_index=True)
    leaf_hash = models.BinaryField(max_length=32)
    data = models.BinaryField()
    record_type = models.CharField(max_length=64, blank=True)
    record_id = models.CharField(max_length=64, blank=True)
    appended_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["index"]
        indexes = [models.Index(fields=["record_type", "record_id"])]
        verbose_name = _("lá sổ cái")
        verbose_name_plural = _("lá sổ cái")

    def __str__(self) -> str:
        return f"#{self.index} {self.kind}"

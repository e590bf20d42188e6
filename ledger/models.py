"""Append-only ledger storage: leaves, stored subtree hashes, the head, signed checkpoints, witnesses.

Leaves, stored hashes and checkpoints are never updated or deleted: the code never does it and
the database refuses it (triggers, see migration 0002 and :mod:`ledger.db`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ledger.choices import AlarmKind, LeafKind


class LogIndexField(models.BigIntegerField):
    """A 64-bit log position used as primary key; on SQLite it is the table's rowid.

    SQLite only makes ``INTEGER PRIMARY KEY`` (not ``bigint``) an alias of the rowid; otherwise
    every insert also writes a separate primary-key index. Same 64-bit range either way.
    """

    def db_type(self, connection):  # type: ignore[no-untyped-def]
        if connection.vendor == "sqlite":
            return "integer"
        return super().db_type(connection)


class LedgerHead(models.Model):
    """Singleton row (id=1) holding the tree size; appends lock it so one writer appends at a time."""

    size = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("đầu sổ cái")

    def __str__(self) -> str:
        return f"size {self.size}"


class LedgerLeaf(models.Model):
    """One accepted record version, never updated or deleted.

    ``data`` holds the record's canonical bytes (kept for the tamper audit and proof bundles);
    the leaf itself is their SHA-256 digest, so ``leaf_hash = SHA-256(0x00 || SHA-256(data))``.
    """

    index = LogIndexField(primary_key=True)
    kind = models.CharField(max_length=24, choices=LeafKind.choices)
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


class LedgerHash(models.Model):
    """One stored hash of a complete subtree, at its index in :mod:`ledger.merkle`'s stored sequence."""

    index = LogIndexField(primary_key=True)
    hash = models.BinaryField(max_length=32)

    class Meta:
        verbose_name = _("mã băm cây con")
        verbose_name_plural = _("mã băm cây con")

    def __str__(self) -> str:
        return f"#{self.index}"


class LedgerCheckpoint(models.Model):
    """A signed tree head (C2SP tlog-checkpoint as an Ed25519 signed note), kept for consistency proofs."""

    size = models.BigIntegerField(unique=True)
    root_hash = models.BinaryField(max_length=32)
    note = models.TextField(help_text="The signed note, with the log's own signature only.")
    key = models.CharField(max_length=200, help_text="Verifier key that signed it.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-size"]
        get_latest_by = "size"
        verbose_name = _("điểm kiểm tra")
        verbose_name_plural = _("điểm kiểm tra")

    def __str__(self) -> str:
        return f"checkpoint {self.size}"


class WitnessCosignature(models.Model):
    """A witness's cosignature/v1 line over one of our checkpoints (c2sp.org/tlog-cosignature)."""

    checkpoint = models.ForeignKey(LedgerCheckpoint, on_delete=models.PROTECT, related_name="cosignatures")
    witness = models.CharField(max_length=200)
    key_hash = models.BigIntegerField()
    line = models.TextField()
    timestamp = models.BigIntegerField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["witness"]
        constraints = [
            models.UniqueConstraint(fields=["checkpoint", "witness", "key_hash"], name="ledger_one_cosig_per_witness")
        ]
        verbose_name = _("chữ ký đồng chứng")
        verbose_name_plural = _("chữ ký đồng chứng")

    def __str__(self) -> str:
        return f"{self.witness} @ {self.checkpoint.size}"


class LedgerAlarm(models.Model):
    """Something a verifier must look at: a log that forked or rolled back, a tamper audit failure."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=24, choices=AlarmKind.choices)
    origin = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=500, blank=True, help_text="URL of the log, or the command that raised it.")
    detail = models.TextField()
    evidence = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("cảnh báo sổ cái")
        verbose_name_plural = _("cảnh báo sổ cái")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.kind} {self.origin}"

"""Ledger writes. `append` is the one interface every domain app uses to put a record in the log."""

from __future__ import annotations

import hashlib

from django.db import models, transaction

from ledger.models import LedgerHead, LedgerLeaf


def _leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def append(kind: str, canonical_bytes: bytes, *, record_type: str = "", record_id: str = "") -> int:
    """Append one leaf inside the caller's transaction and return its index.

    The head row is locked (SELECT … FOR UPDATE on PostgreSQL; SQLite transactions are IMMEDIATE),
    so appends from several workers are serialised and a record commits together with its leaf.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("ledger.append must run inside the caller's transaction")
    head, _created = LedgerHead.objects.select_for_update().get_or_create(pk=1)
    index = head.size
    LedgerLeaf.objects.create(
        index=index,
        kind=kind,
        leaf_hash=_leaf_hash(canonical_bytes),
        data=canonical_bytes,
        record_type=record_type,
        record_id=record_id,
    )
    LedgerHead.objects.filter(pk=1).update(size=index + 1)
    return index


def append_record(instance: models.Model) -> int:
    """Append the current version of a registered record (lot, certificate, review…) to the log."""
    from ledger.records import REGISTRY, record_bytes

    kind = REGISTRY[instance._meta.label_lower].kind
    return append(kind, record_bytes(instance), record_type=instance._meta.label_lower, record_id=str(instance.pk))

"""Ledger writes. `append` is the one interface every domain app uses to put a record in the log.

A leaf is the SHA-256 digest of a record's canonical bytes (ARCHITECTURE §4), so its RFC 9162
leaf hash is ``SHA-256(0x00 || SHA-256(canonical))``. The canonical bytes stay in
:class:`~ledger.models.LedgerLeaf` for the tamper audit and proof bundles; public tiles and entry
bundles only ever carry digests.

Appends run inside the caller's transaction, so a record and its leaf commit together or not at
all. The head row is locked first (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite transactions
are ``IMMEDIATE`` in this project, so the whole database is already write-locked): one writer
appends at a time, with any number of workers. Each append writes the leaf and the stored
subtree hashes it completes (:func:`ledger.merkle.new_hashes_for_append_batch`), so roots and
proofs never rehash the tree. After the outermost transaction commits, one (coalesced) hook signs
a new checkpoint (:func:`ledger.checkpoints.sign_checkpoint`), at most once per
``TRUYXUAT_LEDGER_CHECKPOINT_THROTTLE`` seconds (default 1 s; a commit inside that window gets
its checkpoint at the window's end, see :class:`ledger.checkpoints._AfterCommitSigner`).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from django.db import connection, models, transaction
from django.utils import timezone

from core.storage.bulk import copy_rows
from core.storage.db import raw_cursor
from ledger import merkle
from ledger.checkpoints import after_commit_signer
from ledger.models import LedgerHash, LedgerHead, LedgerLeaf
from ledger.tree import DbHashReader

log = logging.getLogger(__name__)

_sha256 = hashlib.sha256


class Item(NamedTuple):
    """One leaf to append with :func:`append_many`."""

    kind: str
    canonical_bytes: bytes
    record_type: str = ""
    record_id: str = ""


def leaf_hash_of(canonical_bytes: bytes) -> bytes:
    """RFC 9162 leaf hash of a record: SHA-256(0x00 || SHA-256(canonical))."""
    return _sha256(b"\x00" + _sha256(canonical_bytes).digest()).digest()


def _lock_head() -> int:
    if not connection.in_atomic_block:
        raise RuntimeError("ledger.append must run inside the caller's transaction")
    head = LedgerHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        head, _ = LedgerHead.objects.get_or_create(pk=1)
        head = LedgerHead.objects.select_for_update().get(pk=1)
    return head.size


def _reserve(n: int) -> int:
    """Lock the head and grow it by `n` leaves in one statement; return the index of the first new leaf.

    ``UPDATE … RETURNING`` takes the row lock (PostgreSQL) inside the already write-locked transaction
    (SQLite, IMMEDIATE), so it both serialises appenders and reserves their indexes.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("ledger.append must run inside the caller's transaction")
    table = connection.ops.quote_name(LedgerHead._meta.db_table)
    with raw_cursor() as (cur, mark):
        sql = f"UPDATE {table} SET size = size + {mark} WHERE id = 1 RETURNING size"
        cur.execute(sql, [n])
        row = cur.fetchone()
        if row is None:  # a fresh log: create the head, then reserve
            LedgerHead.objects.get_or_create(pk=1)
            cur.execute(sql, [n])
            row = cur.fetchone()
    return int(row[0]) - n


LEAF_COLUMNS = ("index", "kind", "leaf_hash", "data", "record_type", "record_id", "appended_at")


def _write(first: int, items: Sequence[Item]) -> None:
    digests = [_sha256(it.canonical_bytes).digest() for it in items]
    leaf_hashes = [_sha256(b"\x00" + d).digest() for d in digests]
    stored = merkle.new_hashes_for_append_batch(first, leaf_hashes, DbHashReader())
    stored_from = merkle.stored_hash_index(0, first)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    leaf_table = LedgerLeaf._meta.db_table
    hash_table = LedgerHash._meta.db_table
    leaf_cols = ", ".join(connection.ops.quote_name(c) for c in LEAF_COLUMNS)
    leaf_rows = [
        (first + i, it.kind, lh, it.canonical_bytes, it.record_type, it.record_id, now)
        for i, (it, lh) in enumerate(zip(items, leaf_hashes, strict=True))
    ]
    hash_rows = [(stored_from + i, h) for i, h in enumerate(stored)]
    with raw_cursor() as (cur, mark):
        if connection.vendor == "postgresql" and len(items) >= 100:
            # COPY is several times faster than INSERT for a capture's worth of rows (a large document is
            # appended in parts of a few hundred: see events.epcis.parallel.prepare_parts).
            copy_rows(cur, leaf_table, LEAF_COLUMNS, leaf_rows)
            copy_rows(cur, hash_table, ("index", "hash"), hash_rows)
        elif connection.vendor == "postgresql" and hash_rows:
            # one statement, one round trip (two `executemany` were two: a single-event capture's append)
            leaves = ", ".join([f"({', '.join([mark] * 7)})"] * len(leaf_rows))
            hashes = ", ".join([f"({mark}, {mark})"] * len(hash_rows))
            cur.execute(
                f"WITH leaves AS (INSERT INTO {leaf_table} ({leaf_cols}) VALUES {leaves}) "
                f'INSERT INTO {hash_table} ("index", hash) VALUES {hashes}',
                [value for row in leaf_rows for value in row] + [value for row in hash_rows for value in row],
            )
        else:
            cur.executemany(f"INSERT INTO {leaf_table} ({leaf_cols}) VALUES ({', '.join([mark] * 7)})", leaf_rows)
            cur.executemany(f'INSERT INTO {hash_table} ("index", hash) VALUES ({mark}, {mark})', hash_rows)
    _schedule_checkpoint()


def append(kind: str, canonical_bytes: bytes, *, record_type: str = "", record_id: str = "") -> int:
    """Append one leaf inside the caller's transaction and return its index."""
    first = _reserve(1)
    _write(first, [Item(kind, bytes(canonical_bytes), record_type, record_id)])
    return first


def append_many(items: Iterable[Item | tuple[str, bytes, str, str]]) -> int:
    """Append leaves in one go (an EPCIS document's events) inside the caller's transaction.

    ``items`` are :class:`Item` or ``(kind, canonical_bytes, record_type, record_id)`` tuples;
    returns the index of the first (the others follow in order). Reads at most log2(n) old
    hashes and writes everything with two batched INSERTs.
    """
    batch = [it if isinstance(it, Item) else Item(*it) for it in items]
    if not batch:
        return _lock_head()
    first = _reserve(len(batch))
    _write(first, batch)
    return first


def append_record(instance: models.Model) -> int:
    """Append the current version of a registered record (lot, certificate, review…) to the log."""
    from ledger.records import REGISTRY, record_bytes

    kind = REGISTRY[instance._meta.label_lower].kind
    return append(kind, record_bytes(instance), record_type=instance._meta.label_lower, record_id=str(instance.pk))


def _checkpoint_after_commit() -> None:
    after_commit_signer.after_commit()


def _schedule_checkpoint() -> None:
    """One checkpoint per outermost transaction, however many leaves it appended."""
    pending = getattr(connection, "run_on_commit", [])
    if any(entry[1] is _checkpoint_after_commit for entry in pending):
        return
    transaction.on_commit(_checkpoint_after_commit)

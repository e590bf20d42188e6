"""The stored Merkle tree read back: its size, its root, and its stored hashes for `ledger.merkle`."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections

from core.storage.db import raw_cursor
from ledger import merkle
from ledger.models import LedgerHash, LedgerHead


class DbHashReader:
    """:class:`ledger.merkle.HashReader` over :class:`~ledger.models.LedgerHash`: one query per call."""

    def __init__(self, using: str = "default") -> None:
        self.using = using

    def read_hashes(self, indexes: Sequence[int]) -> list[bytes]:
        if not indexes:
            return []
        table = LedgerHash._meta.db_table
        wanted = sorted(set(indexes))
        found: dict[int, bytes] = {}
        with raw_cursor(connections[self.using]) as (cur, mark):
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                cur.execute(
                    f'SELECT "index", hash FROM {table} WHERE "index" IN ({",".join([mark] * len(chunk))})', chunk
                )
                for i, h in cur.fetchall():
                    found[i] = bytes(h)
        try:
            return [found[i] for i in indexes]
        except KeyError as exc:
            raise IndexError(f"stored hash {exc.args[0]} is missing") from None


def tree_size() -> int:
    head = LedgerHead.objects.filter(pk=1).first()
    return head.size if head else 0


def root_hash(size: int) -> bytes:
    return merkle.tree_hash(size, DbHashReader())

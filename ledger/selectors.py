"""Ledger reads shared by views, the API and commands: proofs, tiles and proof bundles."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

from ledger import bundle as bundle_mod
from ledger import checkpoints, merkle, note, tiles
from ledger.models import LedgerCheckpoint, LedgerLeaf
from ledger.tree import DbHashReader

Ref = tuple[str, str]  # (record_type, record_id), e.g. ("catalog.lot", "12")


def b64(h: bytes) -> str:
    return base64.b64encode(h).decode("ascii")


class CachingReader:
    """Remembers hashes already read: a bundle's proofs share most of their upper nodes."""

    def __init__(self, reader: merkle.HashReader) -> None:
        self._reader = reader
        self._cache: dict[int, bytes] = {}

    def read_hashes(self, indexes: Sequence[int]) -> list[bytes]:
        missing = [i for i in dict.fromkeys(indexes) if i not in self._cache]
        if missing:
            for i, h in zip(missing, self._reader.read_hashes(missing), strict=True):
                self._cache[i] = h
        return [self._cache[i] for i in indexes]


def inclusion(leaf_index: int, size: int) -> dict[str, Any]:
    """The proof API's inclusion document."""
    reader = DbHashReader()
    leaf = reader.read_hashes([merkle.stored_hash_index(0, leaf_index)])[0]
    proof = merkle.inclusion_proof(leaf_index, size, reader)
    return {"leaf_index": leaf_index, "tree_size": size, "leaf_hash": b64(leaf), "hashes": [b64(h) for h in proof]}


def consistency(first: int, second: int) -> dict[str, Any]:
    """The proof API's consistency document."""
    reader = DbHashReader()
    proof = merkle.consistency_proof(first, second, reader)
    return {
        "first": first,
        "second": second,
        "first_root": b64(merkle.tree_hash(first, reader)),
        "second_root": b64(merkle.tree_hash(second, reader)),
        "hashes": [b64(h) for h in proof],
    }


def tile_bytes(tile: tiles.Tile) -> bytes:
    """A hash tile (level >= 0) or an entry bundle of 32-byte leaf digests (level ENTRIES)."""
    if tile.level == tiles.ENTRIES:
        start = tile.n * tiles.TILE_WIDTH
        rows = list(
            LedgerLeaf.objects.filter(index__gte=start, index__lt=start + tile.width)
            .order_by("index")
            .values_list("index", "data")
        )
        if [i for i, _ in rows] != list(range(start, start + tile.width)):
            raise LookupError("missing leaves")
        return tiles.entry_bundle(hashlib.sha256(bytes(d)).digest() for _, d in rows)
    return tiles.tile_hashes(tile.level, tile.n, tile.width, DbHashReader())


def tile_available(tile: tiles.Tile, size: int) -> bool:
    """Whether ``tile`` lies within a tree of ``size`` leaves."""
    level = 0 if tile.level == tiles.ENTRIES else tile.level
    have = size >> (tiles.TILE_HEIGHT * level)
    return tile.n * tiles.TILE_WIDTH + tile.width <= have


def leaves_for(refs: Iterable[Ref], max_index: int) -> list[LedgerLeaf]:
    """Every leaf (every version) of the given records below ``max_index``, in log order."""
    by_type: dict[str, set[str]] = {}
    for record_type, record_id in refs:
        by_type.setdefault(record_type, set()).add(str(record_id))
    out: list[LedgerLeaf] = []
    for record_type, ids in by_type.items():
        id_list = sorted(ids)
        for start in range(0, len(id_list), 500):
            out.extend(
                LedgerLeaf.objects.filter(
                    record_type=record_type, record_id__in=id_list[start : start + 500], index__lt=max_index
                ).only("index", "kind", "data", "record_type", "record_id")
            )
    out.sort(key=lambda leaf: leaf.index)
    return out


def proof_bundle(
    refs: Iterable[Ref], subject: Any = None, checkpoint: LedgerCheckpoint | None = None
) -> dict[str, Any]:
    """A proof bundle (see :mod:`ledger.bundle`) for every ledger leaf of the given records.

    Uses a checkpoint that covers every committed leaf (signing one if the log grew), with the
    witness cosignatures collected for it.
    """
    cp = checkpoint or checkpoints.ensure_checkpoint()
    if cp is None:  # pragma: no cover - ensure_checkpoint always returns one
        raise LookupError("no checkpoint")
    leaves = leaves_for(refs, cp.size)
    records = [(leaf.kind, leaf.index, bytes(leaf.data).decode("utf-8")) for leaf in leaves]
    return bundle_mod.build_bundle(
        origin=note.parse_checkpoint(note.parse_note(cp.note)[0]).origin,
        checkpoint=checkpoints.with_cosignatures(cp),
        verifier_key=cp.key,
        tree_size=cp.size,
        records=records,
        reader=CachingReader(DbHashReader()),
        subject=subject,
    )

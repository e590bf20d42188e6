"""C2SP tlog-tiles: tile paths, tile contents and entry bundles. Pure Python, no Django.

A tile at level ``L``, index ``N`` and width ``W`` (1..256) is the concatenation of ``W``
consecutive Merkle tree hashes at tree level ``8 * L``, starting at position ``N * 256``:
level 0 tiles hold leaf hashes, a level-1 tile holds the roots of full level-0 tiles, and so
on. Every such hash is the hash of a complete subtree, so it is one of the stored hashes of
:mod:`ledger.merkle` (``stored_hash_index(8 * L, N * 256 + i)``).

Paths (relative to the log prefix):

* ``tile/<L>/<N>`` for a full tile, ``tile/<L>/<N>.p/<W>`` for a partial one (W < 256);
* ``tile/entries/<N>[.p/<W>]`` for the entry bundle of leaves ``N*256 .. N*256+W-1``: each entry
  as a 2-byte big-endian length followed by its bytes;

where ``<N>`` is written in 3-digit groups, all but the last prefixed with ``x``
(1234067 -> ``x001/x234/067``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from ledger.merkle import (
    HASH_SIZE,
    ReaderLike,
    _read,
    node_hash,
    split_stored_hash_index,
)
from ledger.merkle import (
    stored_hash_index as _stored_hash_index,
)

__all__ = [
    "ENTRIES",
    "TILE_HEIGHT",
    "TILE_WIDTH",
    "Tile",
    "TileHashReader",
    "entries_path",
    "entry_bundle",
    "new_tiles",
    "parse_entry_bundle",
    "parse_tile_path",
    "tile_hash_indexes",
    "tile_hashes",
    "tile_path",
]

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT  # 256
ENTRIES = -1
"""Pseudo level of entry bundles (``tile/entries/...``)."""
_MAX_ENTRY = 0xFFFF


class Tile(NamedTuple):
    level: int  # 0..63, or ENTRIES (-1) for an entry bundle
    n: int
    width: int = TILE_WIDTH

    @property
    def path(self) -> str:
        return tile_path(self.level, self.n, self.width)


def _encode_n(n: int) -> str:
    if n < 0:
        raise ValueError("tile index must be non-negative")
    parts = [f"{n % 1000:03d}"]
    n //= 1000
    while n:
        parts.append(f"x{n % 1000:03d}")
        n //= 1000
    return "/".join(reversed(parts))


def tile_path(level: int, n: int, width: int = TILE_WIDTH) -> str:
    """``tile/<L>/<N>[.p/<W>]``; ``level == ENTRIES`` gives ``tile/entries/<N>[.p/<W>]``."""
    if level != ENTRIES and not 0 <= level <= 63:
        raise ValueError("tile level must be 0..63")
    if not 1 <= width <= TILE_WIDTH:
        raise ValueError("tile width must be 1..256")
    lvl = "entries" if level == ENTRIES else str(level)
    partial = "" if width == TILE_WIDTH else f".p/{width}"
    return f"tile/{lvl}/{_encode_n(n)}{partial}"


def entries_path(n: int, width: int = TILE_WIDTH) -> str:
    """``tile/entries/<N>[.p/<W>]``."""
    return tile_path(ENTRIES, n, width)


_PATH_RE = re.compile(
    r"tile/(?P<level>entries|0|[1-9][0-9]?)/(?P<n>(?:x[0-9]{3}/)*[0-9]{3})(?:\.p/(?P<w>[1-9][0-9]{0,2}))?"
)


def parse_tile_path(path: str) -> Tile:
    """Parse a tile or entry-bundle path (canonical form only); raise ``ValueError``."""
    m = _PATH_RE.fullmatch(path)
    if not m:
        raise ValueError(f"malformed tile path {path!r}")
    level = ENTRIES if m["level"] == "entries" else int(m["level"])
    if level > 63:
        raise ValueError(f"malformed tile path {path!r}: level above 63")
    n = int(m["n"].replace("x", "").replace("/", ""))
    width = TILE_WIDTH if m["w"] is None else int(m["w"])
    if m["w"] is not None and width >= TILE_WIDTH:
        raise ValueError(f"malformed tile path {path!r}: partial width must be 1..255")
    if _encode_n(n) != m["n"]:
        raise ValueError(f"malformed tile path {path!r}: non-canonical index")
    return Tile(level, n, width)


def tile_hash_indexes(level: int, n: int, width: int = TILE_WIDTH) -> list[int]:
    """Stored hash indexes (see :mod:`ledger.merkle`) of the hashes in tile ``(level, n, width)``."""
    if not 0 <= level <= 63 or not 1 <= width <= TILE_WIDTH or n < 0:
        raise ValueError("invalid tile")
    start = n * TILE_WIDTH
    return [_stored_hash_index(level * TILE_HEIGHT, start + i) for i in range(width)]


def tile_hashes(level: int, n: int, width: int, reader: ReaderLike) -> bytes:
    """The tile's bytes: ``width`` 32-byte hashes read from stored hashes in one batch."""
    return b"".join(_read(reader, tile_hash_indexes(level, n, width)))


def new_tiles(old_size: int, new_size: int) -> list[Tile]:
    """Hash tiles to publish when the tree grows from ``old_size`` to ``new_size`` leaves.

    Full tiles completed since ``old_size`` and the partial tiles of ``new_size``; level by
    level, as in Go's ``tlog.NewTiles``. Each level-0 tile has the entry bundle of the same
    ``n`` and width.
    """
    if not 0 <= old_size <= new_size:
        raise ValueError("invalid sizes")
    tiles = []
    level = 0
    while new_size >> (TILE_HEIGHT * level):
        old_n = old_size >> (TILE_HEIGHT * level)
        new_n = new_size >> (TILE_HEIGHT * level)
        if old_n != new_n:
            for n in range(old_n >> TILE_HEIGHT, new_n >> TILE_HEIGHT):
                tiles.append(Tile(level, n, TILE_WIDTH))
            n = new_n >> TILE_HEIGHT
            w = new_n - (n << TILE_HEIGHT)
            if w:
                tiles.append(Tile(level, n, w))
        level += 1
    return tiles


def entry_bundle(entries: Iterable[bytes]) -> bytes:
    """Entry bundle bytes: each entry as a big-endian uint16 length then the entry."""
    out = bytearray()
    count = 0
    for e in entries:
        if len(e) > _MAX_ENTRY:
            raise ValueError(f"entry of {len(e)} bytes is too long for an entry bundle (max 65535)")
        out += len(e).to_bytes(2, "big")
        out += e
        count += 1
    if count > TILE_WIDTH:
        raise ValueError("an entry bundle holds at most 256 entries")
    return bytes(out)


def parse_entry_bundle(data: bytes) -> list[bytes]:
    """Split entry bundle bytes back into entries; raise ``ValueError`` if truncated."""
    out = []
    pos = 0
    while pos < len(data):
        if pos + 2 > len(data):
            raise ValueError("truncated entry bundle")
        size = int.from_bytes(data[pos : pos + 2], "big")
        pos += 2
        if pos + size > len(data):
            raise ValueError("truncated entry bundle")
        out.append(bytes(data[pos : pos + size]))
        pos += size
    return out


def _tile_subtree_hash(data: bytes) -> bytes:
    """Hash of the complete subtree whose 2**k bottom hashes are concatenated in ``data``."""
    hashes = [data[i : i + HASH_SIZE] for i in range(0, len(data), HASH_SIZE)]
    while len(hashes) > 1:
        hashes = [node_hash(hashes[i], hashes[i + 1]) for i in range(0, len(hashes), 2)]
    return hashes[0]


class TileHashReader:
    """A :class:`ledger.merkle.HashReader` over the published tiles of a tree of ``size`` leaves.

    What a client with only ``tile/...`` files does: ``fetch(path) -> bytes`` returns a tile;
    stored hashes between tile levels are recomputed from the tile's hashes. Lets any proof of
    :mod:`ledger.merkle` be computed from tiles (and tests check the tiles are right).
    """

    def __init__(self, size: int, fetch: Callable[[str], bytes]) -> None:
        self.size = size
        self._fetch = fetch
        self._cache: dict[Tile, bytes] = {}

    def _tile(self, level: int, n: int) -> bytes:
        avail = self.size >> (TILE_HEIGHT * level)  # hashes present at this tile level
        width = min(TILE_WIDTH, avail - n * TILE_WIDTH)
        if width <= 0:
            raise IndexError(f"tile {level}/{n} is beyond tree size {self.size}")
        t = Tile(level, n, width)
        data = self._cache.get(t)
        if data is None:
            data = self._fetch(t.path)
            if len(data) != width * HASH_SIZE:
                raise ValueError(f"{t.path}: got {len(data)} bytes, want {width * HASH_SIZE}")
            self._cache[t] = data
        return data

    def read_hashes(self, indexes: Sequence[int]) -> list[bytes]:
        out = []
        for index in indexes:
            level, n = split_stored_hash_index(index)
            tile_level, sub = divmod(level, TILE_HEIGHT)
            first = n << sub  # first bottom hash of this subtree, at tree level 8 * tile_level
            last = ((n + 1) << sub) - 1
            if last >= self.size >> (TILE_HEIGHT * tile_level):
                raise IndexError(f"stored hash {index} is beyond tree size {self.size}")
            tile_n, pos = divmod(first, TILE_WIDTH)
            data = self._tile(tile_level, tile_n)
            out.append(_tile_subtree_hash(data[pos * HASH_SIZE : (pos + (1 << sub)) * HASH_SIZE]))
        return out

"""Tests for ledger.tiles: C2SP tlog-tiles paths, tile contents, entry bundles."""

import hashlib
import random

import pytest

from ledger.merkle import (
    MemoryHashStore,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root,
    tree_hash,
)
from ledger.tiles import (
    ENTRIES,
    TILE_WIDTH,
    Tile,
    TileHashReader,
    entries_path,
    entry_bundle,
    new_tiles,
    parse_entry_bundle,
    parse_tile_path,
    tile_hash_indexes,
    tile_hashes,
    tile_path,
)


@pytest.mark.parametrize(
    ("level", "n", "width", "path"),
    [
        (0, 0, 256, "tile/0/000"),
        (0, 1234067, 256, "tile/0/x001/x234/067"),  # the spec's example index
        (4, 1234067, 1, "tile/4/x001/x234/067.p/1"),
        (1, 999, 17, "tile/1/999.p/17"),
        (2, 1000, 256, "tile/2/x001/000"),
        (0, 123456789, 255, "tile/0/x123/x456/789.p/255"),
        (63, 5, 256, "tile/63/005"),
        (ENTRIES, 273, 112, "tile/entries/273.p/112"),
        (ENTRIES, 1234067, 256, "tile/entries/x001/x234/067"),
    ],
)
def test_tile_path_round_trip(level, n, width, path):
    assert tile_path(level, n, width) == path
    assert parse_tile_path(path) == Tile(level, n, width)
    assert Tile(level, n, width).path == path


def test_entries_path():
    assert entries_path(0) == "tile/entries/000"
    assert entries_path(1000, 3) == "tile/entries/x001/000.p/3"


@pytest.mark.parametrize(
    "bad",
    [
        "tile/0/1",
        "tile/0/0000",
        "tile/00/000",
        "tile/64/000",
        "tile/0/x000/067",  # non-canonical: leading zero group
        "tile/0/001/067",  # inner group without x
        "tile/0/x001",  # last group with x
        "tile/0/000.p/0",
        "tile/0/000.p/256",
        "tile/0/000.p/01",
        "tile/0/000.p/",
        "tile/data/000",
        "tile/8/0/000",  # Go's tlog path with height: not C2SP
        "/tile/0/000",
        "tile/0/000/",
        "tile/-1/000",
    ],
)
def test_parse_tile_path_rejects(bad):
    with pytest.raises(ValueError):
        parse_tile_path(bad)


def test_tile_path_rejects_bad_arguments():
    with pytest.raises(ValueError):
        tile_path(64, 0)
    with pytest.raises(ValueError):
        tile_path(0, 0, 0)
    with pytest.raises(ValueError):
        tile_path(0, 0, 257)
    with pytest.raises(ValueError):
        tile_path(0, -1)


def test_new_tiles_spec_example_70000():
    tiles = new_tiles(0, 70000)
    level0 = [t for t in tiles if t.level == 0]
    assert len([t for t in level0 if t.width == 256]) == 273
    assert [t for t in level0 if t.width != 256] == [Tile(0, 273, 112)]
    assert [t for t in tiles if t.level == 1] == [Tile(1, 0, 256), Tile(1, 1, 17)]
    assert [t for t in tiles if t.level == 2] == [Tile(2, 0, 1)]
    assert len(tiles) == 277


def test_new_tiles_spec_example_256():
    assert new_tiles(0, 256) == [Tile(0, 0, 256), Tile(1, 0, 1)]


def test_new_tiles_incremental():
    assert new_tiles(0, 0) == []
    assert new_tiles(5, 5) == []
    assert new_tiles(5, 7) == [Tile(0, 0, 7)]
    assert new_tiles(200, 300) == [Tile(0, 0, 256), Tile(0, 1, 44), Tile(1, 0, 1)]
    assert new_tiles(300, 301) == [Tile(0, 1, 45)]


def _store(n):
    s = MemoryHashStore()
    s.extend([leaf_hash(b"entry %d" % i) for i in range(n)])
    return s


STORE = _store(70000)


def test_level0_tile_is_leaf_hashes():
    data = tile_hashes(0, 3, 256, STORE)
    assert data == b"".join(leaf_hash(b"entry %d" % i) for i in range(768, 1024))
    assert tile_hashes(0, 273, 112, STORE) == b"".join(leaf_hash(b"entry %d" % i) for i in range(273 * 256, 70000))


def test_level1_tile_hashes_are_roots_of_full_level0_tiles():
    data = tile_hashes(1, 1, 17, STORE)
    assert len(data) == 17 * 32
    for i in range(17):
        leaves = [leaf_hash(b"entry %d" % j) for j in range((256 + i) * 256, (257 + i) * 256)]
        assert data[i * 32 : (i + 1) * 32] == root(leaves)
    level2 = tile_hashes(2, 0, 1, STORE)
    assert level2 == root(leaf_hash(b"entry %d" % j) for j in range(65536))


def test_tile_hash_indexes_are_stored_hashes():
    assert tile_hash_indexes(0, 0, 3) == [0, 1, 3]
    with pytest.raises(ValueError):
        tile_hash_indexes(0, 0, 0)


def test_entry_bundle_encoding():
    assert entry_bundle([]) == b""
    assert entry_bundle([b"", b"ab", bytes(300)]) == (b"\x00\x00" + b"\x00\x02ab" + b"\x01\x2c" + bytes(300))
    assert parse_entry_bundle(entry_bundle([b"", b"ab", bytes(300)])) == [b"", b"ab", bytes(300)]
    assert len(entry_bundle([bytes(65535)])) == 65537


def test_entry_bundle_limits():
    with pytest.raises(ValueError):
        entry_bundle([bytes(65536)])
    with pytest.raises(ValueError):
        entry_bundle([b"x"] * 257)
    with pytest.raises(ValueError):
        parse_entry_bundle(b"\x00\x05abc")
    with pytest.raises(ValueError):
        parse_entry_bundle(b"\x00")


def test_entry_bundle_hashes_to_level0_tile():
    entries = [b"entry %d" % i for i in range(256, 512)]
    bundle = entry_bundle(entries)
    hashed = b"".join(leaf_hash(e) for e in parse_entry_bundle(bundle))
    assert hashed == tile_hashes(0, 1, TILE_WIDTH, STORE)


def _published(size, store):
    files = {t.path: tile_hashes(t.level, t.n, t.width, store) for t in new_tiles(0, size)}
    fetched = []

    def fetch(path):
        fetched.append(path)
        return files[path]

    return fetch, fetched


@pytest.mark.parametrize("size", [1, 255, 256, 257, 65535, 65536, 65537, 70000])
def test_proofs_from_tiles_equal_proofs_from_store(size):
    fetch, fetched = _published(size, STORE)
    tiles = TileHashReader(size, fetch)
    assert tree_hash(size, tiles) == tree_hash(size, STORE)
    rnd = random.Random(size)
    for _ in range(20):
        i = rnd.randrange(size)
        assert inclusion_proof(i, size, tiles) == inclusion_proof(i, size, STORE)
        m = rnd.randrange(1, size + 1)
        assert consistency_proof(m, size, tiles) == consistency_proof(m, size, STORE)
    assert fetched  # really went through tiles


def test_tile_reader_rejects_short_tile_and_out_of_range():
    tiles = TileHashReader(10, lambda path: b"\x00" * 32)
    with pytest.raises(ValueError, match="want 320"):
        tiles.read_hashes([0])
    with pytest.raises(IndexError):
        TileHashReader(10, lambda path: b"").read_hashes([tile_hash_indexes(0, 0, 11)[-1]])


def test_tile_subtree_hash_matches_node_hash():
    a, b = hashlib.sha256(b"a").digest(), hashlib.sha256(b"b").digest()
    s = MemoryHashStore()
    s.extend([a, b])
    tiles = TileHashReader(2, lambda path: a + b)
    assert tree_hash(2, tiles) == node_hash(a, b)

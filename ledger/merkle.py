"""RFC 9162 Merkle tree hashing and proofs over stored subtree hashes.

Pure Python, no Django. The tree is the one of RFC 9162 §2.1 (identical to RFC 6962):

    leaf_hash(d)   = SHA-256(0x00 || d)
    node_hash(l,r) = SHA-256(0x01 || l || r)
    MTH({})        = SHA-256("")

Storage model (the one of Go's ``golang.org/x/mod/sumdb/tlog``)
----------------------------------------------------------------
The log never rehashes the whole tree. It stores, once and for all, the hash of every
*complete* power-of-two subtree: the subtree at ``level`` L and position ``n`` covers leaves
``[n * 2**L, (n + 1) * 2**L)``. Level 0 holds the leaf hashes. These hashes are laid out in one
dense, append-only sequence, in the order in which they become known: appending leaf ``n`` writes
its leaf hash followed by the hash of every subtree that leaf completes (one per trailing 1-bit
of ``n``). :func:`stored_hash_index` maps ``(level, n)`` to its position in that sequence and
:func:`split_stored_hash_index` is its inverse; a tree of ``n`` leaves stores
:func:`stored_hash_count` (``< 2n``) hashes.

Roots and proofs for *any* tree size are then computed from O(log n) stored hashes, fetched in
a single batched :meth:`HashReader.read_hashes` call (one SQL query for a database store).
Appending returns the hashes to write (:func:`new_hashes_for_append`,
:func:`new_hashes_for_append_batch`), so a database store can insert them in the same
transaction as the record.

Proof hashes are listed in RFC 9162 audit-path order (nearest the leaf first), the order used by
Go's ``tlog.CheckRecord`` / ``tlog.CheckTree`` and by Certificate Transparency.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol, runtime_checkable

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "HashReader",
    "HashReaderFunc",
    "MemoryHashStore",
    "consistency_proof",
    "frontier_indexes",
    "inclusion_proof",
    "leaf_hash",
    "new_hashes_for_append",
    "new_hashes_for_append_batch",
    "node_hash",
    "root",
    "split_stored_hash_index",
    "stored_hash_count",
    "stored_hash_index",
    "stored_hashes_for_record",
    "tree_hash",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
"""Root hash of the empty tree, SHA-256 of the empty string (RFC 9162 §2.1.1)."""

_sha256 = hashlib.sha256


def leaf_hash(data: bytes) -> bytes:
    """RFC 9162 leaf hash: SHA-256(0x00 || data)."""
    return _sha256(b"\x00" + bytes(data)).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 9162 interior node hash: SHA-256(0x01 || left || right)."""
    return _sha256(b"\x01" + left + right).digest()


def _largest_pow2_below(n: int) -> int:
    """Largest power of two strictly smaller than n (n >= 2): RFC 9162's k."""
    return 1 << ((n - 1).bit_length() - 1)


def _largest_pow2_at_most(n: int) -> int:
    """Largest power of two <= n (n >= 1)."""
    return 1 << (n.bit_length() - 1)


def root(leaf_hashes: Iterable[bytes]) -> bytes:
    """Root hash of the tree whose leaf hashes are given, in order (O(log n) memory).

    Uses the same left-to-right "compact range" as the append path: a stack of complete
    subtrees whose sizes are the binary digits of the number of leaves seen so far.
    """
    stack: list[bytes] = []
    for count, h in enumerate(leaf_hashes):
        if len(h) != HASH_SIZE:
            raise ValueError("leaf hash must be 32 bytes")
        # Each trailing 1-bit of count completes a subtree.
        c = count
        while c & 1:
            h = node_hash(stack.pop(), h)
            c >>= 1
        stack.append(h)
    if not stack:
        return EMPTY_ROOT
    h = stack.pop()
    while stack:
        h = node_hash(stack.pop(), h)
    return h


# ---------------------------------------------------------------------------------------------
# Stored hash indexing
# ---------------------------------------------------------------------------------------------


def stored_hash_index(level: int, n: int) -> int:
    """Position in the stored hash sequence of the complete subtree ``(level, n)``.

    Subtree ``(level, n)`` is written together with its last leaf, ``m = (n + 1) * 2**level - 1``,
    right after that leaf's hash and the hashes of the ``level - 1`` smaller subtrees it
    completes. Leaf ``m`` itself is preceded by ``m + m//2 + m//4 + ... = 2m - popcount(m)``
    hashes (each leaf ``j < m`` wrote ``1 + trailing_ones(j)`` hashes).
    """
    if level < 0 or n < 0:
        raise ValueError("level and n must be non-negative")
    m = ((n + 1) << level) - 1
    return 2 * m - m.bit_count() + level


def split_stored_hash_index(index: int) -> tuple[int, int]:
    """Inverse of :func:`stored_hash_index`: the ``(level, n)`` stored at ``index``."""
    if index < 0:
        raise ValueError("index must be non-negative")
    # stored_hash_index(0, m) <= index < 2m + ..., so the owning leaf m is close to index/2.
    m = index // 2
    start = stored_hash_index(0, m)
    while start > index:  # pragma: no cover - cannot happen, 2m - popcount(m) <= index
        m -= 1
        start = stored_hash_index(0, m)
    while True:
        # Leaf m writes 1 + trailing_ones(m) hashes.
        nxt = start + 1 + ((m + 1) & -(m + 1)).bit_length() - 1
        if nxt > index:
            break
        m += 1
        start = nxt
    level = index - start
    return level, m >> level


def stored_hash_count(size: int) -> int:
    """Number of stored hashes for a tree of ``size`` leaves."""
    if size < 0:
        raise ValueError("size must be non-negative")
    if size == 0:
        return 0
    # Leaves 0..size-1 wrote 2*size - popcount(size) hashes in total.
    return 2 * size - size.bit_count()


def frontier_indexes(size: int) -> list[int]:
    """Stored indexes of the complete subtrees that make up a tree of ``size`` leaves.

    One per set bit of ``size``, left (largest) to right. These are all the old hashes that
    appending any number of leaves after ``size`` needs.
    """
    out = []
    for level in range(size.bit_length() - 1, -1, -1):
        if size >> level & 1:
            out.append(stored_hash_index(level, (size >> level) - 1))
    return out


# ---------------------------------------------------------------------------------------------
# Hash readers
# ---------------------------------------------------------------------------------------------


@runtime_checkable
class HashReader(Protocol):
    """Reads stored hashes by stored index (see :func:`stored_hash_index`).

    ``read_hashes`` must return exactly one 32-byte hash per index, in the same order, or
    raise. Callers pass each index at most once and in increasing order where convenient, but
    implementations must not rely on it.
    """

    def read_hashes(self, indexes: Sequence[int]) -> list[bytes]: ...


class HashReaderFunc:
    """Adapts a plain function ``f(indexes) -> list[bytes]`` to :class:`HashReader`."""

    __slots__ = ("_f",)

    def __init__(self, f: Callable[[Sequence[int]], list[bytes]]) -> None:
        self._f = f

    def read_hashes(self, indexes: Sequence[int]) -> list[bytes]:
        return self._f(indexes)


ReaderLike = HashReader | Callable[[Sequence[int]], list[bytes]]


def _read(reader: ReaderLike, indexes: list[int]) -> list[bytes]:
    if not indexes:
        return []
    # hasattr, not isinstance: a runtime-checkable Protocol's isinstance is slow, and this runs on every append
    hashes = reader.read_hashes(indexes) if hasattr(reader, "read_hashes") else reader(indexes)
    if len(hashes) != len(indexes):
        raise ValueError(f"read_hashes({len(indexes)} indexes) returned {len(hashes)} hashes")
    return list(hashes)


class MemoryHashStore:
    """In-memory stored-hash sequence in one ``bytearray`` (32 bytes per hash).

    Used by tests, the benchmark and offline tools; the Django store does the same with rows.
    """

    def __init__(self) -> None:
        self._buf = bytearray()
        self._size = 0

    @property
    def size(self) -> int:
        """Number of leaves."""
        return self._size

    def __len__(self) -> int:
        return self._size

    @property
    def hash_count(self) -> int:
        return len(self._buf) // HASH_SIZE

    def read_hashes(self, indexes: Sequence[int]) -> list[bytes]:
        buf = self._buf
        limit = len(buf) // HASH_SIZE
        out = []
        for i in indexes:
            if not 0 <= i < limit:
                raise IndexError(f"stored hash index {i} out of range (have {limit})")
            o = i * HASH_SIZE
            out.append(bytes(buf[o : o + HASH_SIZE]))
        return out

    def append(self, leaf: bytes) -> int:
        """Append one leaf hash; return its leaf index."""
        n = self._size
        new = new_hashes_for_append(n, leaf, self)
        self._buf += b"".join(new)
        self._size = n + 1
        return n

    def extend(self, leaves: Sequence[bytes]) -> int:
        """Append many leaf hashes (batched); return the index of the first."""
        n = self._size
        new = new_hashes_for_append_batch(n, leaves, self)
        self._buf += b"".join(new)
        self._size = n + len(leaves)
        return n

    def tree_hash(self, size: int | None = None) -> bytes:
        return tree_hash(self._size if size is None else size, self)


# ---------------------------------------------------------------------------------------------
# Appending
# ---------------------------------------------------------------------------------------------


def new_hashes_for_append(n: int, leaf: bytes, reader: ReaderLike) -> list[bytes]:
    """Hashes to store when appending leaf ``n`` (with leaf hash ``leaf``) to a tree of n leaves.

    They go at stored indexes ``stored_hash_index(0, n)``, ``+1``, ... : the leaf hash, then one
    hash per subtree completed by this leaf (one per trailing 1-bit of ``n``). Reads the
    ``trailing_ones(n)`` sibling hashes in one ``read_hashes`` call.
    """
    if n < 0:
        raise ValueError("n must be non-negative")
    if len(leaf) != HASH_SIZE:
        raise ValueError("leaf hash must be 32 bytes")
    ones = ((n + 1) & -(n + 1)).bit_length() - 1  # trailing 1-bits of n
    # Left siblings, from the largest (level ones-1) down to the leaf level, sorted by index.
    indexes = [stored_hash_index(level, (n >> level) - 1) for level in range(ones - 1, -1, -1)]
    siblings = _read(reader, indexes)
    out = [leaf]
    h = leaf
    for sib in reversed(siblings):
        h = node_hash(sib, h)
        out.append(h)
    return out


def stored_hashes_for_record(n: int, data: bytes, reader: ReaderLike) -> list[bytes]:
    """Like :func:`new_hashes_for_append` but takes the record data (Go's ``tlog.StoredHashes``)."""
    return new_hashes_for_append(n, leaf_hash(data), reader)


def new_hashes_for_append_batch(n: int, leaves: Sequence[bytes], reader: ReaderLike) -> list[bytes]:
    """Hashes to store when appending leaves ``n, n+1, ...`` (given leaf hashes) at once.

    Returns the concatenation of what :func:`new_hashes_for_append` would return for each leaf
    in turn, to be stored from index ``stored_hash_index(0, n)`` on. Reads at most
    ``popcount(n)`` old hashes (the frontier of the old tree) in one ``read_hashes`` call.
    """
    if n < 0:
        raise ValueError("n must be non-negative")
    if not leaves:
        return []
    stack = _read(reader, frontier_indexes(n))
    out: list[bytes] = []
    append = out.append
    pop = stack.pop
    push = stack.append
    sha = _sha256
    count = n
    for h in leaves:
        if len(h) != HASH_SIZE:
            raise ValueError("leaf hash must be 32 bytes")
        append(h)
        c = count
        while c & 1:
            h = sha(b"\x01" + pop() + h).digest()
            append(h)
            c >>= 1
        push(h)
        count += 1
    return out


# ---------------------------------------------------------------------------------------------
# Roots and proofs from stored hashes
# ---------------------------------------------------------------------------------------------


def _range_indexes(lo: int, hi: int, need: list[int]) -> int:
    """Append the stored indexes whose fold gives MTH(D[lo:hi]); return how many.

    ``lo`` must be aligned so that [lo, hi) splits left to right into maximal complete
    subtrees, which holds for every range that RFC 9162's decomposition produces.
    """
    count = 0
    while lo < hi:
        k = _largest_pow2_at_most(hi - lo)
        level = k.bit_length() - 1
        if lo & (k - 1):
            raise AssertionError("unaligned subtree range")  # pragma: no cover
        need.append(stored_hash_index(level, lo >> level))
        lo += k
        count += 1
    return count


def _fold(hashes: list[bytes], start: int, count: int) -> bytes:
    """Combine ``count`` complete-subtree hashes (left to right) into the range's hash."""
    h = hashes[start + count - 1]
    for i in range(start + count - 2, start - 1, -1):
        h = node_hash(hashes[i], h)
    return h


def _ranges_hashes(ranges: list[tuple[int, int]], reader: ReaderLike) -> list[bytes]:
    """MTH of each range, reading all the stored hashes needed in one batch."""
    need: list[int] = []
    counts = [_range_indexes(lo, hi, need) for lo, hi in ranges]
    hashes = _read(reader, need)
    out = []
    pos = 0
    for c in counts:
        out.append(_fold(hashes, pos, c))
        pos += c
    return out


def tree_hash(size: int, reader: ReaderLike) -> bytes:
    """Root hash of the tree of the first ``size`` leaves, from at most 1 + log2(size) hashes."""
    if size < 0:
        raise ValueError("size must be non-negative")
    if size == 0:
        return EMPTY_ROOT
    return _ranges_hashes([(0, size)], reader)[0]


def inclusion_proof(index: int, size: int, reader: ReaderLike) -> list[bytes]:
    """RFC 9162 §2.1.3.1 inclusion proof (audit path) of leaf ``index`` in the tree of ``size``."""
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} not in tree of size {size}")
    ranges: list[tuple[int, int]] = []  # sibling subtrees, root first
    lo, hi = 0, size
    while hi - lo > 1:
        k = _largest_pow2_below(hi - lo)
        if index < lo + k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo += k
    hashes = _ranges_hashes(ranges, reader)
    hashes.reverse()
    return hashes


def consistency_proof(m: int, n: int, reader: ReaderLike) -> list[bytes]:
    """RFC 9162 §2.1.4.1 consistency proof that the tree of size ``m`` is a prefix of size ``n``.

    Empty when ``m == n`` or ``m == 0`` (the empty tree is a prefix of every tree).
    """
    if not 0 <= m <= n:
        raise ValueError(f"invalid sizes for a consistency proof: {m}, {n}")
    if m == n or m == 0:
        return []
    ranges: list[tuple[int, int]] = []  # root first
    lo, hi = 0, n
    whole = True  # RFC's b: the current subtree's left edge is the old tree's left edge
    while True:
        if m == hi:
            if not whole:
                ranges.append((lo, hi))
            break
        k = _largest_pow2_below(hi - lo)
        if m <= lo + k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo += k
            whole = False
    hashes = _ranges_hashes(ranges, reader)
    hashes.reverse()
    return hashes


# ---------------------------------------------------------------------------------------------
# Verification (RFC 9162 §2.1.3.2 and §2.1.4.2)
# ---------------------------------------------------------------------------------------------


def _root_from_inclusion(lh: bytes, index: int, size: int, proof: Sequence[bytes]) -> bytes | None:
    if not 0 <= index < size:
        return None
    fn, sn = index, size - 1
    r = lh
    sha = _sha256
    for p in proof:
        if len(p) != HASH_SIZE or sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = sha(b"\x01" + p + r).digest()
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = sha(b"\x01" + r + p).digest()
        fn >>= 1
        sn >>= 1
    if sn != 0:
        return None
    return r


def verify_inclusion(leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> bool:
    """Check that ``leaf_hash`` is leaf ``index`` of the tree of ``size`` with root ``root``."""
    if len(leaf_hash) != HASH_SIZE:
        return False
    r = _root_from_inclusion(leaf_hash, index, size, proof)
    return r is not None and r == root


def verify_consistency(m: int, n: int, root_m: bytes, root_n: bytes, proof: Sequence[bytes]) -> bool:
    """Check that the tree of size ``m`` and root ``root_m`` is a prefix of ``(n, root_n)``."""
    if not 0 <= m <= n:
        return False
    if m == 0:
        return not proof and root_m == EMPTY_ROOT
    if m == n:
        return not proof and root_m == root_n
    if not proof or any(len(p) != HASH_SIZE for p in proof):
        return False
    path = list(proof)
    if m & (m - 1) == 0:  # m is a power of two: the old root is itself a node of the new tree
        path.insert(0, root_m)
    fn, sn = m - 1, n - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    sha = _sha256
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = sha(b"\x01" + c + fr).digest()
            sr = sha(b"\x01" + c + sr).digest()
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = sha(b"\x01" + sr + c).digest()
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == root_m and sr == root_n

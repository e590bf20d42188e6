"""Tests for ledger.merkle: published vectors, a recursive RFC 9162 reference, hypothesis."""

import base64
import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.merkle import (
    EMPTY_ROOT,
    HashReaderFunc,
    MemoryHashStore,
    consistency_proof,
    frontier_indexes,
    inclusion_proof,
    leaf_hash,
    new_hashes_for_append,
    new_hashes_for_append_batch,
    node_hash,
    root,
    split_stored_hash_index,
    stored_hash_count,
    stored_hash_index,
    stored_hashes_for_record,
    tree_hash,
    verify_consistency,
    verify_inclusion,
)

# ---------------------------------------------------------------------------------------------
# Slow, obviously-correct reference: RFC 9162 §2.1 written as recursion over the leaf data.
# ---------------------------------------------------------------------------------------------


def _k(n):
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_mth(data):
    if len(data) == 0:
        return hashlib.sha256(b"").digest()
    if len(data) == 1:
        return hashlib.sha256(b"\x00" + data[0]).digest()
    k = _k(len(data))
    return hashlib.sha256(b"\x01" + ref_mth(data[:k]) + ref_mth(data[k:])).digest()


def ref_path(m, data):
    if len(data) == 1:
        return []
    k = _k(len(data))
    if m < k:
        return [*ref_path(m, data[:k]), ref_mth(data[k:])]
    return [*ref_path(m - k, data[k:]), ref_mth(data[:k])]


def ref_subproof(m, data, b):
    n = len(data)
    if m == n:
        return [] if b else [ref_mth(data)]
    k = _k(n)
    if m <= k:
        return [*ref_subproof(m, data[:k], b), ref_mth(data[k:])]
    return [*ref_subproof(m - k, data[k:], False), ref_mth(data[:k])]


def ref_proof(m, data):
    return ref_subproof(m, data, True)


def ref_subtree(level, n, data):
    """MTH of the complete subtree (level, n)."""
    return ref_mth(data[n << level : (n + 1) << level])


def make_store(data):
    s = MemoryHashStore()
    for d in data:
        s.append(leaf_hash(d))
    return s


def flip(b, i):
    x = bytearray(b)
    x[i] ^= 0x01
    return bytes(x)


# ---------------------------------------------------------------------------------------------
# Published vectors (RFC 6962 / transparency-dev merkle testonly + testdata, CT test leaves)
# ---------------------------------------------------------------------------------------------

CT_LEAVES = [
    bytes.fromhex(x)
    for x in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
CT_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
CT_LEAF_HASHES = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
    "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
    "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
    "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
    "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
]
CT_LEVEL1 = [
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
]
CT_LEVEL2 = [
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
]


def b64s(xs):
    return [base64.b64decode(x) for x in xs]


# transparency-dev/merkle testdata/inclusion/*/happy-path.json
INCLUSION_VECTORS = [
    (0, 1, [], "bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0="),
    (
        0,
        8,
        [
            "lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c=",
            "Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=",
            "a0eq8p7jwq+a+Im8H7klTavTEXfxYjLdaqsDXKOb9uQ=",
        ],
        "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=",
    ),
    (
        5,
        8,
        [
            "vBoGQ7EuTS18d5GPROD095qDi2z57FtcKD4fTYhZnms=",
            "yoVOoSjtBQtBs1/8G4e46yveRh6eO1WW7Oa51ZdaCuA=",
            "037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc=",
        ],
        "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=",
    ),
    (2, 3, ["+sVCA+fMaWzw38tCySodnbr3CtnmIfS9jZhmLwDjwSU="], "rra8/idLcKFPsGel5VeCZNsPqbUa9eC6FZFY8yngbnc="),
    (
        1,
        5,
        [
            "bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=",
            "Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=",
            "vBoGQ7EuTS18d5GPROD095qDi2z57FtcKD4fTYhZnms=",
        ],
        "Tju7H3tHjc/nH7YxYxUZo7yhLJrvyhYSv85ME6hiZNQ=",
    ),
]

# transparency-dev/merkle testdata/consistency/*/happy-path.json
CONSISTENCY_VECTORS = [
    (1, 1, []),
    (
        1,
        8,
        [
            "lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c=",
            "Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=",
            "a0eq8p7jwq+a+Im8H7klTavTEXfxYjLdaqsDXKOb9uQ=",
        ],
    ),
    (
        6,
        8,
        [
            "DrxdNDf74tsVi58Sah0RjjCBgQMdCpSfje3t68VY72o=",
            "yoVOoSjtBQtBs1/8G4e46yveRh6eO1WW7Oa51ZdaCuA=",
            "037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc=",
        ],
    ),
    (2, 5, ["Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=", "vBoGQ7EuTS18d5GPROD095qDi2z57FtcKD4fTYhZnms="]),
    (
        6,
        7,
        [
            "DrxdNDf74tsVi58Sah0RjjCBgQMdCpSfje3t68VY72o=",
            "sIaT7C5yFZcTBkHoIR5+7cy0wmQTlj7ubB4u0W/7Gl8=",
            "037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc=",
        ],
    ),
]


def test_empty_root_is_sha256_of_nothing():
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert root([]) == EMPTY_ROOT
    assert tree_hash(0, MemoryHashStore()) == EMPTY_ROOT


def test_rfc6962_hasher_vectors():
    # transparency-dev/merkle rfc6962_test.go
    assert leaf_hash(b"").hex() == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    assert leaf_hash(b"L123456").hex() == "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56"
    assert node_hash(b"N123", b"N456").hex() == ("aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb")


def test_ct_leaf_hashes():
    assert [leaf_hash(d).hex() for d in CT_LEAVES] == CT_LEAF_HASHES


def test_ct_roots_for_every_size():
    hashes = [leaf_hash(d) for d in CT_LEAVES]
    store = make_store(CT_LEAVES)
    for n in range(9):
        assert root(hashes[:n]).hex() == CT_ROOTS[n]
        assert tree_hash(n, store).hex() == CT_ROOTS[n]
        assert ref_mth(CT_LEAVES[:n]).hex() == CT_ROOTS[n]


def test_ct_stored_hashes_are_the_complete_subtrees():
    store = make_store(CT_LEAVES)
    assert store.hash_count == 15
    levels = {0: CT_LEAF_HASHES, 1: CT_LEVEL1, 2: CT_LEVEL2, 3: [CT_ROOTS[8]]}
    for level, row in levels.items():
        for n, want in enumerate(row):
            (got,) = store.read_hashes([stored_hash_index(level, n)])
            assert got.hex() == want


@pytest.mark.parametrize(("index", "size", "proof", "root_b64"), INCLUSION_VECTORS)
def test_inclusion_vectors(index, size, proof, root_b64):
    store = make_store(CT_LEAVES)
    lh = leaf_hash(CT_LEAVES[index])
    assert inclusion_proof(index, size, store) == b64s(proof)
    assert verify_inclusion(lh, index, size, b64s(proof), base64.b64decode(root_b64))
    assert tree_hash(size, store) == base64.b64decode(root_b64)


@pytest.mark.parametrize(("m", "n", "proof"), CONSISTENCY_VECTORS)
def test_consistency_vectors(m, n, proof):
    store = make_store(CT_LEAVES)
    rm, rn = bytes.fromhex(CT_ROOTS[m]), bytes.fromhex(CT_ROOTS[n])
    assert consistency_proof(m, n, store) == b64s(proof)
    assert verify_consistency(m, n, rm, rn, b64s(proof))


def test_transparency_dev_inclusion_size_root_values():
    assert base64.b64decode("XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=").hex() == CT_ROOTS[8]
    assert base64.b64decode("Tju7H3tHjc/nH7YxYxUZo7yhLJrvyhYSv85ME6hiZNQ=").hex() == CT_ROOTS[5]


# ---------------------------------------------------------------------------------------------
# Stored hash indexing (Crosby–Wallach / Go tlog ordering)
# ---------------------------------------------------------------------------------------------


def test_stored_hash_index_first_values():
    # Go tlog ordering: leaf0, leaf1, (1,0), leaf2, leaf3, (1,1), (2,0), leaf4, ...
    assert [stored_hash_index(0, n) for n in range(8)] == [0, 1, 3, 4, 7, 8, 10, 11]
    assert [stored_hash_index(1, n) for n in range(4)] == [2, 5, 9, 12]
    assert [stored_hash_index(2, n) for n in range(2)] == [6, 13]
    assert stored_hash_index(3, 0) == 14


def test_split_stored_hash_index_is_inverse():
    for index in range(5000):
        level, n = split_stored_hash_index(index)
        assert stored_hash_index(level, n) == index
    for level in range(40):
        for n in (0, 1, 2, 3, 1000, 123456789):
            assert split_stored_hash_index(stored_hash_index(level, n)) == (level, n)


def test_stored_hash_count():
    assert [stored_hash_count(n) for n in range(9)] == [0, 1, 3, 4, 7, 8, 10, 11, 15]
    for n in range(1, 40):
        assert stored_hash_count(n) == make_store([b"x"] * n).hash_count
    for n in range(1, 3000):
        assert stored_hash_count(n) == stored_hash_index(0, n - 1) + 1 + _trailing_ones(n - 1)


def _trailing_ones(x):
    t = 0
    while x & 1:
        t += 1
        x >>= 1
    return t


def test_frontier_indexes():
    assert frontier_indexes(0) == []
    assert frontier_indexes(8) == [stored_hash_index(3, 0)]
    assert frontier_indexes(7) == [
        stored_hash_index(2, 0),
        stored_hash_index(1, 2),
        stored_hash_index(0, 6),
    ]


def test_stored_hashes_agree_with_reference_subtrees():
    data = [b"rec-%d" % i for i in range(70)]
    store = make_store(data)
    assert store.hash_count == stored_hash_count(70)
    for index in range(store.hash_count):
        level, n = split_stored_hash_index(index)
        assert store.read_hashes([index]) == [ref_subtree(level, n, data)]


def test_new_hashes_for_append_reads_left_siblings_in_one_call():
    data = [b"r%d" % i for i in range(8)]
    store = make_store(data[:7])
    calls = []

    def reader(indexes):
        calls.append(list(indexes))
        return store.read_hashes(indexes)

    new = new_hashes_for_append(7, leaf_hash(data[7]), HashReaderFunc(reader))
    assert calls == [[stored_hash_index(2, 0), stored_hash_index(1, 2), stored_hash_index(0, 6)]]
    assert new == [
        leaf_hash(data[7]),
        ref_subtree(1, 3, data),
        ref_subtree(2, 1, data),
        ref_subtree(3, 0, data),
    ]
    assert stored_hashes_for_record(7, data[7], store) == new
    # Appending an even leaf reads nothing.
    calls.clear()
    assert new_hashes_for_append(8, leaf_hash(b"x"), HashReaderFunc(reader)) == [leaf_hash(b"x")]
    assert calls == []


def test_plain_function_is_accepted_as_reader():
    store = make_store(CT_LEAVES)
    assert tree_hash(8, store.read_hashes).hex() == CT_ROOTS[8]


@pytest.mark.parametrize(("start", "count"), [(0, 0), (0, 1), (0, 64), (1, 1), (5, 11), (7, 1), (31, 70)])
def test_batch_append_equals_one_by_one(start, count):
    data = [b"leaf %d" % i for i in range(start + count)]
    one = make_store(data)
    batch = make_store(data[:start])
    calls = []

    def reader(indexes):
        calls.append(list(indexes))
        return batch.read_hashes(indexes)

    new = new_hashes_for_append_batch(start, [leaf_hash(d) for d in data[start:]], HashReaderFunc(reader))
    assert len(calls) <= 1
    assert new == one.read_hashes(range(stored_hash_index(0, start) if start else 0, one.hash_count))
    batch.extend([leaf_hash(d) for d in data[start:]])
    assert batch.size == start + count
    assert batch.read_hashes(range(batch.hash_count)) == one.read_hashes(range(one.hash_count))


def test_append_rejects_bad_hash_length():
    with pytest.raises(ValueError):
        MemoryHashStore().append(b"short")
    with pytest.raises(ValueError):
        MemoryHashStore().extend([b"short"])


def test_short_reader_is_an_error():
    with pytest.raises(ValueError, match="returned 0 hashes"):
        inclusion_proof(0, 2, HashReaderFunc(lambda ix: []))


def test_memory_store_out_of_range():
    with pytest.raises(IndexError):
        make_store([b"a"]).read_hashes([1])


def test_proofs_read_stored_hashes_in_one_batch_and_few_hashes():
    data = [b"%d" % i for i in range(1000)]
    store = make_store(data)
    calls = []

    def reader(indexes):
        calls.append(len(indexes))
        return store.read_hashes(indexes)

    r = HashReaderFunc(reader)
    inclusion_proof(517, 1000, r)
    consistency_proof(333, 1000, r)
    tree_hash(999, r)
    assert len(calls) == 3
    assert max(calls) <= 2 * 10


# ---------------------------------------------------------------------------------------------
# Exhaustive small trees against the reference
# ---------------------------------------------------------------------------------------------

SMALL = [b"item-%d" % i for i in range(64)]
SMALL_STORE = make_store(SMALL)


def test_every_root_up_to_64():
    hashes = [leaf_hash(d) for d in SMALL]
    for n in range(65):
        want = ref_mth(SMALL[:n])
        assert tree_hash(n, SMALL_STORE) == want
        assert root(hashes[:n]) == want


def test_every_inclusion_proof_up_to_64():
    for size in range(1, 65):
        r = ref_mth(SMALL[:size])
        for index in range(size):
            proof = inclusion_proof(index, size, SMALL_STORE)
            assert proof == ref_path(index, SMALL[:size])
            lh = leaf_hash(SMALL[index])
            assert verify_inclusion(lh, index, size, proof, r)
            # Wrong index or size must fail.
            if size > 1:
                assert not verify_inclusion(lh, (index + 1) % size, size, proof, r)
            # (The same path can be valid for another size with the same shape, e.g. leaf 0 of
            # sizes 3 and 4; the size is bound by the signed checkpoint, not by the path.)
            if size & (size - 1) == 0:
                assert not verify_inclusion(lh, index, size + 1, proof, r)


def test_every_consistency_proof_up_to_64():
    roots = [ref_mth(SMALL[:n]) for n in range(65)]
    for n in range(1, 65):
        for m in range(1, n + 1):
            proof = consistency_proof(m, n, SMALL_STORE)
            assert proof == ref_proof(m, SMALL[:n])
            assert verify_consistency(m, n, roots[m], roots[n], proof)
            if m < n:
                assert not verify_consistency(m, n, roots[m - 1] if m > 1 else roots[2], roots[n], proof)
                assert not verify_consistency(m, n, roots[m], roots[n - 1], proof)
                assert not verify_consistency(m, n, roots[m], roots[n], proof[:-1])
                assert not verify_consistency(m, n, roots[m], roots[n], [*proof, roots[0]])


def test_every_flipped_byte_fails_up_to_16():
    for size in range(1, 17):
        r = ref_mth(SMALL[:size])
        for index in range(size):
            proof = inclusion_proof(index, size, SMALL_STORE)
            lh = leaf_hash(SMALL[index])
            for j in range(len(proof)):
                for b in range(32):
                    bad = list(proof)
                    bad[j] = flip(bad[j], b)
                    assert not verify_inclusion(lh, index, size, bad, r)
            for b in range(32):
                assert not verify_inclusion(flip(lh, b), index, size, proof, r)
                assert not verify_inclusion(lh, index, size, proof, flip(r, b))
        for m in range(1, size):
            proof = consistency_proof(m, size, SMALL_STORE)
            rm = ref_mth(SMALL[:m])
            for j in range(len(proof)):
                for b in range(0, 32, 3):
                    bad = list(proof)
                    bad[j] = flip(bad[j], b)
                    assert not verify_consistency(m, size, rm, r, bad)


def test_consistency_edge_cases():
    r8 = bytes.fromhex(CT_ROOTS[8])
    assert consistency_proof(0, 8, make_store(CT_LEAVES)) == []
    assert verify_consistency(0, 8, EMPTY_ROOT, r8, [])
    assert not verify_consistency(0, 8, r8, r8, [])
    assert not verify_consistency(0, 8, EMPTY_ROOT, r8, [r8])
    assert verify_consistency(8, 8, r8, r8, [])
    assert not verify_consistency(8, 8, r8, r8, [r8])
    assert not verify_consistency(8, 7, r8, r8, [])
    assert not verify_consistency(3, 8, bytes.fromhex(CT_ROOTS[3]), r8, [])
    with pytest.raises(ValueError):
        consistency_proof(9, 8, make_store(CT_LEAVES))


def test_inclusion_edge_cases():
    store = make_store(CT_LEAVES)
    r8 = bytes.fromhex(CT_ROOTS[8])
    lh = leaf_hash(CT_LEAVES[0])
    with pytest.raises(ValueError):
        inclusion_proof(8, 8, store)
    with pytest.raises(ValueError):
        inclusion_proof(-1, 8, store)
    assert not verify_inclusion(lh, 8, 8, inclusion_proof(0, 8, store), r8)
    assert not verify_inclusion(lh, 0, 0, [], EMPTY_ROOT)
    assert not verify_inclusion(lh[:31], 0, 1, [], lh)
    assert not verify_inclusion(lh, 0, 8, [p[:31] for p in inclusion_proof(0, 8, store)], r8)


# ---------------------------------------------------------------------------------------------
# Hypothesis: random trees
# ---------------------------------------------------------------------------------------------

leaves_st = st.lists(st.binary(max_size=40), min_size=1, max_size=300)


@settings(max_examples=60, deadline=None)
@given(data=leaves_st, pick=st.data())
def test_random_tree_inclusion(data, pick):
    store = make_store(data)
    size = pick.draw(st.integers(1, len(data)))
    index = pick.draw(st.integers(0, size - 1))
    r = tree_hash(size, store)
    assert r == ref_mth(data[:size])
    proof = inclusion_proof(index, size, store)
    assert proof == ref_path(index, data[:size])
    lh = leaf_hash(data[index])
    assert verify_inclusion(lh, index, size, proof, r)
    if proof:
        j = pick.draw(st.integers(0, len(proof) - 1))
        b = pick.draw(st.integers(0, 31))
        bad = list(proof)
        bad[j] = flip(bad[j], b)
        assert not verify_inclusion(lh, index, size, bad, r)
    assert not verify_inclusion(leaf_hash(data[index] + b"!"), index, size, proof, r)


@settings(max_examples=60, deadline=None)
@given(data=leaves_st, pick=st.data())
def test_random_tree_consistency(data, pick):
    store = make_store(data)
    n = pick.draw(st.integers(1, len(data)))
    m = pick.draw(st.integers(1, n))
    proof = consistency_proof(m, n, store)
    assert proof == ref_proof(m, data[:n])
    rm, rn = ref_mth(data[:m]), ref_mth(data[:n])
    assert verify_consistency(m, n, rm, rn, proof)
    if proof:
        j = pick.draw(st.integers(0, len(proof) - 1))
        b = pick.draw(st.integers(0, 31))
        bad = list(proof)
        bad[j] = flip(bad[j], b)
        assert not verify_consistency(m, n, rm, rn, bad)


@settings(max_examples=40, deadline=None)
@given(
    data=st.lists(st.binary(max_size=8), min_size=0, max_size=200),
    cut=st.integers(0, 200),
)
def test_random_batch_append_matches_single(data, cut):
    cut = min(cut, len(data))
    single = make_store(data)
    batch = make_store(data[:cut])
    batch.extend([leaf_hash(d) for d in data[cut:]])
    assert batch.read_hashes(range(batch.hash_count)) == single.read_hashes(range(single.hash_count))
    assert batch.tree_hash() == ref_mth(data)

"""Benchmark of the pure-Python ledger core (ledger.merkle). A plain script, not a test.

    .venv/bin/python bench/bench_merkle.py                 # 10M leaves (about 0.7 GiB of hashes)
    .venv/bin/python bench/bench_merkle.py --leaves 100000 # quick run

Builds an in-memory stored-hash array with the batched append, then measures inclusion and
consistency proof generation (p50/p99 over random queries), single-core verification speed and
proof sizes. Targets: proofs < 2 ms p99, verify >= 20,000 proofs/s, append >= 20,000 leaves/s.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ledger.merkle import (
    MemoryHashStore,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    tree_hash,
    verify_consistency,
    verify_inclusion,
)


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(p / 100 * len(s)))]


def rss_mib() -> float:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--leaves", type=int, default=10_000_000)
    ap.add_argument("--queries", type=int, default=10_000)
    ap.add_argument("--batch", type=int, default=100_000, help="leaves per batched append")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    n = args.leaves
    rnd = random.Random(args.seed)
    print(f"python {sys.version.split()[0]}, pid {os.getpid()}, leaves {n:,}, queries {args.queries:,}")

    # -- build -----------------------------------------------------------------------------
    store = MemoryHashStore()
    t0 = time.perf_counter()
    hash_time = 0.0
    for start in range(0, n, args.batch):
        h0 = time.perf_counter()
        leaves = [leaf_hash(i.to_bytes(8, "big")) for i in range(start, min(n, start + args.batch))]
        hash_time += time.perf_counter() - h0
        store.extend(leaves)
    build = time.perf_counter() - t0
    print(
        f"append (batched, {args.batch:,}/batch, incl. leaf hashing): {build:.1f} s, "
        f"{n / build:,.0f} leaves/s; without leaf hashing {n / (build - hash_time):,.0f} leaves/s; "
        f"{store.hash_count:,} stored hashes, {store.hash_count * 32 / 2**20:,.0f} MiB, RSS {rss_mib():,.0f} MiB"
    )

    # Single appends (the per-record path of the database store).
    single = MemoryHashStore()
    k = min(n, 50_000)
    pre = [leaf_hash(i.to_bytes(8, "big")) for i in range(k)]
    t0 = time.perf_counter()
    for h in pre:
        single.append(h)
    t1 = time.perf_counter() - t0
    print(f"append (one at a time, {k:,} leaves): {k / t1:,.0f} leaves/s")

    t0 = time.perf_counter()
    root = tree_hash(n, store)
    print(f"tree_hash({n:,}): {(time.perf_counter() - t0) * 1e3:.3f} ms, root {root.hex()[:16]}…")

    # -- proofs ------------------------------------------------------------------------------
    q = args.queries
    inc_t: list[float] = []
    inc = []
    for _ in range(q):
        i = rnd.randrange(n)
        t0 = time.perf_counter_ns()
        p = inclusion_proof(i, n, store)
        inc_t.append((time.perf_counter_ns() - t0) / 1e6)
        inc.append((i, p))
    con_t: list[float] = []
    con = []
    roots: dict[int, bytes] = {}
    for _ in range(q):
        m = rnd.randrange(1, n + 1)
        t0 = time.perf_counter_ns()
        p = consistency_proof(m, n, store)
        con_t.append((time.perf_counter_ns() - t0) / 1e6)
        con.append((m, p))
    for m, _ in con[:2000]:
        roots[m] = tree_hash(m, store)
    print(
        f"inclusion proof generation:   p50 {pct(inc_t, 50):.3f} ms, p99 {pct(inc_t, 99):.3f} ms, "
        f"max {max(inc_t):.3f} ms"
    )
    print(
        f"consistency proof generation: p50 {pct(con_t, 50):.3f} ms, p99 {pct(con_t, 99):.3f} ms, "
        f"max {max(con_t):.3f} ms"
    )

    # -- verification ------------------------------------------------------------------------
    leaves = {i: leaf_hash(i.to_bytes(8, "big")) for i, _ in inc}
    t0 = time.perf_counter()
    ok = 0
    for i, p in inc:
        ok += verify_inclusion(leaves[i], i, n, p, root)
    dt = time.perf_counter() - t0
    assert ok == len(inc), "an inclusion proof failed to verify"
    print(f"verify_inclusion (1 core): {len(inc) / dt:,.0f} proofs/s ({dt / len(inc) * 1e6:.1f} µs each)")
    sub = [(m, p) for m, p in con if m in roots][:2000]
    t0 = time.perf_counter()
    ok = 0
    for m, p in sub:
        ok += verify_consistency(m, n, roots[m], root, p)
    dt = time.perf_counter() - t0
    assert ok == len(sub), "a consistency proof failed to verify"
    print(f"verify_consistency (1 core): {len(sub) / dt:,.0f} proofs/s")

    # -- sizes -------------------------------------------------------------------------------
    bound = 32 * math.ceil(math.log2(n)) if n > 1 else 0
    inc_sizes = [32 * len(p) for _, p in inc]
    con_sizes = [32 * len(p) for _, p in con]
    print(
        f"inclusion proof size: mean {sum(inc_sizes) / len(inc_sizes):.0f} B, max {max(inc_sizes)} B "
        f"(32×⌈log2 n⌉ = {bound} B)"
    )
    print(
        f"consistency proof size: mean {sum(con_sizes) / len(con_sizes):.0f} B, max {max(con_sizes)} B "
        f"(bound 32×(⌈log2 n⌉+1) = {bound + 32} B)"
    )


if __name__ == "__main__":
    main()

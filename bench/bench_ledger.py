"""Database-backed ledger benchmark: batched appends, then proofs read from the stored hashes.

    .venv/bin/python bench/bench_ledger.py                    # 1,000,000 leaves, SQLite then PostgreSQL
    .venv/bin/python bench/bench_ledger.py --leaves 100000    # quick run
    .venv/bin/python bench/bench_ledger.py --only sqlite      # one database

Each database is fresh and throwaway: SQLite in a temporary file (WAL, as in production);
PostgreSQL through scripts/with-postgres.sh (a throwaway server with fsync off: commit latency is
not measured here; batched appends are bound by CPU, not by fsync).

Builds the log with ``ledger.services.append_many`` in batches of --batch leaves (one transaction
each, record-sized canonical JSON, as an EPCIS capture does), then measures over random queries
at the final size: inclusion and consistency proof generation from the database (p50/p99, one or
three SQL queries each), pure-Python verification rate, and proof sizes.
Targets (issue 4): proofs < 2 ms p99; append >= 20,000 leaves/s in batches; verify >= 20,000/s.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(p / 100 * len(s)))]


def setup_django(data_dir: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "truyxuat.settings")
    os.environ.setdefault("TRUYXUAT_DEBUG", "1")
    os.environ["TRUYXUAT_DATA_DIR"] = data_dir
    os.environ["TRUYXUAT_LEDGER_KEY_FILE"] = os.path.join(data_dir, "ledger.key")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def canonical(i: int) -> bytes:
    event = {
        "type": "ObjectEvent",
        "eventTime": "2026-11-01T08:00:00+07:00",
        "eventTimeZoneOffset": "+07:00",
        "action": "OBSERVE",
        "bizStep": "https://ref.gs1.org/cbv/BizStep-shipping",
        "epcList": [f"https://id.gs1.org/01/08938501000014/21/{i:012d}"],
        "readPoint": {"id": "https://id.gs1.org/414/8938501000007"},
        "eventID": f"ni:///sha-256;{i:064x}?ver=CBV2.0",
    }
    return json.dumps({"type": "events.event", "id": str(i), "data": event}, sort_keys=True).encode()


def build(leaves: int, batch: int, report: dict) -> None:
    from django.db import transaction

    from ledger.services import Item, append_many
    from ledger.tree import tree_size

    start = tree_size()
    t_start = time.perf_counter()
    last = t_start
    dt = 0.0  # time inside append_many + commit only: the caller already has its canonical bytes
    n = start
    while n < leaves:
        k = min(batch, leaves - n)
        items = [Item("event", canonical(n + j), "events.event", str(n + j)) for j in range(k)]
        t = time.perf_counter()
        with transaction.atomic():
            append_many(items)
        dt += time.perf_counter() - t
        n += k
        now = time.perf_counter()
        if now - last > 10:
            print(f"    … {n:,} leaves, {(n - start) / dt:,.0f} leaves/s", flush=True)
            last = now
    report["append_leaves_per_s"] = (n - start) / dt if n > start else None
    report["build_s"] = dt


def measure(size: int, queries: int, report: dict) -> None:
    from ledger import merkle
    from ledger.checkpoints import sign_checkpoint
    from ledger.selectors import consistency, inclusion

    t0 = time.perf_counter()
    cp = sign_checkpoint()
    report["checkpoint_sign_ms"] = (time.perf_counter() - t0) * 1000
    assert cp is not None and cp.size == size
    root = bytes(cp.root_hash)
    rnd = random.Random(1)
    import base64
    import gc

    gc.collect()
    gc.freeze()  # the benchmark's own garbage must not show up as proof latency

    inc_t, inc_docs = [], []
    for _ in range(queries):
        i = rnd.randrange(size)
        t = time.perf_counter()
        doc = inclusion(i, size)
        inc_t.append(time.perf_counter() - t)
        inc_docs.append(doc)
    con_t, con_docs = [], []
    for _ in range(queries):
        m = rnd.randrange(1, size + 1)
        t = time.perf_counter()
        doc = consistency(m, size)
        con_t.append(time.perf_counter() - t)
        con_docs.append(doc)
    report["inclusion_ms_p50"] = pct(inc_t, 50) * 1000
    report["inclusion_ms_p99"] = pct(inc_t, 99) * 1000
    report["consistency_ms_p50"] = pct(con_t, 50) * 1000
    report["consistency_ms_p99"] = pct(con_t, 99) * 1000
    decoded = [
        (base64.b64decode(d["leaf_hash"]), d["leaf_index"], [base64.b64decode(h) for h in d["hashes"]])
        for d in inc_docs
    ]
    t = time.perf_counter()
    for lh, i, proof in decoded:
        assert merkle.verify_inclusion(lh, i, size, proof, root)
    report["verify_inclusion_per_s"] = len(decoded) / (time.perf_counter() - t)
    cdec = [
        (d["first"], base64.b64decode(d["first_root"]), [base64.b64decode(h) for h in d["hashes"]]) for d in con_docs
    ]
    t = time.perf_counter()
    for m, r, proof in cdec:
        assert merkle.verify_consistency(m, size, r, root, proof)
    report["verify_consistency_per_s"] = len(cdec) / (time.perf_counter() - t)
    report["max_inclusion_bytes"] = max(32 * len(d["hashes"]) for d in inc_docs)
    report["max_consistency_bytes"] = max(32 * len(d["hashes"]) for d in con_docs)
    report["proof_bytes_bound"] = 32 * math.ceil(math.log2(size))


def child(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="truyxuat-bench-") as d:
        setup_django(d)
        from django.db import connection

        report: dict = {"database": connection.vendor, "leaves": args.leaves, "batch": args.batch}
        print(f"  building {args.leaves:,} leaves in batches of {args.batch:,} on {connection.vendor} …", flush=True)
        build(args.leaves, args.batch, report)
        measure(args.leaves, args.queries, report)
        if connection.vendor == "sqlite":
            report["db_mib"] = os.path.getsize(connection.settings_dict["NAME"]) / 2**20
        print("RESULT " + json.dumps(report), flush=True)


def show(r: dict) -> None:
    print(f"  == {r['database']}: {r['leaves']:,} leaves")
    print(f"  append (batches of {r['batch']:,}): {r['append_leaves_per_s']:,.0f} leaves/s (target >= 20,000)")
    print(f"  sign checkpoint at full size: {r['checkpoint_sign_ms']:.2f} ms")
    print(
        f"  inclusion proof from DB: p50 {r['inclusion_ms_p50']:.3f} ms, "
        f"p99 {r['inclusion_ms_p99']:.3f} ms (target < 2)"
    )
    print(
        f"  consistency proof from DB: p50 {r['consistency_ms_p50']:.3f} ms, "
        f"p99 {r['consistency_ms_p99']:.3f} ms (target < 2)"
    )
    print(
        f"  verify: {r['verify_inclusion_per_s']:,.0f} inclusion/s, {r['verify_consistency_per_s']:,.0f} consistency/s"
        " (target >= 20,000)"
    )
    b = r["proof_bytes_bound"]
    print(f"  largest inclusion proof {r['max_inclusion_bytes']} B (32·⌈log2 n⌉ = {b} B)")
    print(f"  largest consistency proof {r['max_consistency_bytes']} B (32·(⌈log2 n⌉+1) = {b + 32} B)")
    if "db_mib" in r:
        print(f"  SQLite file: {r['db_mib']:,.0f} MiB")


def run_child(
    extra_env: dict | None, argv: list[str], wrapper: list[str] | None = None, script: str = __file__
) -> dict | None:
    cmd = [*(wrapper or []), sys.executable, script, "--child", *argv]
    env = dict(os.environ)
    if wrapper is None:
        env.pop("TRUYXUAT_DATABASE_URL", None)
    env.update(extra_env or {})
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    result = None
    assert p.stdout is not None
    for line in p.stdout:
        if line.startswith("RESULT "):
            result = json.loads(line[7:])
        else:
            print(line, end="", flush=True)
    p.wait()
    if p.returncode:
        print(f"  (failed with status {p.returncode})")
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--leaves", type=int, default=1_000_000)
    ap.add_argument("--batch", type=int, default=10_000)
    ap.add_argument("--queries", type=int, default=2000)
    ap.add_argument("--only", choices=["sqlite", "postgresql"])
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args)
        return
    argv = ["--leaves", str(args.leaves), "--batch", str(args.batch), "--queries", str(args.queries)]
    results = []
    if args.only in (None, "sqlite"):
        results.append(run_child(None, argv))
    if args.only in (None, "postgresql"):
        results.append(run_child(None, argv, wrapper=[str(ROOT / "scripts" / "with-postgres.sh")]))
    print("== ledger (database-backed) ==")
    for r in results:
        if r:
            show(r)


if __name__ == "__main__":
    main()

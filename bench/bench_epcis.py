"""EPCIS benchmarks on a synthetic province. A plain script, not a test.

    .venv/bin/python bench/bench_epcis.py --events 1000000          # SQLite in a temporary data dir
    scripts/with-postgres.sh .venv/bin/python bench/bench_epcis.py --events 1000000   # PostgreSQL

1. loads the province (bench/province_generator.py) with the capture path's own index code (extract,
   identifier keys, genealogy edges, shipments) but without validation, hashing and ledger, to build it fast.
   The load streams (5,000 events per transaction as the generator makes them; a second process prepares the
   events, `--load-serial` for one): memory stays flat, 0.73 GB RSS while loading (SQLite's 512 MB page cache
   included; 1.25 GB at the end, rebuilding the indexes) plus 0.2 GB for the preparing process, at 1M as at 10M
   events; ~10,000 events/s on a quiet machine. For the load only: commits not durable, the cyclic GC off,
   events_event's nine non-unique indexes rebuilt at the end (the database is the same, schema and content, as
   one loaded by the capture path's index code alone). 10M events (16.9 GB; 40 min on 2 shared cores, 4 min of
   it the index rebuild), then the benchmarks on it (run `--only none` first outside the lock: it applies new
   migrations to the 10M database and counts the rows, minutes of work):

       nice -n 10 ionice -c3 .venv/bin/python bench/bench_epcis.py --events 10000000 --data-dir /tmp/epcis10m \
           --load-only
       flock /tmp/truyxuat-bench.lock .venv/bin/python bench/bench_epcis.py --data-dir /tmp/epcis10m \
           --skip-load --only trace,recall
2. batched capture through `events.services.capture_events` (validation, event hash, dedupe, storage, edges,
   ledger append, one durable commit per 1,000-event document; 20 documents by default): events/s (target
   ≥ 5,000), after an untimed 50-event warm-up (a process compiles the schema validator once, 0.8 s) and once
   the preparing helper process is warm (`TRUYXUAT_CAPTURE_PREPARE_WORKERS=0` to measure without it). On a
   copied database, `sync` before timing: the kernel writing back a fresh 1.6 GB copy lands in the commits.
   `--only http-capture`: the same documents over HTTP (`POST /epcis/capture`) from `--http-clients` senders at
   once against `truyxuat serve`: the server's sustained rate (bench/epcis_http.py);
3. single-event `POST /epcis/events` through Django's test client with an API token, one at a time (target
   ≥ 500/s), after 20 untimed posts; and (`--only http`) over HTTP keep-alive: wrk against `truyxuat serve`
   (Granian) with 8 connections, as a few producers' systems send them, then with 64 and 16 threads a worker, as
   many partners at once (`HTTP_RUNS`);
4. trace (backward+forward) of lots reaching ≤ 10,000 lots, as the platform admin and as the public:
   p50/p99 (target < 50 ms p99);
5. recall scope of the additive supplier's lots (target: 100,000 lots in < 500 ms).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import gc
import json
import os
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(data_dir: str) -> None:
    os.environ.setdefault("TRUYXUAT_DATA_DIR", data_dir)
    os.environ.setdefault("TRUYXUAT_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "truyxuat.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False  # TRUYXUAT_DEBUG only spares production settings; do not log every query

    call_command("migrate", verbosity=0)


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(p / 100 * len(s)))]


def organizations(indices: set[int]) -> dict[int, int]:
    """Organisations for the generator's org indices (created if missing): {index: pk}."""
    from catalog.models import Organization
    from catalog.validators import tax_code_check_digit

    have = dict(Organization.objects.filter(tax_code__startswith="69").values_list("tax_code", "pk"))
    rows = []
    codes = {}
    for i in sorted(indices):
        base = 690_000_000 + i
        while tax_code_check_digit(f"{base:09d}") is None:
            base += 100_000
        code = f"{base:09d}{tax_code_check_digit(f'{base:09d}')}"
        codes[i] = code
        if code not in have:
            rows.append(Organization(name=f"Bench {i}", kind="enterprise", tax_code=code, status="approved"))
    Organization.objects.bulk_create(rows, batch_size=1000)
    have = dict(Organization.objects.filter(tax_code__in=list(codes.values())).values_list("tax_code", "pk"))
    return {i: have[c] for i, c in codes.items()}


FLUSH = 5000  # events per transaction and per Capture row


def peak_rss_mb(children: bool = False) -> float:
    """Peak resident memory of this process (or of its largest finished child process), in MB."""
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF).ru_maxrss / 1024


DROPPED = "bench_load_dropped_index"  # the loader's note of the indexes it dropped, until they are rebuilt


def _dropped_note() -> list[tuple[str, str]]:
    """Indexes a load dropped and did not rebuild (it was killed): [(name, CREATE INDEX …)]."""
    from django.db import connection

    if DROPPED not in connection.introspection.table_names():
        return []
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT name, definition FROM {DROPPED} ORDER BY name")
        return list(cursor.fetchall())


def rebuild_dropped_indexes() -> int:
    """Rebuild the indexes an interrupted load left dropped (noted in `DROPPED`); how many."""
    from django.db import connection, transaction

    dropped = _dropped_note()
    with transaction.atomic(), connection.cursor() as cursor:
        for _name, sql in dropped:
            cursor.execute(sql)
        if DROPPED in connection.introspection.table_names():
            cursor.execute(f"DROP TABLE {DROPPED}")
    return len(dropped)


@contextlib.contextmanager
def bulk_load_session() -> Iterator[None]:
    """The loader's own connection settings and index handling, for the load only.

    Commits are not made durable (SQLite `synchronous=OFF`, PostgreSQL `synchronous_commit=off`: a crash during
    the load loses the load, which is rerun); SQLite gets a 512 MB page cache. The non-unique secondary indexes
    of `events_event` are dropped and recreated, with the same definitions, when the load ends (even if it
    fails): building them once is faster than updating nine B-trees on every insert. Unique indexes, and the
    indexes the load reads (identifier keys, open shipments), stay. The dropped definitions are noted in a table
    of their own, dropped with the rebuild: a load killed outright leaves the note, and the next run of this
    script rebuilds them.
    """
    from django.db import connection, transaction

    connection.ensure_connection()
    with connection.cursor() as cursor:  # outside a transaction (SQLite refuses it inside)
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-524288")
        else:
            cursor.execute("SET synchronous_commit = off")
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events_event' "
                "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%' ORDER BY name"
            )
        else:
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = 'events_event' "
                "AND i.indexdef NOT LIKE 'CREATE UNIQUE%' AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                "WHERE c.conname = i.indexname) ORDER BY i.indexname"
            )
        found = list(cursor.fetchall())
        noted = _dropped_note()
        if not noted:
            cursor.execute(f"CREATE TABLE {DROPPED} (name varchar(200) PRIMARY KEY, definition text NOT NULL)")
        names = {n for n, _s in noted}
        new = [(n, sql) for n, sql in found if n not in names]
        for name, sql in new:
            cursor.execute(f"INSERT INTO {DROPPED} VALUES (%s, %s)", (name, sql))
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        dropped = sorted(noted + new)
    try:
        yield
    finally:
        start = time.perf_counter()
        rebuild_dropped_indexes()
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA synchronous=FULL")
                cursor.execute("PRAGMA cache_size=-2000")
            else:
                cursor.execute("SET synchronous_commit = on")
        print(f"  {len(dropped)} secondary indexes of events_event rebuilt in {time.perf_counter() - start:.0f} s")


Prepared = list[tuple[int, str, Any, str]]  # (org index, eventID, EventIndex, canonical body) per event


def prepare(seed: int, n_events: int, stamp: str) -> Iterator[Prepared]:
    """The province in chunks of at least `FLUSH` events (as the generator's batches come), each event with its
    eventID, record time, extracted index and canonical body."""
    from bench.province_generator import Province
    from events.epcis import canonical_bytes, extract

    pending: Prepared = []
    chunks = 0
    for org, events in Province(seed).batches(n_events):
        for event in events:
            full = {**event, "eventID": f"urn:uuid:{uuid.uuid4()}", "recordTime": stamp}
            pending.append((org, full["eventID"], extract(full), canonical_bytes(full).decode()))
        if len(pending) >= FLUSH:
            yield pending
            pending = []
            chunks += 1
            if not gc.isenabled() and chunks % 20 == 0:
                gc.collect()
    if pending:
        yield pending


def _pack(idx: Any) -> tuple:
    """An `EventIndex` as a tuple of plain values (unpickled ten times faster than the dataclasses)."""
    from dataclasses import astuple, fields

    values = [getattr(idx, f.name) for f in fields(idx)]
    for i, v in enumerate(values):
        if isinstance(v, datetime.datetime):
            values[i] = ("dt", v.isoformat())
        elif isinstance(v, list) and v and not isinstance(v[0], str):
            values[i] = ("parties", [astuple(p) for p in v])
    return tuple(values)


def _unpack(values: tuple) -> Any:
    from events.epcis import EventIndex, Party

    out = list(values)
    for i, v in enumerate(out):
        if isinstance(v, tuple):
            out[i] = datetime.datetime.fromisoformat(v[1]) if v[0] == "dt" else [Party(*p) for p in v[1]]
    return EventIndex(*out)


def _prepare_into(queue: Any, seed: int, n_events: int, stamp: str) -> None:
    """The preparing process: chunks into `queue` (bounded: it waits for the loader), then None. It stops if
    the loader is gone (killed)."""
    import queue as queues

    loader = os.getppid()

    def put(item: Any) -> None:
        while True:
            try:
                queue.put(item, timeout=5)
                return
            except queues.Full:
                if os.getppid() != loader:
                    os._exit(1)  # not sys.exit: the queue's feeder thread would wait for a reader

    try:
        for pending in prepare(seed, n_events, stamp):
            put([(org, eid, _pack(idx), body) for org, eid, idx, body in pending])
    finally:
        put(None)


def _chunks(seed: int, n_events: int, stamp: str, parallel: bool) -> Iterator[Prepared]:
    """`prepare`'s chunks, made in a second (forked) process when `parallel`: the generator, extraction and
    canonical JSON are two thirds of the load's CPU, and overlap there with the inserts."""
    if not parallel:
        yield from prepare(seed, n_events, stamp)
        return
    import multiprocessing
    import queue as queues

    ctx = multiprocessing.get_context("fork")
    q = ctx.Queue(maxsize=4)  # at most 4 chunks (about 40 MB) waiting
    worker = ctx.Process(target=_prepare_into, args=(q, seed, n_events, stamp), daemon=True)
    worker.start()
    try:
        while True:
            try:
                chunk = q.get(timeout=5)
            except queues.Empty:
                if not worker.is_alive():
                    raise RuntimeError(f"the preparing process died (exit code {worker.exitcode})") from None
                continue
            if chunk is None:
                break
            yield [(org, eid, _unpack(idx), body) for org, eid, idx, body in chunk]
        worker.join()
        if worker.exitcode:
            raise RuntimeError(f"the preparing process failed (exit code {worker.exitcode})")
    finally:
        if worker.is_alive():
            worker.terminate()


def load(n_events: int, seed: int, parallel: bool = True) -> tuple[int, float]:
    """Bulk-load the province with the capture path's index code (no validation, hash or ledger).

    Streams: the generator's batches are stored as they come, `FLUSH` events per transaction, and an
    organisation is created when its index first appears; memory stays flat (peak RSS is printed: about
    0.3 GB plus SQLite's 512 MB page cache). With `parallel`, a second process prepares the events.
    """
    from django.db import transaction
    from django.utils import timezone

    from core.storage.bulk import db_datetime
    from events.choices import CaptureStatus
    from events.epcis.prepare import PreparedEvent
    from events.models import Capture
    from events.services import genealogy
    from events.services.keys import key_ids
    from events.services.store import NewEvent, insert_events

    orgs: dict[int, int] = {}
    now = timezone.now()
    stamp = db_datetime(now)
    start = last = time.perf_counter()
    done = last_done = 0

    def flush(pending: Prepared) -> None:
        new = {o for o, _id, _idx, _b in pending if o not in orgs}
        if new:
            orgs.update(organizations(new))
        with transaction.atomic():
            capture = Capture.objects.create(status=CaptureStatus.SUCCESS, source="bench", event_count=len(pending))
            rows = [NewEvent(PreparedEvent(idx, None, body), orgs[org]) for org, _eid, idx, body in pending]
            for row in rows:
                row.capture_id, row.record_time = capture.pk, stamp
            insert_events(rows)  # the capture path's own multi-row INSERT
            written: dict[str, str] = {}
            for row in rows:
                for k, v, _r in genealogy.roles(row.idx):
                    written.setdefault(k, v)
            ids = key_ids(written)
            genealogy.save(genealogy.derive([(r, r.idx) for r in rows], ids))

    gc.freeze()  # Django's objects: not scanned again
    gc.disable()  # the cyclic collector, run after each chunk instead of every 700 allocations (a third of the time)
    with bulk_load_session():
        for chunks, pending in enumerate(_chunks(seed, n_events, now.isoformat(), parallel), 1):
            flush(pending)
            done += len(pending)
            if chunks % 20 == 0:
                gc.collect()
            if done // 100_000 > last_done // 100_000:
                t = time.perf_counter()
                print(
                    f"  loaded {done:,} events ({done / (t - start):,.0f}/s overall, "
                    f"{(done - last_done) / (t - last):,.0f}/s lately; peak RSS {peak_rss_mb():,.0f} MB)",
                    flush=True,
                )
                last, last_done = t, done
    gc.enable()
    return done, time.perf_counter() - start


def added_by_runs() -> int:
    """Events stored by captures since the load: they have ledger leaves, which the loader's bulk path does not
    write."""
    from ledger.choices import LeafKind
    from ledger.models import LedgerLeaf

    return LedgerLeaf.objects.filter(kind=LeafKind.EVENT).count()


def run_number() -> int:
    """Differs on every run against the same database (captures so far), so reruns capture new events."""
    from events.models import Capture

    return Capture.objects.count()


def bench_capture(n_docs: int, per_doc: int) -> float:
    from accounts.permissions import SYSTEM
    from bench.province_generator import Province
    from catalog.models import Organization
    from events.services import capture_events

    org = Organization.objects.filter(tax_code__startswith="69").first()
    events = []
    for _o, evs in Province(seed=99_991 + run_number()).batches(n_docs * per_doc):  # new events on every run
        events += evs
    docs = [events[i * per_doc : (i + 1) * per_doc] for i in range(n_docs)]
    # warm-up, not timed: a running server compiles the schema validator once per process (0.8 s), and starts
    # the helper process that prepares half of each large document (events.epcis.parallel) once
    from django.conf import settings

    from events.epcis import parallel

    workers = settings.TRUYXUAT_CAPTURE_PREPARE_WORKERS
    helper = parallel.pool.wait() if workers > 0 else False
    warm = [e for _o, evs in Province(seed=33_331 + run_number()).batches(50) for e in evs]
    capture_events(actor=SYSTEM, organization=org, events=warm, source="bench")
    helped = parallel.helped["documents"]
    start = time.perf_counter()
    for doc in docs:
        capture_events(actor=SYSTEM, organization=org, events=doc, source="bench")
    rate = n_docs * per_doc / (time.perf_counter() - start)
    print(
        f"  (preparing helper process: {'on' if helper else 'off'}, it prepared part of "
        f"{parallel.helped['documents'] - helped} of {n_docs} documents; TRUYXUAT_CAPTURE_PREPARE_WORKERS={workers})"
    )
    return rate


def bench_single(n: int) -> float:
    from django.test import Client

    from bench.epcis_http import _token
    from bench.province_generator import CONTEXT, Province

    token = _token("bench")
    events = []
    for _o, evs in Province(seed=77_777 + run_number()).batches(n + 20):  # new events on every run
        events += evs
    bodies = [json.dumps({"@context": CONTEXT, **e}).encode() for e in events[: n + 20]]
    client = Client(HTTP_HOST="127.0.0.1")
    for body in bodies[n:]:  # warm-up, not timed (the schema validator is compiled on first use)
        client.post(
            "/epcis/events", data=body, content_type="application/ld+json", HTTP_AUTHORIZATION=f"Bearer {token}"
        )
    bodies = bodies[:n]
    duplicates = 0
    start = time.perf_counter()
    for body in bodies:
        response = client.post(
            "/epcis/events", data=body, content_type="application/ld+json", HTTP_AUTHORIZATION=f"Bearer {token}"
        )
        assert response.status_code in (201, 409), response.content[:300]
        duplicates += response.status_code == 409
    rate = len(bodies) / (time.perf_counter() - start)
    if duplicates:
        print(f"  ({duplicates} of {len(bodies)} single events were duplicates of stored ones: 409)")
    return rate


def bench_trace(samples: int, rounds: int) -> None:
    from accounts.permissions import SYSTEM
    from bench.province_generator import HUB_FARM, HUB_LOT, HUB_RETAIL, gtin
    from core.errors import NotFound
    from events import selectors
    from events.models import EpcKey
    from events.services.keys import gtin_keys

    keys = list(EpcKey.objects.filter(kind="lgtin").order_by("?").values_list("key", flat=True)[: samples * 4])
    chosen = []
    for key in keys:
        size = len(selectors.trace(key, viewer=SYSTEM).lots)
        if size <= 10_000:
            chosen.append((key, size))
        if len(chosen) >= samples:
            break
    biggest = sorted(chosen, key=lambda c: -c[1])[: max(3, samples // 4)]
    hubs = []  # lots of the generator's hubs: the mixed lot, some of its farm lots and retail lots
    for number, count in ((HUB_LOT, 8), (HUB_FARM, 6), (HUB_RETAIL, 6)):
        for key in (
            EpcKey.objects.filter(gtin_keys(gtin(number)), kind="lgtin")
            .order_by("?")
            .values_list("key", flat=True)[:count]
        ):
            size = len(selectors.trace(key, viewer=SYSTEM).lots)
            if size <= 10_000:
                hubs.append((key, size))
    groups = [("random lots", chosen), ("largest reach", biggest)] + ([("hub lots", hubs)] if hubs else [])
    # as a serving worker does once loaded (truyxuat/wsgi.py): what lives on is out of the cyclic collector's reach;
    # without it, full collections of this process's heap (50-80 ms, the lots chosen above included) landed in
    # the timed traces and set the p99
    gc.collect()
    gc.freeze()
    for label, viewer in (("admin", SYSTEM), ("public", None)):
        for name, group in groups:
            times = []
            for _ in range(rounds):
                for key, _size in group:
                    t = time.perf_counter()
                    with contextlib.suppress(NotFound):  # not visible to the public: still timed
                        selectors.trace(key, viewer=viewer)
                    times.append((time.perf_counter() - t) * 1000)
            sizes = [s for _k, s in group]
            print(
                f"  trace ({label}, {name}: {len(group)} lots reaching {min(sizes)}–{max(sizes)} lots): "
                f"p50 {pct(times, 50):.1f} ms, p99 {pct(times, 99):.1f} ms"
            )


def bench_recall() -> None:
    from bench.province_generator import Province, gtin, lot_key
    from events.services import recall_scope

    roots = [lot_key(gtin(999), f"L{i}") for i in range(1, 6)]
    del Province
    walks, full = [], []
    for _ in range(3):
        t = time.perf_counter()
        scope = recall_scope(roots)
        walks.append((time.perf_counter() - t) * 1000)
        _counts = (len(scope.lots), len(scope.shipments), len(scope.parties))  # read lazily: time them too
        full.append((time.perf_counter() - t) * 1000)
    print(
        f"  recall scope of {len(roots)} additive lots: {len(scope.lots):,} lots, {len(scope.shipments):,} "
        f"shipments, {len(scope.parties):,} parties; walk (scope returned) best {min(walks):.0f} ms / worst "
        f"{max(walks):.0f} ms; with lots, shipments and parties read best {min(full):.0f} ms / worst {max(full):.0f} ms"
    )
    # the walk's time grows with the lots it reaches: one additive lot reaches a fifth of the five's (~31,000 lots at
    # 1M events, ~313,000 at 10M), either side of the target's 100,000
    for root in roots[:2]:
        one = [0.0] * 3
        for i in range(3):
            t = time.perf_counter()
            reached = len(recall_scope([root]).depths)
            one[i] = (time.perf_counter() - t) * 1000
        print(
            f"  recall scope of one additive lot: {reached:,} lots; walk best {min(one):.0f} ms / "
            f"worst {max(one):.0f} ms"
        )


# `http`'s runs: (wrk connections, server threads per worker; None: `truyxuat serve`'s default). A few producers'
# systems posting one event at a time, then many partners at once, whose captures are stored together in one
# transaction (`events.services.store.store_together`) when enough threads wait on the write at once.
HTTP_RUNS: list[tuple[int, int | None]] = [(8, None), (64, 16)]


def _server_data_dir() -> str | None:
    """On a database server (TRUYXUAT_DATABASE_URL), a data dir kept per database: it holds the ledger's signing key,
    which the benchmarks' captures sign checkpoints with. A new one each run left the database's log signed by a key
    gone, and the server refused to sign again (`ledger.checkpoints.SigningKeyError`)."""
    url = os.environ.get("TRUYXUAT_DATABASE_URL", "")
    if not url:
        return None
    name = "".join(c if c.isalnum() else "-" for c in url.rsplit("@", 1)[-1])
    directory = Path(tempfile.gettempdir()) / f"truyxuat-bench-{name}"
    directory.mkdir(mode=0o700, exist_ok=True)
    return str(directory)


def fresh_copy(source: str, data_dir: str) -> float:
    """Make the benchmark's database a fresh copy of a loaded one, before Django connects; returns the seconds taken.

    On a database server (TRUYXUAT_DATABASE_URL), the URL's database is dropped and made from `source` (a database
    nobody is connected to) as its template; else the SQLite data dir `source` is copied over `data_dir`.
    """
    start = time.perf_counter()
    url = os.environ.get("TRUYXUAT_DATABASE_URL", "")
    if url:
        import dj_database_url
        import psycopg
        from psycopg import sql

        # the same server and options as the URL, on its maintenance database (libpq reads the URL; `dbname` wins)
        with psycopg.connect(url, dbname="postgres", autocommit=True) as conn:
            target, template = sql.Identifier(dj_database_url.parse(url)["NAME"]), sql.Identifier(source)
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(target))
            conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(target, template))
    else:
        if Path(data_dir).resolve() == Path(source).resolve():
            raise SystemExit("--fresh-from names the data dir itself")
        shutil.rmtree(data_dir, ignore_errors=True)
        shutil.copytree(source, data_dir, symlinks=True)
    return time.perf_counter() - start


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def disk_fsync(directory: str, n: int = 50) -> str:
    """The disk's fsync latency where the database lives (p50/p90 of `n` 4 KB writes each fsynced): every
    durable commit waits for one, and on this virtual disk it moves from 0.1 to 3 ms with the neighbours."""
    path = Path(directory) / "bench-fsync.tmp"
    times = []
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        for _ in range(n):
            os.write(fd, b"x" * 4096)
            t = time.perf_counter()
            os.fsync(fd)
            times.append((time.perf_counter() - t) * 1000)
    finally:
        os.close(fd)
        path.unlink()
    return f"disk fsync p50 {pct(times, 50):.2f} ms, p90 {pct(times, 90):.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--data-dir", default=None, help="reuse a loaded SQLite data dir")
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--capture-docs", type=int, default=20)
    parser.add_argument("--single", type=int, default=300)
    parser.add_argument("--load-only", action="store_true", help="load the province and stop (then --skip-load)")
    parser.add_argument(
        "--load-serial", action="store_true", help="load in one process (default: events prepared in a second one)"
    )
    parser.add_argument(
        "--only",
        default="trace,recall,capture,single,http",
        help="comma-separated: trace, recall, capture, single (test client), http (wrk against truyxuat serve), "
        "http-capture (documents over HTTP from --http-clients senders at once)",
    )
    parser.add_argument("--http-seconds", type=int, default=10)
    parser.add_argument(
        "--http-connections", type=int, default=None, help="one run with this many (default: each of HTTP_RUNS)"
    )
    parser.add_argument("--http-workers", type=int, default=2)
    parser.add_argument("--http-threads", type=int, default=None, help="threads per server worker (default: serve's)")
    parser.add_argument("--http-clients", type=int, default=2, help="concurrent document senders (http-capture)")
    parser.add_argument(
        "--fresh-from",
        default=None,
        help="start from a fresh copy of a loaded province (implies --skip-load): a SQLite data dir, copied over "
        "--data-dir; or, on a database server (TRUYXUAT_DATABASE_URL), a loaded database's name, from which the "
        "URL's database is made anew (CREATE DATABASE … TEMPLATE). Runs add events to the lots they name: compare "
        "runs on fresh copies (bench/README.md, Stop 34)",
    )
    args = parser.parse_args()
    data_dir = args.data_dir or _server_data_dir() or tempfile.mkdtemp(prefix="truyxuat-bench-")
    if args.fresh_from:
        print(f"  fresh copy of {args.fresh_from}: {fresh_copy(args.fresh_from, data_dir):.0f} s")
        args.skip_load = True
    setup(data_dir)
    from django.db import connection

    print(f"database: {connection.vendor} ({data_dir if connection.vendor == 'sqlite' else 'server'})")
    print(f"  load average at start: {load_average()}; {disk_fsync(data_dir)}")
    if not args.skip_load:
        n, secs = load(args.events, seed=1, parallel=not args.load_serial)
        print(f"  province loaded: {n:,} events in {secs:.0f} s ({n / secs:,.0f}/s, bulk path without hash/ledger)")
        size = ""
        if connection.vendor == "sqlite":
            db = Path(connection.settings_dict["NAME"])
            size = f", database {sum(f.stat().st_size for f in db.parent.glob(db.name + '*')) / 1e9:.1f} GB"
        worker = f" (preparing process {peak_rss_mb(children=True):,.0f} MB)" if not args.load_serial else ""
        print(f"  peak RSS {peak_rss_mb():,.0f} MB{worker}{size}")
    elif rebuilt := rebuild_dropped_indexes():
        print(f"  {rebuilt} indexes an interrupted load had dropped were rebuilt (the loaded events are partial)")
    if connection.vendor == "postgresql":
        # as autovacuum would have left a loaded server: fresh statistics, and visibility maps set, without which
        # index-only scans (the genealogy walks) visit the heap for every row of a freshly loaded table
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    if args.load_only:
        return
    from events.models import EpcKey, Event, LotEdge

    stored = Event.objects.count()
    print(
        f"  stored: {stored:,} events, {EpcKey.objects.count():,} identifiers, "
        f"{LotEdge.objects.count():,} genealogy edges"
    )
    added = added_by_runs()
    if added > 0.05 * stored:
        print(
            f"  warning: {added:,} of these events were stored by earlier runs (they name the same lots, whose walks "
            "and shipments grow run after run): compare runs on fresh copies of the load (--fresh-from; "
            "bench/README.md, Stop 34)"
        )
    only = set(args.only.split(","))
    if "trace" in only:
        bench_trace(samples=20, rounds=5)
    if "recall" in only:
        bench_recall()
    if "capture" in only:
        rate = bench_capture(args.capture_docs, 1000)
        print(
            f"  batched capture (validation, hash, ledger, durable commit, 1,000-event documents): {rate:,.0f} events/s"
        )
    if "single" in only:
        rate = bench_single(args.single)
        print(f"  single-event POST /epcis/events (Django test client, API token, one at a time): {rate:,.0f} events/s")
    if "http" in only:
        from bench.epcis_http import bench_single_http

        runs = [(args.http_connections, args.http_threads)] if args.http_connections else HTTP_RUNS
        for connections, threads in runs:
            bench_single_http(data_dir, args.http_seconds, connections, args.http_workers, run_number(), threads)
    if "http-capture" in only:
        from bench.epcis_http import bench_capture_http

        bench_capture_http(
            data_dir, args.capture_docs, 1000, args.http_clients, args.http_workers, run_number(), args.http_threads
        )
    print(f"  load average at end: {load_average()}")


if __name__ == "__main__":
    main()

"""On SQLite, capture transactions queue for the write lock on a lock file, and are checkpointed aside.

SQLite lets one writer in at a time; the others poll with growing sleeps (1, 2, 5, 10 … 100 ms, the
default busy handler behind Python's ``timeout``), so under concurrent single-event POSTs a request
could wait hundreds of milliseconds while the lock sat free. Waiting on ``flock`` (between processes)
and a thread lock (within one) wakes the next writer as soon as the previous one commits.

Only a capture that opens its own transaction takes the lock: inside a caller's transaction the
database write lock is held already, and taking the file lock then could make two processes wait on
each other until SQLite's timeout. PostgreSQL locks rows, not the database: nothing to do there.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

from django.db import connection

from core.storage.walsync import sqlite_path, wal_sync

_thread_lock = threading.Lock()
T = TypeVar("T")
R = TypeVar("R")
_files: dict[tuple[int, str], int] = {}  # (pid, lock path) -> descriptor: flock locks follow the open file


def lock_path() -> str | None:
    """The lock file of the SQLite database this connection writes (None: not a file-backed SQLite)."""
    name = sqlite_path(connection)
    return None if name is None else name + ".write-lock"


def _descriptor(path: str) -> int:
    key = (os.getpid(), path)  # a forked worker opens its own (a shared descriptor shares the lock)
    fd = _files.get(key)
    if fd is None:
        fd = _files[key] = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    return fd


@contextmanager
def sqlite_writer() -> Iterator[None]:
    """Hold the capture write lock for the transaction opened inside (a no-op where not needed)."""
    path = lock_path()
    if path is None or connection.in_atomic_block:
        yield
        return
    with _thread_lock:
        fd = _descriptor(path)
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)


def writer_busy() -> bool:
    """Whether another capture holds the write lock at this moment (a probe: the answer may change at once).

    A large document is stored part by part while its last parts are still being prepared, holding the lock
    meanwhile; when others are waiting for the lock it is better prepared whole first. Always False on
    PostgreSQL and inside a caller's transaction.
    """
    path = lock_path()
    if path is None or connection.in_atomic_block:
        return False
    if not _thread_lock.acquire(blocking=False):  # another thread of this process is writing
        return True
    try:  # (under the thread lock: a probe on the shared descriptor must not meet a holder's lock)
        fd = _descriptor(path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        _thread_lock.release()


class _Job(Generic[T, R]):
    __slots__ = ("done", "error", "item", "result")

    def __init__(self, item: T) -> None:
        self.item = item
        self.done = False
        self.result: R | None = None
        self.error: Exception | None = None


class Combiner(Generic[T, R]):
    """Writes of one process that arrive while another is being written are written together, next.

    A thread hands in its item and waits for the leader's turn: the first to get it writes every item waiting
    then (its own and those that came meanwhile) in one call of `write`, which returns one result per item; the
    others find theirs done. A transaction per request costs fixed work (the statements' overhead, and pages
    made stale by another connection's commit read again), which items written together share: group commit
    at the level of transactions. If a combined write fails, each of its items is written alone again, so
    every item gets its own outcome (result or exception).
    """

    def __init__(self) -> None:
        self._queue_lock = threading.Lock()
        self._turn = threading.Lock()
        self._queue: list[_Job[T, R]] = []
        self.batches = 0  # combined writes made (tests, benchmarks)
        self.items = 0

    def run(self, item: T, write: Callable[[list[T]], list[R]]) -> R:
        job: _Job[T, R] = _Job(item)
        with self._queue_lock:
            self._queue.append(job)
        with self._turn:
            if not job.done:
                with self._queue_lock:
                    batch, self._queue = self._queue, []
                self._write(batch, write)
        if job.error is not None:
            raise job.error
        return job.result  # type: ignore[return-value]

    def _write(self, batch: list[_Job[T, R]], write: Callable[[list[T]], list[R]]) -> None:
        try:
            results = write([job.item for job in batch])
        except Exception as exc:
            if len(batch) > 1:
                for job in batch:  # each alone: whichever failed fails alone
                    self._write([job], write)
                return
            batch[0].error = exc
            batch[0].done = True
            return
        self.batches += 1
        self.items += len(batch)
        for job, result in zip(batch, results, strict=True):
            job.result = result
            job.done = True


# -- WAL checkpoints off the commit path --------------------------------------------------------------

CAPTURE_AUTOCHECKPOINT = 16_000  # pages (64 MB): the capture connection's own checkpoint, a fallback only
CAPTURE_CACHE_KIB = 65_536  # the capture connection's page cache (64 MB)
PRAGMAS_SET = "_truyxuat_capture_pragmas"  # attribute of the connection wrapper: the raw connection set up


class BackgroundCheckpointer:
    """Copies SQLite's write-ahead log into the database file in a thread, after captures commit.

    With the default ``wal_autocheckpoint`` (1,000 pages), a commit that grows the log past 4 MB runs the
    checkpoint itself: it copies the pages and fsyncs the database file before the commit returns. A
    1,000-event document writes about that much, so every document paid a checkpoint (a fifth of the
    capture: bench/README.md, "Capture"). Here, the capture connection checkpoints on its own only past
    `CAPTURE_AUTOCHECKPOINT` pages, and after each capture commit a daemon thread (its own connection) runs a
    PASSIVE checkpoint, which waits for no reader or writer, on the other core. Durability is unchanged: a
    commit is durable once its log frames are written (and, with the project's synchronous=FULL, fsynced),
    checkpointed or not.
    """

    def __init__(self) -> None:
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._path: str | None = None
        self.runs = 0
        self.error: BaseException | None = None

    def prepare(self) -> None:
        """Before a capture writes: raise this connection's automatic checkpoint threshold, and its page
        cache to `CAPTURE_CACHE_KIB` (SQLite's default, 2 MB, holds few of the index pages a document's
        inserts touch in a large database: a third of the insert time was re-reading them). Once per
        connection (the settings stay with it)."""
        raw = connection.connection
        if getattr(connection, PRAGMAS_SET, None) is raw:
            return
        raw.execute(f"PRAGMA wal_autocheckpoint={CAPTURE_AUTOCHECKPOINT}")
        raw.execute(f"PRAGMA cache_size=-{CAPTURE_CACHE_KIB}")
        setattr(connection, PRAGMAS_SET, raw)  # on this thread's connection wrapper: a new connection sets them again

    def committed(self, path: str) -> None:
        """After a capture committed: make sure the thread will checkpoint soon."""
        with self._lock:
            self._path = path
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="sqlite-checkpoint", daemon=True)
                self._thread.start()
        self._wake.set()

    def _run(self) -> None:
        import sqlite3

        db: sqlite3.Connection | None = None
        db_path = None
        while True:
            self._wake.wait()
            time.sleep(CHECKPOINT_DELAY)  # let a burst of commits share one checkpoint
            self._wake.clear()
            try:
                if db is None or db_path != self._path:
                    if db is not None:
                        db.close()
                    db_path = self._path
                    db = sqlite3.connect(str(db_path), timeout=20, isolation_level=None, check_same_thread=False)
                db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                self.runs += 1
            except Exception as exc:  # the next commit's wake-up retries; the fallback threshold still holds
                self.error = exc
                db = None


CHECKPOINT_DELAY = 0.05  # seconds
checkpointer = BackgroundCheckpointer()


def background_checkpoints() -> bool:
    """``settings.TRUYXUAT_SQLITE_BACKGROUND_CHECKPOINT`` (default on; off under tests unless asked for)."""
    from django.conf import settings

    return bool(settings.TRUYXUAT_SQLITE_BACKGROUND_CHECKPOINT)


def group_commit() -> bool:
    """``settings.TRUYXUAT_SQLITE_GROUP_COMMIT`` (default on): see `core.storage.walsync`."""
    from django.conf import settings

    return bool(settings.TRUYXUAT_SQLITE_GROUP_COMMIT)


def postgres_group_commit() -> bool:
    """``settings.TRUYXUAT_PG_GROUP_COMMIT`` (default on): a capture's commit on PostgreSQL does not wait for the
    log's flush while it holds the ledger's head row; it waits for it after (`_flush_wal`), before it answers."""
    from django.conf import settings

    return bool(settings.TRUYXUAT_PG_GROUP_COMMIT)


def _commit_without_flush() -> None:
    """This transaction's COMMIT returns once its commit record is written, not flushed (it is flushed by
    `_flush_wal` before the capture answers). Every capture appends to the ledger and so holds the ledger head's
    row lock from its append to its COMMIT: with the flush inside, captures queued one fsync after another
    (bench/README.md, "Capture")."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _flush_wal() -> None:
    """Wait until the log is flushed at least up to the commit just made: a transaction given an xid commits
    synchronously (at the server's `synchronous_commit`), and flushing its commit record flushes every record
    before it, ours included (the log is one sequence). Captures waiting at once share one flush, as PostgreSQL
    groups them; nothing is acknowledged before it is durable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_xact_id()")


SYNCHRONOUS_LEVEL = "_truyxuat_synchronous"  # attribute of the connection wrapper: (raw connection, its level)


def _synchronous(raw: Any) -> int:
    """The connection's configured ``PRAGMA synchronous`` (0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA), read once."""
    known = getattr(connection, SYNCHRONOUS_LEVEL, None)
    if known is not None and known[0] is raw:
        return int(known[1])
    level = int(raw.execute("PRAGMA synchronous").fetchone()[0])
    setattr(connection, SYNCHRONOUS_LEVEL, (raw, level))
    return level


@contextmanager
def capture_transaction() -> Iterator[None]:
    """The capture's own transaction. On SQLite: queued on the write lock, checkpointed in the background, and
    committed as a group (`core.storage.walsync`): without fsync under the lock, durable before it returns. On
    PostgreSQL: committed without waiting for the flush, which it then waits for (`_flush_wal`): durable before
    it returns too."""
    from django.db import transaction

    path = sqlite_path(connection)
    outermost = not connection.in_atomic_block
    background = path is not None and outermost and background_checkpoints()
    raw, level = None, 0
    if path is not None and outermost and group_commit():
        connection.ensure_connection()
        raw = connection.connection
        level = _synchronous(raw)
        if level >= 2:  # FULL or EXTRA: the commit's fsync moves out of the lock (lower levels have none)
            raw.execute("PRAGMA synchronous=NORMAL")  # not allowed inside a transaction: set before BEGIN
        else:
            raw = None
    ticket = 0
    flush = outermost and connection.vendor == "postgresql" and postgres_group_commit()
    try:
        with sqlite_writer(), transaction.atomic():
            if background:
                checkpointer.prepare()
            if flush:
                _commit_without_flush()
                transaction.on_commit(_flush_wal)  # the first hook: before any other acts on the commit
            yield
        if raw is not None and path is not None:
            ticket = wal_sync.committed(path)
    finally:
        if raw is not None:
            raw.execute(f"PRAGMA synchronous={level}")
    if ticket and path is not None:
        wal_sync.sync(path, ticket)
    if background and path is not None:
        checkpointer.committed(path)

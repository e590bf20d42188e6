"""On SQLite, capture transactions queue for the database's single write lock on a lock file.

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
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

_thread_lock = threading.Lock()
_files: dict[tuple[int, str], int] = {}  # (pid, lock path) -> descriptor: flock locks follow the open file


def lock_path() -> str | None:
    """The lock file of the SQLite database this connection writes (None: not a file-backed SQLite)."""
    if connection.vendor != "sqlite":
        return None
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or "mode=memory" in name or name.startswith("file:"):
        return None
    return name + ".write-lock"


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

"""Group commit for SQLite: capture transactions commit without fsync, then share one fsync of the log.

With ``synchronous=FULL`` every commit fsyncs SQLite's write-ahead log while it still holds the database
write lock, so concurrent writers queue behind each other's fsync (about half of a single-event capture's
time under the lock: bench/README.md, "Capture"). A capture transaction instead commits with
``synchronous=NORMAL`` (its log frames are written, not synced), releases the lock, and then, before the
capture returns, makes them durable here: `WalSync.sync` fsyncs the log file once for every commit
written before the fsync began, so threads that committed meanwhile wait for one fsync instead of
taking turns. A capture is reported stored (201/202) only when its commit is on disk, as before.

Two things differ from ``FULL`` and are accepted: between its commit and the fsync (well under a
millisecond to a few) other connections may already read the new rows, which a power cut could take
back; whoever must not show anything that could vanish (the ledger's checkpoint signer) calls
`WalSync.sync` without a ticket first. A crash of the process alone loses nothing: the frames are in the OS's cache.

Recovery is SQLite's own: its log frames carry checksums and commit marks, so after a power cut the log
is replayed up to the last commit whose frames reached the disk. The fsync goes to the ``-wal`` file by
path, opened afresh (a long-kept descriptor could outlive a log that SQLite deleted and created again).
Nothing here imports Django.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

__all__ = ["WalSync", "wal_sync"]


class _PathState:
    def __init__(self) -> None:
        self.written = 0  # commits of this process whose frames are written (numbered in order)
        self.synced = 0  # the last of them known to be on disk
        self.sync_lock = threading.Lock()  # one fsync at a time per log


class WalSync:
    """Coalesced fsyncs of SQLite write-ahead logs, per database file, within this process."""

    def __init__(self, fsync: Callable[[int], None] = os.fsync) -> None:
        self._fsync = fsync
        self._lock = threading.Lock()
        self._paths: dict[str, _PathState] = {}
        self.fsyncs = 0  # how many were done (tests, benchmarks)

    def _state(self, path: str) -> _PathState:
        with self._lock:
            state = self._paths.get(path)
            if state is None:
                state = self._paths[path] = _PathState()
            return state

    def committed(self, path: str) -> int:
        """Call right after a commit without fsync to database `path`; returns its ticket for `sync`."""
        state = self._state(path)
        with self._lock:
            state.written += 1
            return state.written

    def sync(self, path: str, ticket: int | None = None) -> None:
        """Return once the commit holding `ticket` is on disk: by an fsync begun after it, ours or another's.

        Without a ticket, fsync now: every commit to `path` that returned before the call, whichever process
        wrote it, is then on disk.
        """
        state = self._state(path)
        with state.sync_lock:
            if ticket is not None and state.synced >= ticket:
                return  # an fsync that began after our commit covered it
            with self._lock:
                upto = state.written  # every commit numbered so far has written its frames
            self._sync_file(path + "-wal")
            state.synced = max(state.synced, upto)

    def _sync_file(self, wal: str) -> None:
        try:
            fd = os.open(wal, os.O_RDONLY)
        except FileNotFoundError:  # no log: SQLite checkpointed it into the database and synced that first
            return
        try:
            self._fsync(fd)
            self.fsyncs += 1
        finally:
            os.close(fd)


wal_sync = WalSync()


def sqlite_path(connection: object) -> str | None:
    """The database file of a Django SQLite connection (None: another database, or SQLite in memory)."""
    if getattr(connection, "vendor", None) != "sqlite":
        return None
    name = str(getattr(connection, "settings_dict", {}).get("NAME") or "")
    if not name or name == ":memory:" or "mode=memory" in name or name.startswith("file:"):
        return None
    return name

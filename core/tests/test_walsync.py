"""Group commit's coalesced fsyncs (core.storage.walsync), on real files with the real os.fsync."""

from __future__ import annotations

import os
import threading

from core.storage.walsync import WalSync, sqlite_path


class _Counting:
    """os.fsync, counting its calls and noting how many commits had been written when each began."""

    def __init__(self) -> None:
        self.calls = 0
        self.sync: WalSync | None = None
        self.began_at: list[int] = []
        self.path = ""

    def __call__(self, fd: int) -> None:
        assert self.sync is not None
        self.began_at.append(self.sync._state(self.path).written)
        os.fsync(fd)
        self.calls += 1


def _wal(tmp_path) -> tuple[str, WalSync, _Counting]:
    db = str(tmp_path / "t.sqlite3")
    with open(db + "-wal", "wb") as f:
        f.write(b"frames")
    counting = _Counting()
    sync = WalSync(fsync=counting)
    counting.sync, counting.path = sync, db
    return db, sync, counting


def test_one_fsync_serves_every_commit_written_before_it(tmp_path):
    db, sync, fsyncs = _wal(tmp_path)
    first, second = sync.committed(db), sync.committed(db)
    sync.sync(db, second)
    sync.sync(db, first)  # covered by the fsync that began after both commits
    assert (fsyncs.calls, sync.fsyncs) == (1, 1)
    third = sync.committed(db)
    sync.sync(db, third)  # written after that fsync began: needs its own
    assert fsyncs.calls == 2
    assert fsyncs.began_at == [2, 3]


def test_each_database_keeps_its_own_count(tmp_path):
    db, sync, fsyncs = _wal(tmp_path)
    other = str(tmp_path / "other.sqlite3")
    with open(other + "-wal", "wb") as f:
        f.write(b"x")
    sync.sync(db, sync.committed(db))
    sync.sync(other, sync.committed(other))
    assert fsyncs.calls == 2


def test_sync_without_ticket_fsyncs_even_with_nothing_committed_here(tmp_path):
    db, sync, fsyncs = _wal(tmp_path)
    sync.sync(db)  # another process may have committed
    assert fsyncs.calls == 1


def test_no_log_file_means_nothing_to_sync(tmp_path):
    db, sync, fsyncs = _wal(tmp_path)
    os.remove(db + "-wal")  # SQLite checkpointed and removed it (syncing the database first)
    sync.sync(db, sync.committed(db))
    assert (fsyncs.calls, sync.fsyncs) == (0, 0)


def test_concurrent_committers_return_only_after_an_fsync_begun_after_their_commit(tmp_path):
    db, sync, fsyncs = _wal(tmp_path)
    returned: list[tuple[int, int]] = []  # (ticket, fsyncs begun when sync returned)
    lock = threading.Lock()

    def writer() -> None:
        for _ in range(25):
            ticket = sync.committed(db)
            sync.sync(db, ticket)
            with lock:
                returned.append((ticket, len(fsyncs.began_at)))

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(t for t, _n in returned) == list(range(1, 101))
    for ticket, done in returned:
        assert any(began >= ticket for began in fsyncs.began_at[:done])
    assert fsyncs.calls <= 100


def test_sqlite_path_names_only_file_backed_sqlite():
    class Conn:
        def __init__(self, vendor: str, name: str) -> None:
            self.vendor, self.settings_dict = vendor, {"NAME": name}

    assert sqlite_path(Conn("sqlite", "/data/truyxuat.sqlite3")) == "/data/truyxuat.sqlite3"
    assert sqlite_path(Conn("sqlite", ":memory:")) is None
    assert sqlite_path(Conn("sqlite", "file:memorydb_default?mode=memory&cache=shared")) is None
    assert sqlite_path(Conn("postgresql", "truyxuat")) is None

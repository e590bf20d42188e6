"""SQLite capture writers queue on a lock file (and a thread lock) instead of polling the database lock."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from core.storage import writelock
from core.storage.writelock import lock_path, sqlite_writer

pytestmark = pytest.mark.django_db(transaction=True)


def test_lock_file_only_for_a_file_backed_sqlite_database():
    path = lock_path()
    if connection.vendor == "sqlite":
        assert path == str(connection.settings_dict["NAME"]) + ".write-lock"
    else:
        assert path is None


def test_second_writer_waits_for_the_first_and_nested_use_is_free():
    if connection.vendor != "sqlite":  # PostgreSQL locks rows: the context is a no-op there
        with writelock._thread_lock, sqlite_writer():
            return
    order: list[str] = []
    held = threading.Event()

    def first():
        with sqlite_writer():
            order.append("first in")
            held.set()
            time.sleep(0.2)
            order.append("first out")

    t = threading.Thread(target=first)
    t.start()
    held.wait(5)
    start = time.monotonic()
    with sqlite_writer():
        order.append("second in")
        waited = time.monotonic() - start
    t.join()
    assert order == ["first in", "first out", "second in"]
    assert waited > 0.1
    with transaction.atomic():  # inside a transaction the database lock is held already: no file lock
        assert writelock._thread_lock.acquire(blocking=False)
        try:
            with sqlite_writer():
                pass
        finally:
            writelock._thread_lock.release()


def test_captures_are_checkpointed_in_the_background(settings, organization):
    from accounts.permissions import SYSTEM
    from core.storage.writelock import (
        CAPTURE_AUTOCHECKPOINT,
        CAPTURE_CACHE_KIB,
        background_checkpoints,
        checkpointer,
    )
    from events.services import capture_events
    from events.tests.helpers import object_event

    assert not background_checkpoints()  # off under tests unless asked for
    settings.TRUYXUAT_SQLITE_BACKGROUND_CHECKPOINT = True
    runs = checkpointer.runs
    result = capture_events(actor=SYSTEM, organization=organization, events=[object_event()])
    assert len(result.stored) == 1
    if connection.vendor != "sqlite":  # PostgreSQL: nothing to checkpoint
        assert checkpointer.runs == runs
        return
    assert connection.connection.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == CAPTURE_AUTOCHECKPOINT
    assert connection.connection.execute("PRAGMA cache_size").fetchone()[0] == -CAPTURE_CACHE_KIB
    deadline = time.monotonic() + 10
    while checkpointer.runs == runs and time.monotonic() < deadline:
        time.sleep(0.02)
    assert checkpointer.runs > runs
    assert checkpointer.error is None


def test_a_capture_commits_as_a_group_and_is_synced_before_it_returns(organization):
    from accounts.permissions import SYSTEM
    from core.storage.walsync import wal_sync
    from events.models import Event
    from events.services import capture_events
    from events.tests.helpers import object_event

    before = wal_sync.fsyncs
    result = capture_events(actor=SYSTEM, organization=organization, events=[object_event()])
    assert Event.objects.filter(event_id=result.stored[0]).exists()
    if connection.vendor != "sqlite":  # PostgreSQL commits as configured: no group commit here
        assert wal_sync.fsyncs == before
        return
    # one fsync by the checkpoint signer (run at once under tests) and one for the capture's own commit
    assert wal_sync.fsyncs - before == 2
    assert connection.connection.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL again afterwards


def test_a_failed_capture_transaction_restores_the_synchronous_level_and_syncs_nothing():
    from core.storage.walsync import wal_sync

    before = wal_sync.fsyncs
    with pytest.raises(ValueError), writelock.capture_transaction():
        raise ValueError("refused half-way")
    assert wal_sync.fsyncs == before
    if connection.vendor == "sqlite":
        assert connection.connection.execute("PRAGMA synchronous").fetchone()[0] == 2


def test_group_commit_can_be_turned_off(settings, organization):
    from accounts.permissions import SYSTEM
    from core.storage.walsync import wal_sync
    from events.services import capture_events
    from events.tests.helpers import object_event

    settings.TRUYXUAT_SQLITE_GROUP_COMMIT = False
    before = wal_sync.fsyncs
    capture_events(actor=SYSTEM, organization=organization, events=[object_event()])
    capture_events(actor=SYSTEM, organization=organization, events=[object_event(biz_step="inspecting")])
    if connection.vendor == "sqlite":  # only the signer's fsyncs (one per signing): the commits synced themselves
        assert wal_sync.fsyncs - before == 2
    else:
        assert wal_sync.fsyncs == before


def test_writer_busy_tells_whether_another_capture_holds_the_lock_and_leaves_it_held():
    if connection.vendor != "sqlite":  # PostgreSQL: nothing to probe
        assert writelock.writer_busy() is False
        return
    import fcntl
    import os

    assert writelock.writer_busy() is False
    fd = os.open(str(lock_path()), os.O_RDWR)  # another open file: as another process holds it
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        assert writelock.writer_busy() is True
        with pytest.raises(BlockingIOError):  # the probe did not release the holder's lock
            fcntl.flock(writelock._descriptor(str(lock_path())), fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        os.close(fd)
    assert writelock.writer_busy() is False
    busy: list[bool] = []
    held, done = threading.Event(), threading.Event()

    def writer():
        with sqlite_writer():
            held.set()
            done.wait(5)

    t = threading.Thread(target=writer)
    t.start()
    held.wait(5)
    busy.append(writelock.writer_busy())  # another thread of this process is writing
    done.set()
    t.join()
    assert busy == [True]
    assert writelock.writer_busy() is False
    with transaction.atomic():  # inside a caller's transaction the database lock is held already
        assert writelock.writer_busy() is False

"""Reads run alongside the caller: on a helper thread with its own database connection, while the caller goes on.

A hub lot's trace reads its lots, their shipments and the events that mention them: three statements that each
wait on the database for ~10 ms, and Python that waits for them. On a database server, a helper's statement runs
in a second backend, on another core, while the caller's runs or while the caller builds its answer (bench/README.md,
"Stop 35").

Only for reads that need not see the caller's own uncommitted writes: inside a transaction the work runs at once, in
the caller's thread and transaction (a helper's connection would not see them). So does it when every helper is
busy (the caller does not queue behind other requests' reads) and on SQLite (one process's threads share its
cores; the embedded database answers in the caller's thread without a server to wait on). The helper keeps the
caller's context (`contextvars`): a request allowed to read from the replica (`core.replica`) still does.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections

T = TypeVar("T")

# per process: a trace reads two things alongside at once (its lots' rows and their shipments); while both helpers
# are taken, another request's reads run in its own thread
HELPERS = 2
_free = threading.BoundedSemaphore(HELPERS)
_pool = ThreadPoolExecutor(HELPERS, thread_name_prefix="truyxuat-alongside")


class Later(Generic[T]):
    """What `alongside` started: `result()` waits for it and gives what it returned, or raises what it raised."""

    def __init__(self, future: Future[T], ran_alongside: bool = True) -> None:
        self._future = future
        self.ran_alongside = ran_alongside

    def result(self) -> T:
        return self._future.result()


def alongside(read: Callable[[], T]) -> Later[T]:
    """Start `read` (database reads only, no writes) on a free helper thread; run it now when none is free, when
    the caller is in a transaction, or on SQLite."""
    caller = connections[DEFAULT_DB_ALIAS]
    if caller.vendor != "postgresql" or caller.in_atomic_block or not _free.acquire(blocking=False):
        return in_this_thread(read)
    context = contextvars.copy_context()
    try:
        return Later(_pool.submit(_run, context, read))
    except BaseException:
        _free.release()
        raise


def in_this_thread(read: Callable[[], T]) -> Later[T]:
    """`read` run in this thread; what it raised is raised by `result()`, as from a helper."""
    done: Future[T] = Future()
    try:
        done.set_result(read())
    except Exception as error:
        done.set_exception(error)
    return Later(done, ran_alongside=False)


def _run(context: contextvars.Context, read: Callable[[], T]) -> T:
    try:
        # as Django does around each request: a connection broken or past its age is replaced before use
        for connection in connections.all(initialized_only=True):
            connection.close_if_unusable_or_obsolete()
        return context.run(read)
    finally:
        _free.release()


def close_connections() -> None:
    """Close every helper's database connections (as before a test database is dropped), one task a helper."""
    meet = threading.Barrier(HELPERS)

    def close() -> None:
        meet.wait(timeout=30)  # each helper takes one of these tasks
        connections.close_all()

    for done in [_pool.submit(close) for _ in range(HELPERS)]:
        done.result()

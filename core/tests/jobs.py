"""Run the jobs services enqueued, in this process, as `truyxuat worker` would (tests).

    from core.tests.jobs import run_jobs
    request_report(...)          # enqueues its job in its transaction
    assert run_jobs() == 1       # runs it (and any job it enqueued), here and now

Jobs run one at a time in order (priority, then when due, then when enqueued), each through the worker's own
`run_task` (so the retry policy applies), until none is due. `until` runs jobs due by then too (a retry after
its backoff, a scheduled run); with `raise_errors` (the default) a job that raises makes `run_jobs` raise
`JobFailed` with the job's traceback, after the policy has been applied to its row.

Live-server tests (a page that waits for a job) take the `jobs_worker` fixture: a thread of the test process runs
due jobs as they come, like `truyxuat worker` beside `truyxuat serve`.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

WORKER_ID = "tests-run-jobs"


class JobFailed(AssertionError):
    """A job raised; the message is its task path and traceback."""


def due(until: dt.datetime | None = None) -> list[DBTaskResult]:
    """The READY jobs due by `until` (now), in the order a worker takes them."""
    by = until or timezone.now()
    return list(DBTaskResult.objects.filter(status="READY").filter(Q(run_after=get_date_max()) | Q(run_after__lte=by)))


def run_jobs(*, until: dt.datetime | None = None, raise_errors: bool = True, limit: int = 1000) -> int:
    """Run every due job (and those they enqueue) until none is due; returns how many runs were made."""
    from core.jobs.worker import Worker

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=WORKER_ID,
        excluded_queue_names=[],
    )
    ran = 0
    while ran < limit:
        by = until or timezone.now()
        row = DBTaskResult.objects.filter(status="READY").filter(Q(run_after=get_date_max()) | Q(run_after__lte=by))
        found = row.first()
        if found is None:
            return ran
        found.claim(WORKER_ID)
        worker.run_task(found)  # the row ends SUCCESSFUL, FAILED, or READY again for a retry
        ran += 1
        found.refresh_from_db()
        if raise_errors and found.traceback and found.status != "SUCCESSFUL":
            raise JobFailed(f"{found.task_path}: {found.traceback}")
    raise JobFailed(f"more than {limit} job runs: a job that enqueues itself for now?")


@contextmanager
def jobs_in_background(poll: float = 0.05) -> Iterator[list[BaseException]]:
    """Run due jobs in a thread until the block ends; yields the list of errors met (a failed job's included)."""
    stop = threading.Event()
    errors: list[BaseException] = []

    def loop() -> None:
        try:
            while not stop.is_set():
                try:
                    if not run_jobs():
                        stop.wait(poll)
                except Exception as exc:  # kept for the test to see; the loop goes on
                    errors.append(exc)
                    stop.wait(poll)
        finally:
            connection.close()

    thread = threading.Thread(target=loop, name="test-jobs", daemon=True)
    thread.start()
    try:
        yield errors
    finally:
        stop.set()
        thread.join(timeout=30)


@pytest.fixture
def jobs_worker() -> Iterator[list[BaseException]]:
    with jobs_in_background() as errors:
        yield errors

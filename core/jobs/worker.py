"""`truyxuat worker`'s machinery: django-tasks-db's `Worker`, with heartbeats, reclaiming and retries.

The loop, the claim (`SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, an exclusive transaction on SQLite) and
the run are django-tasks-db's; this module adds what `core.jobs` describes: `after_run` applies the task's retry
policy to a failed row, `reclaim` takes back jobs of workers that stopped beating, and a thread of the worker
writes its heartbeat (and notices when the process that started it is gone).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import socket
import threading
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker as DbWorker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from core.jobs import policy
from core.jobs.models import WorkerBeat

log = logging.getLogger("core.jobs")
READY, RUNNING, FAILED = "READY", "RUNNING", "FAILED"


def lease() -> dt.timedelta:
    """How long a worker may go without a heartbeat before its running job is taken back."""
    return dt.timedelta(seconds=float(settings.TRUYXUAT_JOB_LEASE_SECONDS))


def after_run(row_id: Any, now: dt.datetime | None = None) -> str:
    """Apply the task's retry policy to a row that has just run: a failure with attempts left is made READY
    again after the policy's backoff (its error kept on the row). Returns the row's status."""
    row = DBTaskResult.objects.filter(pk=row_id).first()
    if row is None or row.status != FAILED:
        return row.status if row is not None else ""
    rule = policy(row.task_path)
    failures = len(row.worker_ids)
    if failures >= rule.attempts:
        log.error("job %s (%s) failed for good after %d attempts", row.pk, row.task_path, failures)
        return FAILED
    when = (now or timezone.now()) + dt.timedelta(seconds=rule.delay(failures))
    DBTaskResult.objects.filter(pk=row.pk, status=FAILED).update(status=READY, run_after=when, finished_at=None)
    log.warning(
        "job %s (%s) failed (attempt %d of %d); again at %s", row.pk, row.task_path, failures, rule.attempts, when
    )
    return READY


def reclaim(now: dt.datetime | None = None, restarted: str = "") -> int:
    """Take back RUNNING jobs whose worker has not beaten within the lease (killed, frozen, its machine gone):
    READY again at once, or FAILED if that was their last attempt. Returns how many were taken back.

    `restarted`: a worker id starting now, whose RUNNING jobs were left by an earlier process under the same id
    (`--worker-id host-1` under systemd) and are taken back at once."""
    now = now or timezone.now()
    since = now - lease()
    alive = set(WorkerBeat.objects.filter(beat_at__gte=since).values_list("worker_id", flat=True)) - {restarted}
    taken = 0
    with exclusive_transaction(DBTaskResult.objects.db):
        stale = DBTaskResult.objects.filter(status=RUNNING).select_for_update(skip_locked=True)
        for row in stale:
            last = row.worker_ids[-1] if row.worker_ids else ""
            if last in alive or (last != restarted and row.started_at and row.started_at >= since):
                continue
            rule = policy(row.task_path)
            lost = f"worker {last or '?'} stopped beating during the job"
            if len(row.worker_ids) >= rule.attempts:
                fields: dict[str, Any] = {"status": FAILED, "finished_at": now}
            else:
                fields = {"status": READY, "run_after": now}
            DBTaskResult.objects.filter(pk=row.pk, status=RUNNING).update(
                exception_class_path="core.jobs.worker.WorkerLost", traceback=lost, **fields
            )
            log.warning("job %s (%s): %s; %s", row.pk, row.task_path, lost, fields["status"])
            taken += 1
    return taken


class Worker(DbWorker):
    """django-tasks-db's worker, beating, reclaiming, retrying, and leaving with the process that started it."""

    def __init__(self, *, parent_pid: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.parent_pid = parent_pid
        self.stop_beating = threading.Event()
        self.beat_seconds = max(0.2, lease().total_seconds() / 6)

    # -- heartbeat -----------------------------------------------------------------------------------------
    def beat(self) -> None:
        now = timezone.now()
        updated = WorkerBeat.objects.filter(pk=self.worker_id).update(beat_at=now)
        if not updated:
            WorkerBeat.objects.create(
                worker_id=self.worker_id, host=socket.gethostname()[:255], pid=os.getpid(), started_at=now, beat_at=now
            )

    def _beating(self) -> None:
        try:
            while not self.stop_beating.wait(self.beat_seconds):
                if self.parent_pid and os.getppid() != self.parent_pid:
                    log.warning("worker %s: the process that started it is gone; stopping", self.worker_id)
                    os.kill(os.getpid(), signal.SIGTERM)  # the main thread stops as on any SIGTERM
                    return
                try:
                    self.beat()
                    reclaim()  # on this thread too: a worker busy with a long job still frees a dead one's
                except Exception:  # a busy or unreachable database: the next beat tries again
                    log.warning("worker %s: heartbeat failed", self.worker_id, exc_info=True)
                finally:
                    connection.close()
        finally:
            connection.close()

    # -- the loop ------------------------------------------------------------------------------------------
    def run(self) -> None:
        reclaim(restarted=self.worker_id)  # what an earlier process under this id left RUNNING
        self.beat()
        beater = threading.Thread(target=self._beating, name="job-heartbeat", daemon=True)
        beater.start()
        try:
            reclaim()
            super().run()
        finally:
            self.stop_beating.set()
            beater.join(timeout=5)
            try:
                WorkerBeat.objects.filter(pk=self.worker_id).delete()
            except Exception:
                log.warning("worker %s: could not remove its heartbeat", self.worker_id, exc_info=True)

    def run_task(self, db_task_result: DBTaskResult) -> None:
        super().run_task(db_task_result)  # marks the row SUCCESSFUL or FAILED (never raises)
        after_run(db_task_result.pk)

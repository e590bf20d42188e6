"""Jobs outside the request: django-tasks with its database backend (`django_tasks_db`), plus what it lacks.

A service asks for a job by enqueuing a task inside its own `transaction.atomic` block: the job's row is written
on the same connection, so it commits with the write that asked for it, or not at all. `truyxuat worker`
(`core.jobs.worker`, django-tasks-db's worker with three additions) runs them:

- retries with backoff: a task declared with `@job(attempts=…, backoff=…)` that raises is made READY again
  `backoff × 2^(failures−1)` seconds later (at most `max_backoff`), until `attempts` runs have failed; the last
  error stays on the row (`exception_class_path`, `traceback`) meanwhile;
- a job whose worker died (SIGKILL, power loss) is run again: every worker writes a heartbeat
  (`jobs.WorkerBeat`) every few seconds, and a RUNNING job whose last worker has not beaten for
  `TRUYXUAT_JOB_LEASE_SECONDS` is made READY again by the others (or FAILED once its attempts are spent);
- it stops cleanly on SIGTERM (the running job finishes first) and when the process that started it is gone.

Jobs therefore run at least once: every job must be idempotent (look at what is done before doing it).
Tests run the due jobs in-process with `core.tests.jobs.run_jobs()`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django_tasks import task
from django_tasks.base import Task
from typing_extensions import ParamSpec

P = ParamSpec("P")
T = TypeVar("T")

__all__ = ["Policy", "enqueue_once", "job", "policy"]


@dataclass(frozen=True)
class Policy:
    """How often a job is tried and how long it waits after each failure."""

    attempts: int = 5
    backoff: float = 30.0
    max_backoff: float = 3600.0

    def delay(self, failures: int) -> float:
        """Seconds to wait after the `failures`-th failed run."""
        return float(min(self.backoff * 2 ** max(0, failures - 1), self.max_backoff))


DEFAULT = Policy()
_policies: dict[str, Policy] = {}


def job(
    *,
    attempts: int = DEFAULT.attempts,
    backoff: float = DEFAULT.backoff,
    max_backoff: float = DEFAULT.max_backoff,
    priority: int = 0,
    queue_name: str = "default",
) -> Callable[[Callable[P, T]], Task[P, T]]:
    """`django_tasks.task`, with the retry policy the worker applies when it raises."""

    def wrap(func: Callable[P, T]) -> Task[P, T]:
        made: Task[P, T] = task(priority=priority, queue_name=queue_name)(func)
        _policies[made.module_path] = Policy(attempts=max(1, attempts), backoff=backoff, max_backoff=max_backoff)
        return made

    return wrap


def policy(task_path: str) -> Policy:
    """The policy of a task by its path (its module is imported when its row is read)."""
    return _policies.get(task_path, DEFAULT)


def enqueue_once(made: Task[Any, Any], *, run_after: dt.datetime | None = None) -> bool:
    """Enqueue a task without arguments unless one is already waiting to run by `run_after` (None: now);
    whether a row was written. In the caller's transaction, like `Task.enqueue`."""
    from django.db.models import Q
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult, get_date_max

    by = run_after or timezone.now()
    waiting = DBTaskResult.objects.filter(status="READY", task_path=made.module_path)
    if waiting.filter(Q(run_after=get_date_max()) | Q(run_after__lte=by)).exists():
        return False
    (made.using(run_after=run_after) if run_after else made).enqueue()
    return True

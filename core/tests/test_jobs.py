"""Jobs (core.jobs): committed with the write that asks for them, retried with backoff, taken back from a dead
worker, run in-process by `run_jobs`."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.jobs import Policy, enqueue_once, job
from core.jobs.models import WorkerBeat
from core.jobs.worker import reclaim
from core.tests.jobs import JobFailed, run_jobs

pytestmark = pytest.mark.django_db
runs: list[str] = []


@job(attempts=3, backoff=10, max_backoff=15)
def flaky(name: str, failures: int) -> str:
    runs.append(name)
    if runs.count(name) <= failures:
        raise RuntimeError(f"{name} failed")
    return name


@job()
def once() -> None:
    runs.append("once")


@pytest.fixture(autouse=True)
def _clean() -> None:
    runs.clear()


def test_a_job_commits_with_the_write_that_asks_for_it() -> None:
    with pytest.raises(ValueError), transaction.atomic():
        flaky.enqueue("lost", 0)
        raise ValueError("the write fails")
    assert DBTaskResult.objects.count() == 0
    with transaction.atomic():
        result = flaky.enqueue("kept", 0)
    assert run_jobs() == 1
    row = DBTaskResult.objects.get(pk=result.id)
    assert (row.status, row.return_value, runs) == ("SUCCESSFUL", "kept", ["kept"])


def test_retries_with_backoff_then_succeeds() -> None:
    result = flaky.enqueue("twice", 2)
    start = timezone.now()
    with pytest.raises(JobFailed, match="twice failed"):
        run_jobs()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "READY" and row.exception_class_path == "builtins.RuntimeError"
    assert start + dt.timedelta(seconds=10) <= row.run_after <= timezone.now() + dt.timedelta(seconds=10)
    assert run_jobs() == 0  # not due yet
    assert run_jobs(until=start + dt.timedelta(seconds=11), raise_errors=False) == 1
    row.refresh_from_db()  # second failure: 20 s, capped at 15
    assert row.status == "READY" and row.run_after >= start + dt.timedelta(seconds=15)
    assert run_jobs(until=start + dt.timedelta(minutes=1)) == 1
    row.refresh_from_db()
    assert (row.status, len(row.worker_ids), row.traceback, runs) == ("SUCCESSFUL", 3, "", ["twice"] * 3)


def test_fails_for_good_after_its_attempts() -> None:
    result = flaky.enqueue("never", 9)
    assert run_jobs(until=timezone.now() + dt.timedelta(hours=1), raise_errors=False) == 3
    row = DBTaskResult.objects.get(pk=result.id)
    assert (row.status, len(row.worker_ids)) == ("FAILED", 3)
    assert "never failed" in row.traceback


def test_policy_backoff() -> None:
    rule = Policy(attempts=5, backoff=30, max_backoff=100)
    assert [rule.delay(n) for n in (1, 2, 3, 4)] == [30, 60, 100, 100]


def test_enqueue_once_skips_a_job_already_waiting() -> None:
    assert enqueue_once(once) is True
    assert enqueue_once(once) is False
    later = timezone.now() + dt.timedelta(minutes=5)
    assert enqueue_once(once, run_after=later) is False  # the one due now comes first
    assert run_jobs() == 1 and runs == ["once"]
    assert enqueue_once(once, run_after=later) is True
    assert enqueue_once(once, run_after=later + dt.timedelta(seconds=1)) is False


def test_a_dead_workers_job_is_taken_back(settings: object) -> None:
    now = timezone.now()
    old = now - dt.timedelta(minutes=5)
    dead = flaky.enqueue("dead", 0)
    alive = flaky.enqueue("alive", 0)
    spent = flaky.enqueue("spent", 0)
    WorkerBeat.objects.create(worker_id="w-dead", started_at=old, beat_at=old)
    WorkerBeat.objects.create(worker_id="w-alive", started_at=old, beat_at=now)
    DBTaskResult.objects.filter(pk=dead.id).update(status="RUNNING", started_at=old, worker_ids=["w-dead"])
    DBTaskResult.objects.filter(pk=alive.id).update(status="RUNNING", started_at=old, worker_ids=["w-alive"])
    DBTaskResult.objects.filter(pk=spent.id).update(status="RUNNING", started_at=old, worker_ids=["a", "b", "gone"])
    assert reclaim(now) == 2
    states = dict(DBTaskResult.objects.values_list("args_kwargs__args__0", "status"))
    assert states == {"dead": "READY", "alive": "RUNNING", "spent": "FAILED"}
    assert run_jobs() == 1 and runs == ["dead"]


def test_a_restarted_worker_takes_back_what_its_id_left_running() -> None:
    now = timezone.now()
    left = flaky.enqueue("left", 0)
    WorkerBeat.objects.create(worker_id="host-1", started_at=now, beat_at=now)  # the earlier process's last beat
    DBTaskResult.objects.filter(pk=left.id).update(status="RUNNING", started_at=now, worker_ids=["host-1"])
    assert reclaim(now) == 0  # its beat is fresh: it looks alive
    assert reclaim(now, restarted="host-1") == 1  # but a process starting under that id knows better
    assert DBTaskResult.objects.get(pk=left.id).status == "READY"

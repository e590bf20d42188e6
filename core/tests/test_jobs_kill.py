"""A worker killed with SIGKILL in the middle of a job: a second worker takes the job back once the first stops
beating (a lease of one second here) and finishes it; the effect is made once and the job succeeds once.

The first worker is a real `truyxuat worker` process on the test database; the second is the same `Worker` in a
thread of the test process (a second process would only add its start-up time)."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from core.jobs.models import WorkerBeat
from core.jobs.worker import Worker
from core.tests.jobtasks import effect_once
from core.tests.test_serve import ROOT, TRUYXUAT

pytestmark = pytest.mark.django_db(transaction=True)


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return "sqlite:///" + str(Path(db["NAME"]).resolve())
    user = quote(db["USER"] or "") + (":" + quote(db["PASSWORD"]) if db["PASSWORD"] else "")
    return f"postgres://{user}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def _worker(worker_id: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [*TRUYXUAT, "worker", "--worker-id", worker_id, "--no-startup-delay", "--interval", "0.1"]
    return subprocess.Popen(
        [*command, "--max-tasks", "1"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )


def _wait_for(path: Path, text: str, process: subprocess.Popen[bytes], seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while text not in (path.read_text() if path.exists() else ""):
        assert process.poll() is None, f"the worker ended (exit {process.returncode}) before: {text}"
        assert time.monotonic() < deadline, f"not seen within {seconds} s: {text}"
        time.sleep(0.05)


def test_a_job_killed_mid_run_is_finished_once_by_another_worker(tmp_path: Path, settings: object) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRUYXUAT_", "DJANGO_", "PYTEST_"))}
    env |= {
        "TRUYXUAT_DATABASE_URL": _database_url(),
        "TRUYXUAT_DATA_DIR": str(tmp_path / "data"),
        "TRUYXUAT_SECRET_KEY": "kill-test-" + "k" * 40,
        "TRUYXUAT_JOB_LEASE_SECONDS": "1",
    }
    result = effect_once.enqueue(str(tmp_path))
    first = _worker("killed-first", env)
    try:
        _wait_for(tmp_path / "log", f"start {first.pid}", first)
        first.send_signal(signal.SIGKILL)
        assert first.wait(timeout=10) == -signal.SIGKILL
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert DBTaskResult.objects.get(pk=result.id).status == "RUNNING"  # left so by the dead worker
    (tmp_path / "go").touch()
    settings.TRUYXUAT_JOB_LEASE_SECONDS = 1  # type: ignore[attr-defined]
    second = Worker(
        queue_names=["*"],
        interval=0.05,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=1,  # it ends once it has run the job
        worker_id="second",
        excluded_queue_names=[],
    )
    thread = threading.Thread(target=second.run)
    thread.start()
    thread.join(timeout=60)
    if thread.is_alive():
        second.running = False
        thread.join(timeout=10)
        raise AssertionError("the second worker did not take the job back within 60 s")
    row = DBTaskResult.objects.get(pk=result.id)
    assert (row.status, row.return_value, row.worker_ids) == ("SUCCESSFUL", "done", ["killed-first", "second"])
    log = (tmp_path / "log").read_text().split()
    here = str(os.getpid())
    assert log == ["start", str(first.pid), "start", here, "effect", here]
    assert (tmp_path / "done").read_text() == here
    assert list(WorkerBeat.objects.values_list("worker_id", flat=True)) == ["killed-first"]  # the second left

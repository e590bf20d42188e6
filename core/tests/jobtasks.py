"""A job for the kill test (core/tests/test_jobs_kill.py): it says when it starts, waits for a signal file, then
does its effect once (an exclusive create), however many times it is run."""

from __future__ import annotations

import os
import time
from pathlib import Path

from core.jobs import job


def _log(directory: Path, line: str) -> None:
    with open(directory / "log", "a") as out:
        out.write(line + "\n")


@job(attempts=3, backoff=1)
def effect_once(directory: str, wait_seconds: float = 120.0) -> str:
    place = Path(directory)
    _log(place, f"start {os.getpid()}")
    deadline = time.monotonic() + wait_seconds
    while not (place / "go").exists():  # the first run is killed here
        if time.monotonic() > deadline:
            raise TimeoutError("no go file")
        time.sleep(0.02)
    try:
        with open(place / "done", "x") as out:  # idempotent: the effect exists once whoever runs it
            out.write(str(os.getpid()))
    except FileExistsError:
        return "already done"
    _log(place, f"effect {os.getpid()}")
    return "done"

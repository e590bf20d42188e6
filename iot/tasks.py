"""The maintenance job (django-tasks, `truyxuat worker` runs it): downsampling and retention, end-of-stay EPCIS
summaries, silent-device alerts. It enqueues its own next run a minute later (one waiting at most: ingestion and
`truyxuat iot maintain` enqueue it too), so it keeps going while the worker runs. Idempotent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from core.jobs import enqueue_once, job
from iot import conditions, retention, stays

EVERY = dt.timedelta(seconds=60)


def run(now: dt.datetime | None = None) -> dict[str, Any]:
    """One maintenance pass (what the job does; tests call it directly)."""
    now = now or timezone.now()
    hours = retention.downsample(now)
    raw, minutes = retention.expire(now)
    partitions = retention.ensure_partitions(now)
    closed = stays.close_stays(now)
    silent = conditions.check_silent(now)
    return {
        "hours_aggregated": hours,
        "raw_deleted": raw,
        "minutes_deleted": minutes,
        "partitions": partitions,
        "stays": closed,
        "silent": silent,
    }


@job(attempts=3, backoff=30)
def maintain() -> dict[str, Any]:
    result = run()
    schedule()
    return result


def schedule(after: dt.timedelta = EVERY) -> bool:
    """Make sure a maintenance run is waiting (in the caller's transaction)."""
    return enqueue_once(maintain, run_after=timezone.now() + after)

"""The nightly analysis job (django-tasks, `truyxuat worker` runs it): a run of every detector with its progress
on `AnalysisRun`, then the next run enqueued for the next night at `NIGHT_HOUR` local time. Idempotent: a run
updates the flags of what it finds again rather than adding others. `truyxuat analyse --schedule` starts the
chain; `truyxuat analyse` runs once in the foreground."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.permissions import SYSTEM, Actor, is_agency_officer, require
from analysis import services
from analysis.models import AnalysisRun
from core.jobs import enqueue_once, job

NIGHT_HOUR = 2


def next_night(now: dt.datetime) -> dt.datetime:
    local = timezone.localtime(now)
    at = local.replace(hour=NIGHT_HOUR, minute=0, second=0, microsecond=0)
    return at if at > local else at + dt.timedelta(days=1)


@job(attempts=2, backoff=600)
def nightly() -> dict[str, Any]:
    run = services.run_analysis(actor=SYSTEM)
    schedule()
    return {"run": run.pk, "new": run.counts.get("new", 0)}


@job(attempts=2, backoff=60)
def analyse_run(run_id: int) -> dict[str, Any]:
    """A run an officer asked for from the dashboard (its row made by `services.request_run`)."""
    run = AnalysisRun.objects.get(pk=run_id)
    if run.status != "running" or run.progress:
        return {"run": run.pk, "skipped": True}  # done, or taken over (jobs run at least once)
    run = services.run_analysis(actor=SYSTEM, run=run)
    return {"run": run.pk, "new": run.counts.get("new", 0)}


def schedule(now: dt.datetime | None = None) -> bool:
    """Make sure tonight's (or tomorrow night's) run is waiting."""
    return enqueue_once(nightly, run_after=next_night(now or timezone.now()))


@transaction.atomic
def request_run(*, actor: Actor) -> AnalysisRun:
    """An officer asks for a run now: its row (audited) and its job, in one transaction; one at a time."""
    require(is_agency_officer(actor))
    waiting = AnalysisRun.objects.filter(status="running").first()
    if waiting is not None:
        return waiting
    run = services.start_run(actor=actor)
    analyse_run.enqueue(run.pk)
    return run

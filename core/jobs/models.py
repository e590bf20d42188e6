"""The workers' heartbeats: a job whose worker stopped beating is run again (`core.jobs.worker.reclaim`)."""

from __future__ import annotations

from django.db import models


class WorkerBeat(models.Model):
    """One row per running `truyxuat worker`, its `beat_at` moved every few seconds by a thread of the worker.

    django-tasks-db marks a claimed job RUNNING and nothing else: a worker killed mid-job would leave it so
    forever (RealOrangeOne/django-tasks-db#5). A RUNNING job whose last worker has no beat newer than the lease
    is taken back by the other workers."""

    worker_id = models.CharField(primary_key=True, max_length=64)
    host = models.CharField(max_length=255, default="")
    pid = models.IntegerField(default=0)
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "worker heartbeat"
        verbose_name_plural = "worker heartbeats"

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host}:{self.pid})"

"""`truyxuat subscriptions`: webhook deliveries without the job worker (`events.webhooks`).

`truyxuat worker` delivers already (the `deliver_due` job, enqueued by captures and subscriptions and by itself for
retries and schedules); this command is for a node that runs no worker, or for a look by hand. `--once` makes one
pass (a cron job), otherwise it runs until stopped, sleeping until the next retry or scheduled run (at most
`--idle` seconds). Both may run at once: a delivery is leased while it is POSTed."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone

from events.webhooks import next_wake, run_due


class Command(BaseCommand):
    help = "Deliver EPCIS subscription results: due webhook attempts, scheduled runs, new streamed events."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="One pass, then exit")
        parser.add_argument("--idle", type=float, default=30.0, help="Longest sleep between passes (seconds)")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            attempts = run_due()
            if options["once"]:
                self.stdout.write(f"{attempts} delivery attempt(s)")
                return
            wait = next_wake(timezone.now())
            connection.close()
            time.sleep(min(options["idle"], wait if wait is not None else options["idle"]) + 0.05)

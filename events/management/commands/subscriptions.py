"""`truyxuat subscriptions`: the webhook delivery worker in a process of its own (`events.webhooks`).

Each server process also delivers in a thread woken by captures; this command is for what no capture wakes:
scheduled subscriptions and retries after a restart. `--once` makes one pass (a cron job), otherwise it runs until
stopped, sleeping until the next retry or scheduled run (at most `--idle` seconds, to see new subscriptions)."""

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

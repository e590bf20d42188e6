"""`truyxuat national send`: queue a delivery job for every record waiting in the national portal's outbox.

Records queued while no endpoint was configured (`TRUYXUAT_NATIONAL_PORTAL_URL` empty) wait; once a province has
its credentials and sets the endpoint, this sends them (the receiver de-duplicates on the idempotency key).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from exchange.national.services import queue_waiting


class Command(BaseCommand):
    help = "Queue delivery jobs for the national portal records that wait (queued or retrying)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["send"])

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.TRUYXUAT_NATIONAL_PORTAL_URL:
            raise CommandError("TRUYXUAT_NATIONAL_PORTAL_URL is empty: nothing can be sent / chưa cấu hình địa chỉ.")
        self.stdout.write(f"{queue_waiting()} records queued for delivery")

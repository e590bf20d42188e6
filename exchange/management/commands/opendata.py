"""`truyxuat opendata release [--changes]`: write an open-data release; `truyxuat opendata push`: push what the
warehouse has not accepted now; `truyxuat opendata schedule`: start the periodic push job (the worker runs it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.permissions import SYSTEM
from exchange.choices import ReleaseKind
from exchange.opendata.push import push_due, schedule
from exchange.opendata.services import release


class Command(BaseCommand):
    help = "Write an open-data release: a full snapshot, or the changes since the last release (--changes)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["release", "push", "schedule"])
        parser.add_argument("--changes", action="store_true", help="only what changed since the last release")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] != "release" and not settings.TRUYXUAT_OPEN_DATA_PUSH_URL:
            raise CommandError("TRUYXUAT_OPEN_DATA_PUSH_URL is not set / chưa đặt nơi nhận dữ liệu mở")
        if options["action"] == "schedule":
            schedule(dt.timedelta(0))
            self.stdout.write(f"push job every {settings.TRUYXUAT_OPEN_DATA_PUSH_EVERY} s")
            return
        if options["action"] == "push":
            for p in push_due():
                self.stdout.write(f"release {p.release_id}: HTTP {p.http_status or '—'} {p.answer[:200]}")
            return
        kind = ReleaseKind.CHANGES if options["changes"] else ReleaseKind.SNAPSHOT
        try:
            rel = release(
                actor=SYSTEM, kind=kind, progress=lambda name, rows: self.stdout.write(f"  {name}: {rows} rows")
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"release {rel.pk} ({kind}) in {rel.directory}: {rel.files.count()} files")

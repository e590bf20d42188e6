"""`truyxuat opendata release [--changes]`: write an open-data release (cron: a snapshot nightly, changes hourly)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.permissions import SYSTEM
from exchange.choices import ReleaseKind
from exchange.opendata.services import release


class Command(BaseCommand):
    help = "Write an open-data release: a full snapshot, or the changes since the last release (--changes)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["release"])
        parser.add_argument("--changes", action="store_true", help="only what changed since the last release")

    def handle(self, *args: Any, **options: Any) -> None:
        kind = ReleaseKind.CHANGES if options["changes"] else ReleaseKind.SNAPSHOT
        try:
            rel = release(
                actor=SYSTEM, kind=kind, progress=lambda name, rows: self.stdout.write(f"  {name}: {rows} rows")
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"release {rel.pk} ({kind}) in {rel.directory}: {rel.files.count()} files")

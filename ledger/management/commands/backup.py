"""`truyxuat backup <file> [--passphrase-file F] [--force]`: one 0600 archive, encrypted with the passphrase
(`TRUYXUAT_BACKUP_PASSPHRASE` or the file), of the database, uploaded files (disk or object store) and the ledger key.

SQLite: the online backup API (a consistent copy while the server runs). PostgreSQL: ``pg_dump -Fc`` (Debian's
postgresql-client). See ``ledger/backup.py`` and the README's "Backups".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ledger.backup import BackupError, create_backup, describe, passphrase_from


class Command(BaseCommand):
    help = "Sao lưu CSDL, tệp tải lên và khoá sổ cái vào một tệp / back up the database, media and ledger key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the archive to write (created with mode 0600)")
        parser.add_argument(
            "--passphrase-file",
            type=Path,
            help="a file whose first line is the passphrase (default: TRUYXUAT_BACKUP_PASSPHRASE)",
        )
        parser.add_argument("--force", action="store_true", help="overwrite an existing file")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = create_backup(
                options["file"], passphrase=passphrase_from(options["passphrase_file"]), force=options["force"]
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(describe(summary)))

"""`truyxuat restore <file> [--force]`: put a `truyxuat backup` archive back, then run the ledger audit.

Refuses a database that already holds users, organisations or ledger leaves (and a different ledger key) unless
``--force``. Stop the server first. Exit 0: restored and the audit is clean; 2: restored but the audit found
problems (listed); 1: nothing restored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.cache import caches
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ledger.backup import BackupError, passphrase_from, restore_backup
from ledger.management.commands.ledger import write_audit


class Command(BaseCommand):
    help = "Khôi phục từ bản sao lưu rồi kiểm toán sổ cái / restore a backup, then run the ledger audit."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="an archive written by `truyxuat backup`")
        parser.add_argument(
            "--passphrase-file",
            type=Path,
            help="a file whose first line is the passphrase (default: TRUYXUAT_BACKUP_PASSPHRASE)",
        )
        parser.add_argument("--force", action="store_true", help="replace a database that already holds data")

    def handle(self, *args: Any, **options: Any) -> None:
        from ledger.audit import run_audit

        try:
            summary = restore_backup(
                options["file"], passphrase=passphrase_from(options["passphrase_file"]), force=options["force"]
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        caches["portal"].clear()  # cached public pages describe the database that was replaced
        key = "restored" if summary.ledger_key else "not in the archive"
        self.stdout.write(
            f"Đã khôi phục / restored the {summary.engine} database of {summary.created}, "
            f"{summary.media_files:,} media files, ledger key {key}"
        )
        write_audit(self, run_audit())

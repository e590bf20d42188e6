"""`truyxuat complaints escalate`: escalate unanswered complaints past their deadline (run it from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from complaints.services import escalate_overdue


class Command(BaseCommand):
    help = "Escalate unanswered consumer complaints past their response deadline (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["escalate"])

    def handle(self, *args: Any, **options: Any) -> None:
        count = escalate_overdue()
        self.stdout.write(f"escalated {count} complaint(s)")

"""`truyxuat analyse`: run the analysis now, printing each step's progress; `--schedule` queues the nightly job."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from accounts.permissions import SYSTEM
from analysis import services, tasks
from analysis.models import AnalysisRun


class Command(BaseCommand):
    help = "Phân tích số liệu: cân đối sản lượng, tem sao chép, bất thường, điểm chất lượng, dự báo."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--schedule", action="store_true", help="queue the nightly job instead of running")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schedule"]:
            queued = tasks.schedule()
            self.stdout.write("nightly analysis queued" if queued else "nightly analysis already queued")
            return

        def show(run: AnalysisRun) -> None:
            self.stdout.write(f"{run.progress:3d}% {run.step}")

        run = services.run_analysis(actor=SYSTEM, progress=show)
        self.stdout.write(f"100% done in {(run.finished_at - run.started_at).total_seconds():.1f} s")  # type: ignore[operator]
        for kind, n in sorted(run.counts.get("found", {}).items()):
            self.stdout.write(f"  {kind}: {n}")
        for step, seconds in run.counts.get("seconds", {}).items():
            self.stdout.write(f"  {step}: {seconds} s")

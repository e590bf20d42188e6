"""`truyxuat worker`: runs the jobs services enqueue (`core.jobs`), until SIGTERM or SIGINT.

django-tasks-db's `db_worker` with its options (`--queue-name`, `--interval`, `--batch`, `--max-tasks`,
`--worker-id`, …), run by `core.jobs.worker.Worker`: heartbeats, jobs of dead workers taken back, retries with
backoff. `--parent-pid` makes it stop when that process is gone (`truyxuat serve` starts it so)."""

from __future__ import annotations

import logging
import os
from typing import Any

from django_tasks_db.management.commands import db_worker

from core.jobs.worker import Worker


class Command(db_worker.Command):
    help = "Run the background jobs (reports, e-mails, webhook deliveries, …) stored in the database."

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.set_defaults(queue_name="*", reload=False)
        parser.add_argument("--parent-pid", type=int, default=None, help="Stop when this process is gone.")

    def handle(self, *args: Any, **options: Any) -> None:
        from core.diskmodes import make_private
        from core.jobs.worker import lease

        make_private()
        self.configure_logging(options["verbosity"])
        logging.getLogger("core.jobs").setLevel(logging.getLogger(db_worker.logger.name).level)
        if not logging.getLogger("core.jobs").hasHandlers():
            logging.getLogger("core.jobs").addHandler(logging.StreamHandler(self.stdout))
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        worker = Worker(
            queue_names=options["queue_name"].split(","),
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
            parent_pid=options["parent_pid"],
        )
        self.stdout.write(
            f"truyxuat worker {worker.worker_id} (pid {os.getpid()}; lease {lease().total_seconds():g} s)"
        )
        self.stdout.flush()
        worker.configure_signals()
        worker.run()

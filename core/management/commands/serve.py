"""`truyxuat serve`: the production server (gunicorn, static files through whitenoise)."""

from __future__ import annotations

import os
import socket
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the portal with gunicorn (not Django's development server)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("TRUYXUAT_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("TRUYXUAT_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("TRUYXUAT_WORKERS", "2")))
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("TRUYXUAT_THREADS", "2")),
            help="Threads per worker (2: at a fixed 1,000 req/s the lot page's p99 was 10-15 ms, against 17-35 ms "
            "with 4 threads contending for each worker's interpreter lock; same throughput).",
        )
        parser.add_argument("--no-collectstatic", action="store_true", help="Skip collecting static files.")
        parser.add_argument(
            "--no-access-log",
            action="store_true",
            default=os.environ.get("TRUYXUAT_ACCESS_LOG", "1") == "0",
            help="Do not write a line per request (benchmarks; a reverse proxy usually logs already).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from gunicorn.app.wsgiapp import WSGIApplication

        if not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        bind = f"{options['host']}:{options['port']}"
        self.stdout.write(f"truyxuat: http://{bind}/ ({options['workers']} workers × {options['threads']} threads)")
        argv = [
            "gunicorn",
            "truyxuat.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(options["workers"]),
            "--threads",
            str(options["threads"]),
            "--timeout",
            "120",
        ]
        if hasattr(socket, "SO_REUSEPORT"):
            # One listening socket per worker: the kernel spreads new connections evenly. With one shared
            # socket, a gthread worker accepts keep-alive connections while it has room, so one worker may
            # hold most clients while the other idles (measured: 900-2,500 req/s on the same page, run to run).
            argv.append("--reuse-port")
        if not options["no_access_log"]:
            argv += ["--access-logfile", "-"]
        import sys

        sys.argv = argv
        WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]").run()

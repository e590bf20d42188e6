"""`truyxuat serve`: the production server (Granian, static files through whitenoise), and its job worker.

Unless `--no-worker` (or `TRUYXUAT_SERVE_WORKER=0`: workers run elsewhere, e.g. their own systemd unit), it starts
one `truyxuat worker` as a child process; the two stop together (the worker also stops by itself if this
process dies, `--parent-pid`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the portal with Granian (not Django's development server)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("TRUYXUAT_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("TRUYXUAT_PORT", "8000")))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("TRUYXUAT_WORKERS", "2")),
            help="Worker processes (one per core).",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("TRUYXUAT_THREADS", "2")),
            help="Threads per worker running Django (2: a request waiting on the disk or the database write lock "
            "leaves the worker's other thread the core).",
        )
        parser.add_argument("--no-collectstatic", action="store_true", help="Skip collecting static files.")
        parser.add_argument(
            "--no-worker",
            action="store_true",
            default=os.environ.get("TRUYXUAT_SERVE_WORKER", "1") == "0",
            help="Do not start a job worker beside the server (run `truyxuat worker` on its own instead).",
        )
        parser.add_argument(
            "--no-access-log",
            action="store_true",
            default=os.environ.get("TRUYXUAT_ACCESS_LOG", "1") == "0",
            help="Do not write a line per request (benchmarks; a reverse proxy usually logs already).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from granian.constants import Interfaces
        from granian.server import Server

        from core.diskmodes import make_private

        make_private()  # the workers inherit it (already so when started by the `truyxuat` command)
        if not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        bind = f"{options['host']}:{options['port']}"
        self.stdout.write(f"truyxuat: http://{bind}/ ({options['workers']} workers × {options['threads']} threads)")
        self.stdout.flush()
        worker = None if options["no_worker"] else start_worker()
        sensors = start_sensors()
        try:
            self._serve(Server, Interfaces, options)
        finally:
            for process in sensors:
                stop_worker(process, timeout=5)
            if worker is not None:
                stop_worker(worker)

    def _serve(self, Server: Any, Interfaces: Any, options: dict[str, Any]) -> None:
        # Granian parses HTTP in Rust and hands Django a WSGI environ: about half gunicorn's CPU per request
        # (bench/README.md, "Serving").
        Server(
            "truyxuat.wsgi:application",
            address=options["host"],
            port=options["port"],
            interface=Interfaces.WSGI,
            workers=options["workers"],
            blocking_threads=options["threads"],
            websockets=False,
            log_access=not options["no_access_log"],
            respawn_failed_workers=True,  # as gunicorn's arbiter did: a worker that dies is replaced
            workers_kill_timeout=30,  # a worker that does not stop within 30 s of a shutdown is killed
        ).serve()


def start_sensors() -> list[subprocess.Popen[bytes]]:
    """Mosquitto (`truyxuat iot broker`) and the MQTT bridge (`truyxuat iot bridge`) beside the server, when
    TRUYXUAT_MQTT_AUTOSTART and Mosquitto is installed (`make run`); nothing otherwise."""
    from django.conf import settings

    if not settings.TRUYXUAT_MQTT_AUTOSTART or not (shutil.which("mosquitto") or os.path.exists("/usr/sbin/mosquitto")):
        return []
    command = [sys.executable, "-m", "truyxuat.manage", "iot"]
    return [subprocess.Popen([*command, "broker"]), subprocess.Popen([*command, "bridge"])]


def start_worker() -> subprocess.Popen[bytes]:
    """One `truyxuat worker`, stopping by itself if this process goes away."""
    command = [sys.executable, "-m", "truyxuat.manage", "worker", "--parent-pid", str(os.getpid())]
    return subprocess.Popen([*command, "--no-startup-delay"])


def stop_worker(worker: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    """SIGTERM (the running job finishes first), then SIGKILL after `timeout` (its job is then run again)."""
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()

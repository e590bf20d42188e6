"""Mosquitto kept in step with the device registry.

The platform writes the broker's password file (each active device's live credential hash, and the platform's own
user) and ACL file (a device may publish only to `truyxuat/d/<identifier>` and its sub-topics; the platform reads
them all), atomically (write, then rename), and sends the broker SIGHUP, which makes Mosquitto re-read both and
refuse a revoked device's next publish (and its next connection). `start()` runs a broker on loopback for
`make run`, tests and benchmarks with a config of our own.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from iot import conf
from iot.secrets import hash_secret

PLATFORM_USER = "truyxuat-platform"
TOPIC_ROOT = "truyxuat/d"


def _write(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text)
    os.chmod(tmp, 0o600)
    tmp.replace(path)


def render(devices: list[tuple[str, str]], platform_hash: str) -> tuple[str, str]:
    """(password file, ACL file) for `devices` = [(identifier, secret hash)] of active devices."""
    passwd = [f"{PLATFORM_USER}:{platform_hash}"] + [f"{ident}:{h}" for ident, h in devices]
    acl = [f"user {PLATFORM_USER}", f"topic read {TOPIC_ROOT}/#", ""]
    for ident, _h in devices:
        acl += [f"user {ident}", f"topic write {TOPIC_ROOT}/{ident}", f"topic write {TOPIC_ROOT}/{ident}/#", ""]
    return "\n".join(passwd) + "\n", "\n".join(acl)


def sync(directory: Path | None = None) -> int:
    """Write the password and ACL files from the registry and ask a running broker to reload them; returns how
    many devices may publish."""
    from iot.models import Credential

    directory = directory or conf.mqtt_dir()
    rows = list(
        Credential.objects.filter(revoked_at=None, device__status="active")
        .order_by("device__identifier")
        .values_list("device__identifier", "secret_hash")
    )
    write_files(directory, rows)
    reload(directory)
    return len(rows)


def write_files(directory: Path, rows: list[tuple[str, str]]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    platform_hash_file = directory / "platform.hash"
    if not platform_hash_file.exists():
        platform_hash_file.write_text(hash_secret(conf.bridge_secret(directory)))
    passwd, acl = render(rows, platform_hash_file.read_text().strip())
    _write(directory / "passwd", passwd)
    _write(directory / "acl", acl)


def reload(directory: Path) -> bool:
    pid_file = directory / "mosquitto.pid"
    try:
        pid = int(pid_file.read_text().strip())
        os.kill(pid, signal.SIGHUP)
    except (OSError, ValueError):
        return False
    return True


@dataclass
class Broker:
    process: subprocess.Popen[bytes]
    port: int
    directory: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
        with contextlib.suppress(OSError):
            (self.directory / "mosquitto.pid").unlink()


def available() -> bool:
    return shutil.which("mosquitto") is not None or Path("/usr/sbin/mosquitto").exists()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(directory: Path, port: int = 0, host: str = "127.0.0.1", from_registry: bool = True) -> Broker:
    """Run Mosquitto on `host:port` (0: a free port) with the registry's password and ACL files (or, without
    `from_registry`, the platform's user alone until the next `sync`); returns once it accepts connections.
    `directory` must be the MQTT directory the platform writes (`TRUYXUAT_MQTT_DIR`)."""
    port = port or free_port()
    if from_registry:
        sync(directory)
    else:
        write_files(directory, [])
    config = directory / "mosquitto.conf"
    config.write_text(
        f"listener {port} {host}\n"
        "allow_anonymous false\n"
        f"password_file {directory / 'passwd'}\n"
        f"acl_file {directory / 'acl'}\n"
        # the broker runs as whoever starts it (as root it would drop to `mosquitto`, who cannot read the
        # private data directory), so the password file stays 0600
        f"user {pwd.getpwuid(os.geteuid()).pw_name}\n"
        "persistence false\n"
        "max_queued_messages 100000\n"
        "max_inflight_messages 0\n"
        "log_dest stderr\nlog_type error\nlog_type warning\n"
    )
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    process = subprocess.Popen([binary, "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    (directory / "mosquitto.pid").write_text(str(process.pid))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"mosquitto exited with {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.2):
            return Broker(process, port, directory)
        time.sleep(0.02)
    process.kill()
    raise RuntimeError("mosquitto did not start listening")

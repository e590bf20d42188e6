"""Federated nodes on loopback for the tests and the benchmark: each a `federation.tests.node` process on its own
SQLite database (a copy of an already migrated one), keys, data dir and port."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = {
    "farm": ("Quảng Ngãi", 51, "0"),
    "roaster": ("Đắk Lắk", 66, "0"),
    "shop": ("TP. Hồ Chí Minh", 79, "0"),
    "hub": ("Cổng quốc gia", 1, "1"),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Node:
    role: str
    url: str
    process: subprocess.Popen[str]
    data: dict[str, Any]

    def send(self, op: str, **args: Any) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"op": op, "args": args}) + "\n")
        self.process.stdin.flush()

    def receive(self) -> Any:
        assert self.process.stdout is not None
        answer = json.loads(self.process.stdout.readline() or '{"ok": false, "error": "node stopped"}')
        if not answer["ok"]:
            raise AssertionError(f"{self.role}: {answer['error']}\n{answer.get('trace', '')}")
        return answer["result"]

    def run(self, op: str, **args: Any) -> Any:
        self.send(op, **args)
        return self.receive()

    def get(self, path: str, accept: str = "text/html", timeout: float = 60) -> tuple[int, dict[str, str], str]:
        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: Any, **kwargs: Any) -> None:
                return None

        opener = urllib.request.build_opener(NoRedirect)
        request = urllib.request.Request(self.url + path, headers={"Accept": accept})
        try:
            with opener.open(request, timeout=timeout) as answer:
                return answer.status, dict(answer.headers), answer.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read().decode()


def start(template: str, base: Path, roles: list[str]) -> dict[str, Node]:
    """Start a node per role from a copy of the migrated SQLite database `template`; wait until each answers."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRUYXUAT_", "DJANGO_"))}
    nodes: dict[str, Node] = {}
    with sqlite3.connect(template) as source:
        for role in roles:
            data_dir = base / role
            data_dir.mkdir(parents=True)
            with sqlite3.connect(data_dir / "truyxuat.sqlite3") as copy:
                source.backup(copy)
            port = free_port()
            name, province, hub = SETTINGS[role]
            node_env = env | {
                "TRUYXUAT_DATA_DIR": str(data_dir),
                "TRUYXUAT_SECRET_KEY": f"federation-{role}-" + "k" * 40,
                "TRUYXUAT_PORTAL_URL": f"http://127.0.0.1:{port}",
                "TRUYXUAT_LEDGER_ORIGIN": f"{role}.truyxuat.test/ledger",
                "TRUYXUAT_FEDERATION_NAME": name,
                "TRUYXUAT_PROVINCE_CODE": str(province),
                "TRUYXUAT_FEDERATION_HUB": hub,
                "TRUYXUAT_FEDERATION_TIMEOUT": "60",
                "NODE_PORT": str(port),
            }
            process = subprocess.Popen(
                [sys.executable, "-m", "federation.tests.node"],
                env=node_env,
                cwd=ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            nodes[role] = Node(role, f"http://127.0.0.1:{port}", process, {})
    for node in nodes.values():
        assert node.receive() == "ready"
        assert (
            node.get("/.well-known/truyxuat-node", timeout=180)[0] == 200
        )  # the URL map and views loaded before peers call
    return nodes


def migrated_template(directory: Path) -> str:
    """A migrated SQLite database for the benchmarks (the tests copy the run's template: core.tests.served)."""
    directory.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRUYXUAT_", "DJANGO_"))}
    env |= {"TRUYXUAT_DATA_DIR": str(directory), "TRUYXUAT_DEBUG": "1"}
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    return str(directory / "truyxuat.sqlite3")


def stop(nodes: dict[str, Node]) -> None:
    """End every node: its database is thrown away, so no graceful shutdown is waited for."""
    for node in nodes.values():
        if node.process.poll() is None:
            node.process.kill()
    for node in nodes.values():
        node.process.wait()
        for stream in (node.process.stdin, node.process.stdout):
            if stream is not None:
                stream.close()

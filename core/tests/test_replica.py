"""A streaming replica (`TRUYXUAT_DATABASE_REPLICA_URL`, core/replica.py) on a real PostgreSQL standby: made here by
`pg_basebackup -R` from the suite's PostgreSQL server (the primary: wal_level=replica, replication allowed from
loopback) and started on its own port. Public pages read from the replica; a writer reads its own writes from the
primary; a replica that lags too far serves nothing until it catches up. Runs in the PostgreSQL pass only (the
`pg_standby` fixture: root conftest.py)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test.utils import override_settings

from catalog.tests.factories import OrganizationFactory
from core import replica

pytestmark = pytest.mark.django_db(transaction=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pg_bin(name: str) -> str:
    return str(sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]))[-1])


def _as_postgres() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def _allow_in_this_test(alias: str) -> None:
    """Let this test's case use an alias added after it was set up: Django guards connections by the aliases a test
    case names (its `databases`, fixed when pytest-django set the case up, in the closure of its patched
    `ensure_connection`), and the replica's alias cannot be named before the standby exists."""
    patched = BaseDatabaseWrapper.ensure_connection
    cases = [c.cell_contents for c in patched.__closure__ or () if isinstance(c.cell_contents, type)]
    for case in cases:
        case.databases = frozenset({*case.databases, alias})


@pytest.fixture
def pg_standby(transactional_db: None) -> Iterator[dict[str, Any]]:
    """A hot standby of the suite's server, and the `replica` alias and router pointing at it (added after the test
    database is set up, so that pytest-django's guard on unnamed aliases does not cover it)."""
    primary = connection.settings_dict
    directory = Path(tempfile.mkdtemp(prefix="truyxuat-standby-"))
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres")
    data, port = directory / "data", _free_port()
    source = ["-h", str(primary["HOST"] or "127.0.0.1"), "-p", str(primary["PORT"] or 5432), "-U", "postgres"]
    subprocess.run(
        [*_as_postgres(), _pg_bin("pg_basebackup"), *source, "-D", str(data), "-R", "-X", "stream", "-c", "fast"],
        check=True,
        capture_output=True,
        timeout=300,
    )
    options = f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c hot_standby=on -c fsync=off"
    pg_ctl = [*_as_postgres(), _pg_bin("pg_ctl"), "-D", str(data)]
    subprocess.run([*pg_ctl, "-l", str(directory / "log"), "-w", "start", "-o", options], check=True, timeout=120)
    _allow_in_this_test("replica")
    connections.settings["replica"] = {**primary, "PORT": str(port), "TEST": {**primary["TEST"], "MIRROR": "default"}}
    try:
        routed = override_settings(
            DATABASE_ROUTERS=["core.replica.ReplicaRouter"], TRUYXUAT_REPLICA_MAX_LAG_SECONDS=3600.0
        )
        with routed:
            replica.forget_lag()
            yield {"port": port}
    finally:
        connections["replica"].close()
        del connections.settings["replica"]
        replica.forget_lag()
        subprocess.run([*pg_ctl, "-m", "immediate", "-w", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(directory, ignore_errors=True)


def _on_replica(sql: str) -> Any:
    with connections["replica"].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def _caught_up() -> None:
    """Wait until the standby has replayed everything the primary has committed so far. The insert position, not
    pg_current_wal_lsn() (the write position): the suite's server runs with synchronous_commit=off, so a commit
    returns before its record is written, and a standby that reached the write position may not yet have it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn()::text")
        target = cursor.fetchone()[0]
    deadline = time.monotonic() + 60
    while not _on_replica(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"):
        assert time.monotonic() < deadline, "the standby did not catch up"
        time.sleep(0.05)


def test_public_pages_read_the_replica_writers_their_own_writes_and_lag_falls_back(pg_standby, client, settings):
    first = OrganizationFactory(name="HTX Cà phê Đắk Tô")
    _caught_up()
    assert client.get("/to-chuc/").content.decode().count(first.name) == 1
    _on_replica("SELECT pg_wal_replay_pause()::text")
    second = OrganizationFactory(name="HTX Mì Quảng Sơn Tịnh")  # committed on the primary; not replayed

    # anyone: the replica serves (it has not replayed the second organisation)
    page = client.get("/to-chuc/").content.decode()
    assert first.name in page and second.name not in page
    assert client.cookies.get(replica.STICKY_COOKIE) is None

    # a writer: any write sets the sticky cookie, and the primary answers their next reads
    writer = type(client)()
    answer = writer.post("/to-chuc/")
    assert answer.cookies[replica.STICKY_COOKIE]["max-age"] == settings.TRUYXUAT_REPLICA_STICKY_SECONDS
    assert second.name in writer.get("/to-chuc/").content.decode()
    assert writer.get("/readyz").json() == {"database": "ok", "replica": "ok", "status": "ok"}

    # the replica too far behind: nobody is served from it until it catches up
    settings.TRUYXUAT_REPLICA_MAX_LAG_SECONDS = 0.2
    deadline = time.monotonic() + 30
    while replica.replica_lag() <= 0.2:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    replica.forget_lag()
    assert second.name in client.get("/to-chuc/").content.decode()  # the primary answered

    _on_replica("SELECT pg_wal_replay_resume()::text")
    _caught_up()
    # caught up: within the allowed lag again and serving. Not "lag 0": the suite's other worker writes to the same
    # server, so WAL keeps arriving and the replay is a fraction of a second behind at any instant.
    settings.TRUYXUAT_REPLICA_MAX_LAG_SECONDS = 5
    replica.forget_lag()
    assert replica.replica_fresh() is True
    assert second.name in client.get("/to-chuc/").content.decode()  # the replica again, caught up

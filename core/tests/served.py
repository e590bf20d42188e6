"""A migrated database for a test's own server processes, without paying `truyxuat migrate` each time.

Tests that start real servers (`truyxuat serve`, several nodes, a writer process) need a data dir whose database
is migrated. Migrating from nothing takes seconds per site; here a run migrates one template once (SQLite: a file
in a private temporary dir; PostgreSQL: a database `truyxuat_template_<run>` on the suite's server), shared by
pytest-xdist's workers under a file lock, and every site is a copy of it: SQLite's online backup API into the
site's data dir, PostgreSQL's `CREATE DATABASE … TEMPLATE …`. The template is a copy of the first worker's test
database right after pytest-django migrated it (`offer_template`, called from the root conftest's `django_db_setup`,
which the fixtures starting servers request), else made by the very `truyxuat migrate` a fresh install runs: either
way what that command would have left. Tests about start-up itself (file
modes, first migration) still run `migrate` on an empty data dir.

    env = server_env(tmp_path)                      # TRUYXUAT_DATA_DIR, a secret key, the suite's database URL
    env |= migrated_site(tmp_path, env, "node_a")   # copies the template; on PostgreSQL names the new database
    ...
    drop_site(env)                                  # PostgreSQL: drops the site's database (SQLite: nothing)
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
TRUYXUAT = [sys.executable, str(ROOT / "manage.py")]
DATABASE_FILE = "truyxuat.sqlite3"


def server_env(data_dir: Path, secret: str = "served-test") -> dict[str, str]:
    """The environment of a server process: none of the suite's own TRUYXUAT_/DJANGO_/PYTEST_ variables except the
    PostgreSQL server's URL (kept as the base of the site's database), a data dir and a secret key."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRUYXUAT_", "DJANGO_", "PYTEST_"))}
    env |= {"TRUYXUAT_DATA_DIR": str(data_dir), "TRUYXUAT_SECRET_KEY": f"{secret}-" + "k" * 40}
    url = os.environ.get("TRUYXUAT_DATABASE_URL", "")
    if url.startswith("postgres"):
        env["TRUYXUAT_DATABASE_URL"] = url
    return env


def _postgres(url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(statement)


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


def _migrate(env: Mapping[str, str]) -> None:
    done = subprocess.run(
        [*TRUYXUAT, "migrate", "--no-input", "-v0"],
        env={**env, "TRUYXUAT_DEBUG": "1"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr


def _run_key() -> int:
    """One template for the whole run: pytest-xdist's workers are children of one controller process (its pid is
    the key; `remove_templates` runs in it at the end), a run without xdist is one process."""
    return os.getppid() if os.environ.get("PYTEST_XDIST_WORKER") else os.getpid()


def _template_dir(key: int) -> Path:
    return Path(tempfile.gettempdir()) / f"truyxuat-template-{key}"


@contextmanager
def _template_lock() -> Iterator[Path]:
    """Held while a template is made or copied: the first worker to need it migrates, the others wait and copy."""
    directory = _template_dir(_run_key())
    directory.mkdir(mode=0o700, exist_ok=True)
    with open(directory / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield directory
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _copy_sqlite(source: Path, target: Path) -> None:
    """SQLite's online backup API: a consistent copy even while the source is open elsewhere."""
    original, copy = sqlite3.connect(source), sqlite3.connect(target)
    try:
        original.backup(copy)
    finally:
        copy.close()
        original.close()


def _sqlite_template(directory: Path, source: Path | None = None) -> Path:
    """The run's SQLite template: made once, a copy of `source` (a freshly migrated test database) if given, else
    by `truyxuat migrate`."""
    data = directory / "sqlite"
    if not (data / "migrated").exists():
        shutil.rmtree(data, ignore_errors=True)
        if source is None:
            _migrate(server_env(data) | {"TRUYXUAT_DATABASE_URL": ""})
        else:
            data.mkdir(mode=0o700)
            _copy_sqlite(source, data / DATABASE_FILE)
        (data / "migrated").touch()
    return data / DATABASE_FILE


def _postgres_template(directory: Path, server: str, source: str = "") -> str:
    """The run's PostgreSQL template on `server`: made once, from the database `source` (a freshly migrated test
    database) if given, else by `truyxuat migrate`."""
    name = f"truyxuat_template_{_run_key()}"
    marker = directory / f"migrated-{urlsplit(server).port}"
    if not marker.exists():
        _postgres(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        if source:
            _postgres(server, f"CREATE DATABASE {name} TEMPLATE {source}")
        else:
            _postgres(server, f"CREATE DATABASE {name}")
            data = directory / "postgres"  # the migrating process's data dir: start-up makes it private (0700)
            _migrate(server_env(data) | {"TRUYXUAT_DATABASE_URL": _with_database(server, name)})
        marker.write_text(server)
    return name


def offer_template(database: Mapping[str, object]) -> None:
    """Make the run's template from a worker's test database just after pytest-django migrated it (root conftest,
    `django_db_setup`), unless a template exists already: that database is what `migrate` leaves (the data
    migrations read no setting but the user model), and copying it costs a fraction of a second where migrating
    again took half a minute that both workers spent waiting at the start of each pass. Before any test ran, so
    nothing a test wrote (or a transactional test flushed) is in it."""
    with _template_lock() as directory:
        if database["ENGINE"] != "django.db.backends.postgresql":
            _sqlite_template(directory, source=Path(str(database["NAME"])))
            return
        server = os.environ.get("TRUYXUAT_DATABASE_URL", "")
        if server.startswith("postgres"):
            _postgres_template(directory, server, source=str(database["NAME"]))


def remove_templates() -> None:
    """End of the run (root conftest, in the controller): drop the PostgreSQL templates, remove the files."""
    directory = _template_dir(os.getpid())
    for marker in directory.glob("migrated-*"):
        server = marker.read_text()
        with suppress(Exception):  # the throwaway server may be gone already
            _postgres(server, f"DROP DATABASE IF EXISTS truyxuat_template_{os.getpid()} WITH (FORCE)")
    shutil.rmtree(directory, ignore_errors=True)


def migrated_site(data_dir: Path, env: Mapping[str, str], name: str) -> dict[str, str]:
    """Give the site a migrated database: on SQLite a copy of the template in `data_dir` (0700, the file 0600, as
    a start-up leaves them); on PostgreSQL (when `env` names a server) a new database `truyxuat_site_<name>_<xdist
    worker>` made from the template. Returns what to add to the site's environment."""
    data_dir.mkdir(parents=True, exist_ok=True)
    data_dir.chmod(0o700)
    server = env.get("TRUYXUAT_DATABASE_URL", "")
    with _template_lock() as directory:
        if server.startswith("postgres"):
            template = _postgres_template(directory, server)
            database = f"truyxuat_site_{name}_" + os.environ.get("PYTEST_XDIST_WORKER", "main")
            _postgres(server, f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
            _postgres(server, f"CREATE DATABASE {database} TEMPLATE {template}")
            return {"TRUYXUAT_DATABASE_URL": _with_database(server, database)}
        target = data_dir / DATABASE_FILE
        _copy_sqlite(_sqlite_template(directory), target)
    target.chmod(0o600)
    return {}


def drop_site(env: Mapping[str, str]) -> None:
    """Drop the PostgreSQL database `migrated_site` made for this environment (nothing to do on SQLite: the data
    dir is the test's temporary dir)."""
    url = env.get("TRUYXUAT_DATABASE_URL", "")
    database = urlsplit(url).path.lstrip("/")
    if url.startswith("postgres") and database.startswith("truyxuat_site_"):
        _postgres(_with_database(url, "postgres"), f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


def wait_until_serving(base: str, process: subprocess.Popen[bytes] | subprocess.Popen[str], seconds: int = 120) -> None:
    """Poll `base`/healthz until it answers 200. Generous: a loaded machine (CI beside other work) can take tens of
    seconds to start the workers, and polling costs nothing once it answers; a server that exits fails at once."""
    import time
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode} before answering /healthz")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"the server did not answer /healthz within {seconds} s")


def sqlite_template() -> Path:
    """The run's migrated SQLite template (made on first use), for tests that copy it into several data dirs
    themselves (the federation's nodes)."""
    with _template_lock() as directory:
        return _sqlite_template(directory)

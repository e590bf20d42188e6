"""Files on disk private: what this node writes (database, its WAL/SHM, uploads, caches, keys) is readable by the
server's own user only.

`make_private()` sets the umask to 077 at start-up (the `truyxuat` command, the WSGI application, `truyxuat serve`
and the workers it starts inherit it), so everything created afterwards is 0600/0700. `tighten()` fixes the modes
of files an older version left readable, where this process owns them. `exposed()` lists what is still group- or
world-accessible; `core.checks` reports it as an error of `truyxuat check`.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path
from typing import Any

PRIVATE_UMASK = 0o077
DIRECTORY_MODE = 0o700
FILE_MODE = 0o600
SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal", ".write-lock")


def make_private() -> None:
    os.umask(PRIVATE_UMASK)


def private_paths(settings: Any) -> list[Path]:
    """What must stay private: the data dir, the SQLite files, uploads, file caches, keys and stamp codes."""
    paths = [Path(settings.DATA_DIR), Path(settings.MEDIA_ROOT), Path(settings.DATA_DIR) / "secret_key"]
    for database in settings.DATABASES.values():
        if database.get("ENGINE") == "django.db.backends.sqlite3" and str(database.get("NAME", "")) not in (
            "",
            ":memory:",
        ):
            paths += [Path(f"{database['NAME']}{suffix}") for suffix in SQLITE_SUFFIXES]
    for cache in settings.CACHES.values():
        if cache.get("BACKEND", "").endswith("FileBasedCache"):
            paths.append(Path(cache["LOCATION"]))
    paths.append(Path(settings.TRUYXUAT_LEDGER_KEY_FILE))
    paths.append(Path(settings.TRUYXUAT_STAMP_CODES_DIR))
    unique: list[Path] = []
    for path in paths:
        if path not in unique:
            unique.append(path)
    return unique


def exposed(paths: list[Path]) -> list[tuple[Path, int]]:
    """(path, mode) of each existing path that its group or others may read, write or enter."""
    found = []
    for path in paths:
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except OSError:
            continue
        if mode & 0o077:
            found.append((path, mode))
    return found


def tighten(settings: Any) -> list[Path]:
    """chmod the exposed private paths that this process owns (0700 directories, 0600 files); returns them."""
    fixed = []
    for path, _mode in exposed(private_paths(settings)):
        try:
            info = path.stat()
            if info.st_uid != os.geteuid():
                continue
            path.chmod(DIRECTORY_MODE if stat.S_ISDIR(info.st_mode) else FILE_MODE)
        except OSError:
            continue
        fixed.append(path)
    return fixed


def start_up() -> None:
    """Called first by each entry point: private umask, then the modes of existing files (once settings load)."""
    make_private()
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    with contextlib.suppress(ImproperlyConfigured):  # no secret key outside debug: the command itself says so
        tighten(settings)

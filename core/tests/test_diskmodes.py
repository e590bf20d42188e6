"""Files on disk private: a real start-up (`truyxuat migrate` in a process of its own, started with umask 022)
leaves the data dir 0700 and the database 0600, fixes older 0644/0755 modes, and `truyxuat check` reports
group- or world-readable files as core.E101."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from core import checks, diskmodes

ROOT = Path(__file__).resolve().parents[2]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _truyxuat(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRUYXUAT_", "PYTEST_", "DJANGO_"))}
    env.update(TRUYXUAT_DEBUG="1", TRUYXUAT_DATA_DIR=str(data_dir))  # SQLite in the data dir
    code = f"import sys; sys.argv = ['truyxuat', *{list(args)!r}]; from truyxuat.manage import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, umask=0o022
    )


def test_start_up_creates_private_files_and_fixes_old_modes(tmp_path):
    data = tmp_path / "data"
    # any command's start-up; migrating one small app is enough to create the database (the whole schema's
    # migration took twenty seconds and proved nothing more about file modes)
    done = _truyxuat(data, "migrate", "contenttypes", "--no-input", "-v", "0")
    assert done.returncode == 0, done.stderr
    database = data / "truyxuat.sqlite3"
    assert _mode(data) == 0o700
    assert _mode(database) == 0o600
    assert _mode(data / "static") == 0o700
    for suffix in ("-wal", "-shm"):  # present while a connection is open; created with the umask when they are
        side = Path(f"{database}{suffix}")
        if side.exists():
            assert _mode(side) == 0o600
    # as an older version left them: readable by everyone
    database.chmod(0o644)
    data.chmod(0o755)
    key = data / "ledger-signer.key"
    key.write_text("x")
    key.chmod(0o644)
    checked = _truyxuat(data, "check")
    assert checked.returncode == 0, checked.stderr
    assert "no issues" in checked.stdout
    assert (_mode(data), _mode(database), _mode(key)) == (0o700, 0o600, 0o600)


def test_check_reports_readable_files(db, tmp_path, settings):
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir(mode=0o700)
    settings.MEDIA_ROOT = settings.DATA_DIR / "media"
    settings.MEDIA_ROOT.mkdir(mode=0o700)
    key = settings.DATA_DIR / "ledger-signer.key"
    key.write_text("secret")
    key.chmod(0o600)
    settings.TRUYXUAT_LEDGER_KEY_FILE = key
    mine = {str(key), str(settings.DATA_DIR), str(settings.MEDIA_ROOT)}
    assert [e for e in checks.private_files() if e.obj in mine] == []
    key.chmod(0o644)
    settings.MEDIA_ROOT.chmod(0o750)
    errors = {e.obj: e for e in checks.private_files() if e.obj in mine}
    assert sorted(errors) == sorted([str(key), str(settings.MEDIA_ROOT)])
    error = errors[str(key)]
    assert error.id == "core.E101"
    assert error.level == 40  # Error
    assert error.msg.startswith(f"{key} có quyền 644: nhóm hoặc người dùng khác trên máy đọc được")
    assert f"/ {key} has mode 644: readable by its group or by other users" in error.msg
    assert error.hint.startswith(f"chmod 600 {key} ")
    assert errors[str(settings.MEDIA_ROOT)].hint.startswith(f"chmod 700 {settings.MEDIA_ROOT} ")
    with pytest.raises(SystemCheckError, match=r"core\.E101"):
        call_command("check", "--deploy")


def test_tighten_fixes_what_this_process_owns(tmp_path, settings):
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir(mode=0o755)
    settings.DATA_DIR.chmod(0o755)
    settings.MEDIA_ROOT = settings.DATA_DIR / "media"
    cache = settings.DATA_DIR / "cache" / "portal"
    cache.mkdir(parents=True)
    cache.chmod(0o755)
    settings.CACHES = {
        **settings.CACHES,
        "portal": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(cache)},
    }
    fixed = diskmodes.tighten(settings)
    assert settings.DATA_DIR in fixed and cache in fixed
    assert (_mode(settings.DATA_DIR), _mode(cache)) == (0o700, 0o700)

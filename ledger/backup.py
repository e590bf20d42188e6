"""Backups that keep the ledger verifiable: ``truyxuat backup <file>`` and ``truyxuat restore <file>``.

One archive (a tar file, encrypted with a passphrase by ``ledger.sealing``, created 0600) holds ``manifest.json``,
the database, the uploaded files under ``media/`` (read through the storage API: the local disk or the object
store) and the ledger signing key. The database is copied by the engine's own tools, which keep every value exactly:
SQLite's online backup API (a consistent copy of a live database, writers go on meanwhile) and PostgreSQL's
``pg_dump -Fc`` / ``pg_restore``. Django's ``dumpdata``/``loaddata`` is not a backup: it rounds datetimes to
milliseconds, so thousands of ledgered records no longer hash to their leaves and the ledger audit fails.

It lives in the ledger app because what makes a copy a backup here is that it passes the ledger audit, which a
restore runs before it reports success; the ledger imports no domain app, so neither does this.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, cast

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, default_storage
from django.db import connection, transaction

from ledger.sealing import SealError, seal, unseal

FORMAT = "truyxuat-backup/1"
MANIFEST = "manifest.json"
KEY_MEMBER = "ledger-signer.key"
MEDIA_PREFIX = "media/"
DB_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
# Tables whose rows mean real data (people, organisations, ledger): a database with none of them is "empty",
# even when migrations have filled the reference tables (priority catalogue, content types, permissions).
DATA_TABLES = ("accounts_user", "catalog_organization", "ledger_ledgerleaf")
PG_TIMEOUT = 6 * 3600


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator (Vietnamese / English)."""


@dataclass
class BackupSummary:
    path: Path
    engine: str
    database_bytes: int
    media_files: int
    ledger_key: bool
    ledger_leaves: int


def engine() -> str:
    vendor = connection.vendor
    if vendor not in DB_MEMBERS:
        raise BackupError(f"Không hỗ trợ sao lưu CSDL {vendor} / unsupported database engine {vendor}")
    return vendor


def database_is_empty() -> bool:
    """True when none of :data:`DATA_TABLES` has a row (a new or freshly migrated database)."""
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in DATA_TABLES:
            if table in existing:
                cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
                if cursor.fetchone():
                    return False
    return True


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _private_file(path: Path) -> Path:
    """Create ``path`` empty with mode 0600 (whatever the umask), refusing to follow or reuse a file."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600))
    os.chmod(path, 0o600)
    return path


@contextmanager
def _staging(near: Path) -> Iterator[Path]:
    """A private (0700) scratch directory beside ``near``, removed afterwards."""
    path = Path(tempfile.mkdtemp(prefix=".truyxuat-backup-", dir=near))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]))
    if candidates:
        return str(candidates[-1])
    raise BackupError(
        f"Thiếu công cụ {name} (gói postgresql-client) / {name} not found: install Debian's postgresql-client"
    )


def _pg_args() -> tuple[list[str], dict[str, str]]:
    s = connection.settings_dict
    args = ["--dbname", s["NAME"], "--no-password"]
    if s.get("HOST"):
        args += ["--host", str(s["HOST"])]
    if s.get("PORT"):
        args += ["--port", str(s["PORT"])]
    if s.get("USER"):
        args += ["--username", str(s["USER"])]
    env = dict(os.environ)
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    return args, env


def _run(cmd: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=PG_TIMEOUT, check=False)
    if result.returncode != 0:
        raise BackupError(f"{Path(cmd[0]).name} thất bại / failed ({result.returncode}): {result.stderr.strip()}")


def _dump_database(kind: str, target: Path) -> int:
    """Copy the database to ``target``; the number of ledger leaves in that copy."""
    if kind == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(_private_file(target))
        try:
            # one step (pages=-1): a consistent snapshot; in WAL mode writers are not blocked meanwhile
            connection.connection.backup(destination)
            return int(destination.execute("SELECT count(*) FROM ledger_ledgerleaf").fetchone()[0])
        finally:
            destination.close()
    _private_file(target)
    args, env = _pg_args()
    # pg_dump reads the snapshot of our open transaction, so the count below is that of the dump
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot(), (SELECT count(*) FROM ledger_ledgerleaf)")
        snapshot, leaves = cursor.fetchone()
        dump = [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-acl", f"--snapshot={snapshot}"]
        _run([*dump, "--file", str(target), *args], env)
    return int(leaves)


def _stored_names(storage: Storage, directory: str = "") -> list[str]:
    """Every file name under ``directory`` of a storage (the object store's keys), sorted."""
    dirs, files = storage.listdir(directory)
    names = [f"{directory}/{name}" if directory else name for name in files]
    for sub in dirs:
        names += _stored_names(storage, f"{directory}/{sub}" if directory else sub)
    return sorted(names)


def _media_files(stage: Path) -> list[tuple[str, Path]]:
    """(archive name, local file) of every upload; from an object store, each is downloaded into ``stage``."""
    storage = default_storage
    if isinstance(storage, FileSystemStorage):  # default_storage is lazy, and passes isinstance as what it wraps
        root = Path(settings.MEDIA_ROOT)
        if not root.is_dir():
            return []
        return [
            (MEDIA_PREFIX + path.relative_to(root).as_posix(), path)
            for path in sorted(root.rglob("*"))
            if path.is_file() and not path.is_symlink()
        ]
    found = []
    for index, name in enumerate(_stored_names(storage)):
        local = _private_file(stage / f"media-{index}")
        with storage.open(name, "rb") as src, local.open("wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        found.append((MEDIA_PREFIX + name, local))
    return found


def _add(tar: tarfile.TarFile, name: str, path: Path) -> None:
    info = tar.gettarinfo(str(path), arcname=name)
    info.mode, info.uid, info.gid, info.uname, info.gname = 0o600, 0, 0, "", ""
    with path.open("rb") as f:
        tar.addfile(info, f)


def create_backup(path: Path, *, passphrase: str, force: bool = False) -> BackupSummary:
    """Write the archive to ``path`` (mode 0600, sealed with ``passphrase``); an existing file is kept unless
    ``force``."""
    if not passphrase:
        raise BackupError("Thiếu mật khẩu sao lưu / a backup passphrase is required")
    kind = engine()
    path = path.resolve()
    if path.exists() and not force:
        raise BackupError(f"Tệp {path} đã có; dùng --force để ghi đè / {path} exists: use --force to overwrite it")
    if not path.parent.is_dir():
        raise BackupError(f"Không có thư mục {path.parent} / no directory {path.parent}")
    key = Path(settings.TRUYXUAT_LEDGER_KEY_FILE)
    with _staging(path.parent) as stage:
        db_file = stage / DB_MEMBERS[kind]
        leaves = _dump_database(kind, db_file)
        members = [(DB_MEMBERS[kind], db_file), *_media_files(stage)]
        if key.is_file():
            members.append((KEY_MEMBER, key))
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "engine": kind,
            "created": dt.datetime.now(dt.UTC).isoformat(),
            "database": DB_MEMBERS[kind],
            "ledger_origin": settings.TRUYXUAT_LEDGER_ORIGIN,
            "ledger_leaves": leaves,
            "media_files": sum(1 for name, _ in members if name.startswith(MEDIA_PREFIX)),
            "ledger_key": key.is_file(),
            "sha256": {name: _sha256(p) for name, p in members},
        }
        manifest_file = _private_file(stage / MANIFEST)
        manifest_file.write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
        plain = _private_file(stage / "archive.tar")
        with tarfile.open(plain, "w", format=tarfile.PAX_FORMAT) as tar:
            _add(tar, MANIFEST, manifest_file)
            for name, member in members:
                _add(tar, name, member)
        database_bytes = db_file.stat().st_size
        partial = _private_file(path.parent / f".{path.name}.{os.getpid()}.partial")
        try:
            seal(plain, partial, passphrase)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        os.replace(partial, path)  # same directory: the archive appears whole or not at all
    os.chmod(path, 0o600)
    return BackupSummary(
        path, kind, database_bytes, manifest["media_files"], manifest["ledger_key"], manifest["ledger_leaves"]
    )


# -- restore --------------------------------------------------------------------------------------------------


def _safe_media_path(name: str) -> PurePosixPath:
    rel = PurePosixPath(name[len(MEDIA_PREFIX) :])
    if rel.is_absolute() or not rel.parts or any(part in ("", ".", "..") for part in rel.parts):
        raise BackupError(f"Tên tệp không hợp lệ trong bản sao lưu / unsafe path in the archive: {name!r}")
    return rel


def read_archive(path: Path, stage: Path) -> dict[str, Any]:
    """Unpack ``path`` into ``stage`` (files 0600) after checking the manifest and every member's SHA-256."""
    if not tarfile.is_tarfile(path):
        raise BackupError(f"Không phải bản sao lưu truyxuat / not a truyxuat backup: {path}")
    with tarfile.open(path, "r") as tar:
        try:
            manifest = json.loads(tar.extractfile(MANIFEST).read())  # type: ignore[union-attr]
        except (KeyError, AttributeError, ValueError) as exc:
            raise BackupError(f"Không phải bản sao lưu truyxuat / not a truyxuat backup: {path}") from exc
        if manifest.get("format") != FORMAT:
            raise BackupError(f"Định dạng không hỗ trợ / unsupported backup format {manifest.get('format')!r}")
        expected: dict[str, str] = manifest["sha256"]
        seen: set[str] = set()
        for info in tar.getmembers():
            if info.name == MANIFEST:
                continue
            if info.name not in expected or not info.isfile():
                raise BackupError(f"Tệp lạ trong bản sao lưu / unexpected member {info.name!r}")
            if info.name.startswith(MEDIA_PREFIX):
                _safe_media_path(info.name)
            target = _private_file(stage / f"m{len(seen)}")
            digest = hashlib.sha256()
            with tar.extractfile(info) as src, target.open("wb") as dst:  # type: ignore[union-attr]
                for block in iter(lambda: src.read(1 << 20), b""):
                    digest.update(block)
                    dst.write(block)
            if digest.hexdigest() != expected[info.name]:
                raise BackupError(f"Bản sao lưu bị hỏng / corrupt archive: {info.name} does not match its SHA-256")
            manifest.setdefault("_staged", {})[info.name] = str(target)
            seen.add(info.name)
        missing = set(expected) - seen
        if missing:
            raise BackupError(f"Bản sao lưu thiếu tệp / archive is missing {sorted(missing)}")
    return manifest


def _restore_postgres(staged: Path) -> None:
    """pg_restore's SQL streamed into psql inside one transaction that first empties the ``public`` schema and
    commits only when pg_restore and every statement succeeded: otherwise the database stays as it was."""
    args, env = _pg_args()
    with tempfile.TemporaryFile() as restore_err, tempfile.TemporaryFile() as psql_out:
        restore = subprocess.Popen(
            [_pg_tool("pg_restore"), "--no-owner", "--no-acl", "--file", "-", str(staged)],
            stdout=subprocess.PIPE,
            stderr=restore_err,
            env=env,
        )
        psql = subprocess.Popen(
            [_pg_tool("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", *args],
            stdin=subprocess.PIPE,
            stdout=psql_out,
            stderr=subprocess.STDOUT,
            env=env,
        )
        assert restore.stdout is not None and psql.stdin is not None
        try:
            psql.stdin.write(b"BEGIN;\nDROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n")
            shutil.copyfileobj(restore.stdout, psql.stdin, 1 << 20)
            restore_rc = restore.wait(timeout=PG_TIMEOUT)
            if restore_rc == 0:
                psql.stdin.write(b"COMMIT;\n")
            psql.stdin.close()  # without COMMIT psql ends and the server rolls the transaction back
        except BrokenPipeError:
            restore.kill()  # psql stopped at an error (ON_ERROR_STOP): its output says which
            restore_rc = restore.wait(timeout=PG_TIMEOUT)
        restore.stdout.close()
        psql_rc = psql.wait(timeout=PG_TIMEOUT)
        for name, rc, output in (("psql", psql_rc, psql_out), ("pg_restore", restore_rc, restore_err)):
            if rc != 0:
                output.seek(0)
                text = output.read().decode("utf-8", "replace").strip()
                raise BackupError(f"{name} thất bại, CSDL giữ nguyên / failed, database unchanged ({rc}): {text}")


def _load_database(kind: str, staged: Path) -> None:
    if kind == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(staged)
        try:
            # one step, in one write transaction on the destination: every page replaced at once, or none
            source.backup(connection.connection)
        except sqlite3.Error as exc:
            raise BackupError(f"SQLite thất bại, CSDL giữ nguyên / failed, database unchanged: {exc}") from exc
        finally:
            source.close()
        name = str(connection.settings_dict["NAME"])
        for suffix in ("", "-wal", "-shm"):
            if Path(name + suffix).is_file():
                os.chmod(name + suffix, 0o600)
        return
    connection.close()  # our own session must not hold locks on the tables psql drops
    _restore_postgres(staged)


def _write_private(target: Path, source: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = target.with_name(f".{target.name}.restoring")
    partial.unlink(missing_ok=True)
    _private_file(partial)
    with source.open("rb") as src, partial.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    os.replace(partial, target)


@dataclass
class RestoreSummary:
    engine: str
    media_files: int
    ledger_key: bool
    created: str


def _restore_media(name: str, staged: Path) -> None:
    """An upload back under its own name: 0600 on the local disk, or the same key in the object store."""
    rel = _safe_media_path(name)
    storage = default_storage
    if isinstance(storage, FileSystemStorage):  # default_storage is lazy, and passes isinstance as what it wraps
        _write_private(Path(settings.MEDIA_ROOT) / rel, staged)
        return
    with staged.open("rb") as f:
        # `_save`, not `save`: the stored name is kept exactly (`save` would choose a new random directory)
        cast(Any, storage)._save(rel.as_posix(), File(f))  # every concrete storage has it; the base declares none


def unseal_archive(path: Path, stage: Path, passphrase: str) -> Path:
    """The plain tar of a sealed archive, decrypted into ``stage``."""
    if not passphrase:
        raise BackupError("Thiếu mật khẩu sao lưu / a backup passphrase is required")
    if not path.is_file():
        raise BackupError(f"Không có tệp {path} / no such file {path}")
    plain = _private_file(stage / "archive.tar")
    try:
        unseal(path, plain, passphrase)
    except SealError as exc:
        raise BackupError(
            f"Không mở được bản sao lưu (sai mật khẩu hoặc tệp bị sửa) / not a truyxuat backup, a wrong passphrase "
            f"or an altered file: {path} ({exc})"
        ) from exc
    return plain


def restore_backup(path: Path, *, passphrase: str, force: bool = False) -> RestoreSummary:
    """Put the archive's database, files and key in place (the caller runs the audit and reports)."""
    kind = engine()
    key = Path(settings.TRUYXUAT_LEDGER_KEY_FILE)
    if not path.is_file():
        raise BackupError(f"Không có tệp {path} / no such file {path}")
    with _staging(Path(settings.DATA_DIR) if Path(settings.DATA_DIR).is_dir() else path.parent) as stage:
        manifest = read_archive(unseal_archive(path, stage, passphrase), stage)
        staged = {name: Path(p) for name, p in manifest.pop("_staged").items()}
        if manifest["engine"] != kind:
            raise BackupError(
                f"Bản sao lưu của {manifest['engine']}, CSDL hiện tại là {kind} / "
                f"the archive holds a {manifest['engine']} database, this node runs {kind}"
            )
        # every refusal before anything is written
        if not force and not database_is_empty():
            raise BackupError(
                "CSDL đã có dữ liệu; dùng --force để ghi đè / the database is not empty: use --force to replace it"
            )
        if KEY_MEMBER in staged and key.is_file() and not force and key.read_bytes() != staged[KEY_MEMBER].read_bytes():
            raise BackupError(
                f"Đã có khoá sổ cái khác tại {key}; dùng --force để thay / a different ledger key exists at {key}: "
                "use --force to replace it"
            )
        _load_database(kind, staged[manifest["database"]])
        connection.close()
        media = [name for name in staged if name.startswith(MEDIA_PREFIX)]
        for name in media:
            _restore_media(name, staged[name])
        if KEY_MEMBER in staged:
            _write_private(key, staged[KEY_MEMBER])
    return RestoreSummary(kind, len(media), KEY_MEMBER in staged, manifest["created"])


def passphrase_from(file: Path | None) -> str:
    """The passphrase: the first line of ``file`` (mode 0600 advised), else ``TRUYXUAT_BACKUP_PASSPHRASE``."""
    if file is not None:
        try:
            return file.read_text(encoding="utf-8").splitlines()[0] if file.stat().st_size else ""
        except OSError as exc:
            raise BackupError(f"Không đọc được {file} / cannot read {file}: {exc}") from exc
    return os.environ.get("TRUYXUAT_BACKUP_PASSPHRASE", "")


def describe(summary: BackupSummary) -> str:
    key = "included" if summary.ledger_key else "MISSING (none on this node)"
    return (
        f"Đã sao lưu / backed up {summary.engine}: {summary.database_bytes:,} bytes, "
        f"{summary.ledger_leaves:,} ledger leaves, {summary.media_files:,} media files, ledger key {key} "
        f"→ {summary.path}"
    )

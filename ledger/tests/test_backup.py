"""`truyxuat backup` / `truyxuat restore` on the database the suite runs on (SQLite here, PostgreSQL under
scripts/with-postgres.sh): a restored copy passes the ledger audit, files come back identical and private, the
archive is encrypted (a wrong passphrase restores nothing), uploads in the object store come back there."""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import tarfile
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from catalog.models import Lot
from core.tests.s3 import s3_endpoint, s3_storage  # noqa: F401  (fixtures)
from ledger.audit import run_audit
from ledger.backup import MANIFEST, BackupError, database_is_empty, read_archive, unseal_archive
from ledger.models import LedgerCheckpoint, LedgerLeaf
from ledger.sealing import MAGIC, seal

pytestmark = pytest.mark.django_db(transaction=True)
PASSPHRASE = "mật khẩu sao lưu của tỉnh"

MEDIA = {
    "products/2026/11/ca-phe.jpg": b"\xff\xd8\xff\xe0 not really a jpeg \x00\x01" * 50,
    "reports/2026/bao-cao-quarter-1-2026.xlsx": b"PK\x03\x04 workbook bytes",
}


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _write_media() -> None:
    for name, data in MEDIA.items():
        target = Path(settings.MEDIA_ROOT) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def _state() -> dict:
    lot = Lot.objects.order_by("pk").first()
    return {
        "leaves": [(i, bytes(h)) for i, h in LedgerLeaf.objects.order_by("index").values_list("index", "leaf_hash")],
        "checkpoints": LedgerCheckpoint.objects.count(),
        "lot": (lot.pk, lot.lot_code, lot.status, lot.published_at, lot.updated_at),
    }


def _media() -> dict[str, bytes]:
    root = Path(settings.MEDIA_ROOT)
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _empty_node() -> None:
    """A new machine: no data (Django's flush, the sanctioned reset), no uploads, no key."""
    call_command("flush", "--no-input", verbosity=0)
    for name in _media():
        (Path(settings.MEDIA_ROOT) / name).unlink()
    Path(settings.TRUYXUAT_LEDGER_KEY_FILE).unlink()


@pytest.fixture
def node(published_lot, tmp_path, monkeypatch):
    """A database with ledgered records (a published lot, its product, organisation, certificates), a signed
    checkpoint, two uploaded files and the signing key."""
    monkeypatch.setenv("TRUYXUAT_BACKUP_PASSPHRASE", PASSPHRASE)
    call_command("ledger", "checkpoint", stdout=io.StringIO(), stderr=io.StringIO())
    _write_media()
    key = Path(settings.TRUYXUAT_LEDGER_KEY_FILE)
    assert key.is_file()
    assert run_audit(alarm=False).ok
    media = _media()
    assert set(MEDIA) < set(media) or settings.TRUYXUAT_S3_BUCKET  # ours and the certificates' scans (or in S3)
    return {"state": _state(), "key": key.read_bytes(), "media": media, "archive": tmp_path / "backup" / "truyxuat.tar"}


def test_backup_then_restore_into_an_empty_database(node):
    archive = node["archive"]
    archive.parent.mkdir()
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    media = node["media"]
    assert f"{len(node['state']['leaves']):,} ledger leaves, {len(media)} media files, ledger key included" in (
        out.getvalue()
    )
    assert _mode(archive) == 0o600
    assert sorted(os.listdir(archive.parent)) == ["truyxuat.tar"]  # no scratch files left beside it
    sealed = archive.read_bytes()
    assert sealed.startswith(MAGIC) and b"ustar" not in sealed and b"ledger_ledgerleaf" not in sealed
    with tarfile.open(_plain(archive, archive.parent.parent)) as tar:
        names = sorted(tar.getnames())
        modes = {m.mode for m in tar.getmembers()}
    database = "database.sqlite3" if connection.vendor == "sqlite" else "database.pgdump"
    assert names == sorted([MANIFEST, database, "ledger-signer.key", *(f"media/{n}" for n in media)])
    assert modes == {0o600}

    _empty_node()
    assert database_is_empty()
    assert _media() == {}
    assert LedgerLeaf.objects.count() == 0

    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)
    text = out.getvalue()
    assert f"{len(media)} media files, ledger key restored" in text
    assert "ledger audit passed" in text.splitlines()[-1]

    assert _state() == node["state"]  # every leaf, and datetimes to the microsecond
    result = run_audit(alarm=False)
    assert result.ok, result.problems
    assert result.leaves_checked == len(node["state"]["leaves"])
    assert result.records_checked > 0
    key = Path(settings.TRUYXUAT_LEDGER_KEY_FILE)
    assert key.read_bytes() == node["key"]
    assert _mode(key) == 0o600
    assert _media() == media
    for name in media:
        assert _mode(Path(settings.MEDIA_ROOT) / name) == 0o600
    if connection.vendor == "sqlite":
        assert _mode(Path(connection.settings_dict["NAME"])) == 0o600


def test_restore_refuses_a_database_with_data_unless_forced(node):
    archive = node["archive"]
    archive.parent.mkdir()
    call_command("backup", str(archive), stdout=io.StringIO())
    with pytest.raises(CommandError, match="--force"):
        call_command("backup", str(archive), stdout=io.StringIO())  # nor is an existing archive overwritten
    Lot.objects.filter(pk=node["state"]["lot"][0]).update(quantity=1)  # a change made after the backup
    with pytest.raises(CommandError, match="the database is not empty: use --force"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert Lot.objects.get(pk=node["state"]["lot"][0]).quantity == 1  # untouched
    assert not run_audit(alarm=False).ok  # the edit shows

    out = io.StringIO()
    call_command("restore", str(archive), "--force", stdout=out)
    assert _state() == node["state"]
    assert run_audit(alarm=False).ok


def test_restore_reports_an_audit_failure(node):
    """A backup taken of a tampered database restores, and the audit names the record (exit 2)."""
    Lot.objects.filter(pk=node["state"]["lot"][0]).update(quantity=1)
    archive = node["archive"]
    archive.parent.mkdir()
    call_command("backup", str(archive), stdout=io.StringIO())
    _empty_node()
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("restore", str(archive), stdout=out)
    assert exit_info.value.code == 2
    assert f"#{node['state']['lot'][0]} «" in out.getvalue()
    assert "was altered outside the ledger" in out.getvalue()
    assert "ledger audit FAILED" in out.getvalue().splitlines()[-1]


def _plain(archive: Path, directory: Path) -> Path:
    return unseal_archive(archive, Path(tempfile.mkdtemp(dir=directory)), PASSPHRASE)


def _rewrite(archive: Path, target: Path, change) -> None:  # type: ignore[no-untyped-def]
    """A sealed archive whose members `change` rewrote (sealed again with the right passphrase)."""
    plain = target.with_suffix(".plain")
    with tarfile.open(_plain(archive, target.parent)) as src, tarfile.open(plain, "w") as dst:
        members = [(m, src.extractfile(m).read()) for m in src.getmembers()]
        for info, data in change(members):
            info.size = len(data)
            dst.addfile(info, io.BytesIO(data))
    target.touch()
    seal(plain, target, PASSPHRASE)


def test_a_corrupt_or_unsafe_archive_restores_nothing(node, tmp_path):
    archive = node["archive"]
    archive.parent.mkdir()
    call_command("backup", str(archive), stdout=io.StringIO())

    def flip(members):  # type: ignore[no-untyped-def]
        # Only our file: the fixture's product photo sits under a random directory, and which corrupt member is
        # reported first would then depend on how that name sorts.
        return [(i, d[:-1] + b"!" if i.name == "media/products/2026/11/ca-phe.jpg" else d) for i, d in members]

    corrupt = tmp_path / "corrupt.tar"
    _rewrite(archive, corrupt, flip)
    with pytest.raises(BackupError, match=r"corrupt archive: media/products/2026/11/ca-phe\.jpg"):
        read_archive(_plain(corrupt, tmp_path), tmp_path)

    def escape(members):  # type: ignore[no-untyped-def]
        out = []
        for info, data in members:
            if info.name == MANIFEST:
                manifest = json.loads(data)
                manifest["sha256"]["media/../../evil"] = hashlib.sha256(b"x").hexdigest()
                data = json.dumps(manifest).encode()
            out.append((info, data))
        evil = tarfile.TarInfo("media/../../evil")
        out.append((evil, b"x"))
        return out

    unsafe = tmp_path / "unsafe.tar"
    _rewrite(archive, unsafe, escape)
    _empty_node()
    with pytest.raises(CommandError, match="unsafe path"):
        call_command("restore", str(unsafe), stdout=io.StringIO())
    assert LedgerLeaf.objects.count() == 0  # nothing was restored
    assert not (tmp_path.parent / "evil").exists()

    with pytest.raises(CommandError, match="not a truyxuat backup"):
        call_command("restore", str(Path(settings.BASE_DIR) / "README.md"), stdout=io.StringIO())


def test_a_failed_restore_leaves_the_database_as_it_was(node, tmp_path):
    """A database file the engine cannot read (its SHA-256 matching the manifest) is refused by SQLite or
    pg_restore; PostgreSQL's emptied schema is rolled back, so even --force loses nothing."""
    archive = node["archive"]
    archive.parent.mkdir()
    call_command("backup", str(archive), stdout=io.StringIO())
    garbage = b"not a database dump " * 200

    def swap(members):  # type: ignore[no-untyped-def]
        database = next(info.name for info, _ in members if info.name.startswith("database."))
        out = []
        for info, data in members:
            if info.name == database:
                data = garbage
            elif info.name == MANIFEST:
                manifest = json.loads(data)
                manifest["sha256"][database] = hashlib.sha256(garbage).hexdigest()
                data = json.dumps(manifest).encode()
            out.append((info, data))
        return out

    broken = tmp_path / "broken.tar"
    _rewrite(archive, broken, swap)
    with pytest.raises(CommandError, match="database unchanged"):
        call_command("restore", str(broken), "--force", stdout=io.StringIO())
    assert _state() == node["state"]
    assert run_audit(alarm=False).ok


def test_dumpdata_and_loaddata_are_not_a_backup(node, officer, published_lot, tmp_path):
    """What the README warns about: JSON fixtures cut datetimes to milliseconds, so ledgered records stamped to
    the microsecond (here the publication rules' decisions) stop matching their leaves."""
    from rules.models import RuleDecision
    from rules.services import check_lot

    check_lot(actor=officer, lot=published_lot)
    # the decisions whose time has digits below the millisecond (all but one in a thousand)
    cut = sorted(
        ("rules.ruledecision", str(d.pk)) for d in RuleDecision.objects.all() if d.decided_at.microsecond % 1000
    )
    assert len(cut) >= 3
    fixture = tmp_path / "dump.json"
    call_command("dumpdata", "-e", "contenttypes", "-e", "auth.permission", "-e", "sessions", "-o", str(fixture))
    call_command("flush", "--no-input", verbosity=0)
    call_command("loaddata", str(fixture), verbosity=0)
    result = run_audit(alarm=False)
    assert not result.ok
    assert sorted(result.mismatched_records) == cut


def test_a_wrong_passphrase_or_an_altered_archive_restores_nothing(node, tmp_path):
    archive = node["archive"]
    archive.parent.mkdir()
    call_command("backup", str(archive), stdout=io.StringIO())
    _empty_node()
    wrong = tmp_path / "wrong"
    wrong.write_text("không phải mật khẩu\n")
    with pytest.raises(CommandError, match="wrong passphrase"):
        call_command("restore", str(archive), "--passphrase-file", str(wrong), stdout=io.StringIO())
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 1
    altered = tmp_path / "altered.txb"
    altered.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="altered file"):
        call_command("restore", str(altered), stdout=io.StringIO())
    truncated = tmp_path / "truncated.txb"
    truncated.write_bytes(archive.read_bytes()[:-100])
    with pytest.raises(CommandError, match="altered file"):
        call_command("restore", str(truncated), stdout=io.StringIO())
    assert LedgerLeaf.objects.count() == 0  # nothing was restored


def test_uploads_in_the_object_store_are_backed_up_and_restored_there(s3_storage, node):  # noqa: F811
    """With TRUYXUAT_S3_BUCKET the product photo (and any scan) lives in the bucket: the archive takes them from
    there, and a restore into an empty database and an empty bucket puts each back under its own key."""
    s3, bucket = s3_storage

    def stored() -> dict[str, bytes]:
        listed = s3.list_objects_v2(Bucket=bucket).get("Contents", [])
        return {o["Key"]: s3.get_object(Bucket=bucket, Key=o["Key"])["Body"].read() for o in listed}

    in_bucket = stored()
    assert len(in_bucket) >= 1 and all(k.startswith(("products/", "certificates/")) for k in in_bucket)
    archive = node["archive"]
    archive.parent.mkdir()
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    assert f"{len(in_bucket)} media files" in out.getvalue()
    _empty_node()
    for key in in_bucket:
        s3.delete_object(Bucket=bucket, Key=key)
    assert stored() == {}
    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)
    assert "ledger audit passed" in out.getvalue().splitlines()[-1]
    assert stored() == in_bucket
    assert _state() == node["state"]

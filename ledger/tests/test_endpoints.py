"""GET /ledger/checkpoint, /ledger/key, tiles; the proof API; a lot's proof bundle; `ledger init/verify`."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import os
import stat

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from ledger import bundle, merkle, note, services, tiles
from ledger.checkpoints import latest, sign_checkpoint
from ledger.models import LedgerCheckpoint
from ledger.services import Item, append_many
from ledger.tests.conftest import ORIGIN


def _canon(i: int) -> bytes:
    return f'{{"i":{i}}}'.encode()


def _grow(n_from: int, n_to: int) -> None:
    with transaction.atomic():
        append_many([Item("event", _canon(i), "", "") for i in range(n_from, n_to)])
    sign_checkpoint()


def _store(n: int) -> merkle.MemoryHashStore:
    s = merkle.MemoryHashStore()
    s.extend([services.leaf_hash_of(_canon(i)) for i in range(n)])
    return s


@pytest.mark.django_db
def test_checkpoint_and_key(client, settings):
    _grow(0, 1000)
    vkey = client.get("/ledger/key").content.decode().strip()
    assert vkey == note.verifier_key_for(settings.TRUYXUAT_LEDGER_KEY_FILE.read_text().strip())
    r = client.get("/ledger/checkpoint")
    assert r.status_code == 200
    assert r["Content-Type"] == "text/plain; charset=utf-8"
    cp, sigs = note.open_checkpoint(r.content, [vkey], origin=ORIGIN)
    assert cp.size == 1000
    assert cp.root_hash == _store(1000).tree_hash()
    assert [s.name for s in sigs] == [ORIGIN]
    # The key file was created on first use, private.
    assert stat.S_IMODE(os.stat(settings.TRUYXUAT_LEDGER_KEY_FILE).st_mode) == 0o600


@pytest.mark.django_db
def test_checkpoint_get_signs_when_the_log_grew(client):
    _grow(0, 10)
    with transaction.atomic():  # appended, but the on-commit hook does not run in this test
        append_many([Item("event", _canon(i)) for i in range(10, 15)])
    assert latest().size == 10
    cp, _ = note.open_checkpoint(
        client.get("/ledger/checkpoint").content, [client.get("/ledger/key").content.decode().strip()]
    )
    assert cp.size == 15
    assert LedgerCheckpoint.objects.count() == 2


@pytest.mark.django_db
def test_tiles_serve_a_verifiable_tree_up_to_the_checkpoint(client):
    n = 256 * 3 + 17
    _grow(0, n)
    with transaction.atomic():  # beyond the checkpoint: not served
        append_many([Item("event", _canon(i)) for i in range(n, n + 300)])
    fetched = []

    def fetch(path: str) -> bytes:
        r = client.get("/ledger/" + path)
        assert r.status_code == 200, (path, r.status_code)
        fetched.append((path, r["Cache-Control"]))
        return r.content

    reader = tiles.TileHashReader(n, fetch)
    store = _store(n)
    assert merkle.tree_hash(n, reader) == store.tree_hash() == bytes(latest().root_hash)
    for i in (0, 255, 256, 700, n - 1):
        assert merkle.inclusion_proof(i, n, reader) == merkle.inclusion_proof(i, n, store)
    caches = dict(fetched)
    assert caches["tile/0/000"] == "public, max-age=31536000, immutable"
    assert caches["tile/0/003.p/17"].startswith("public, max-age=") and "immutable" not in caches["tile/0/003.p/17"]
    # Entry bundles hold the 32-byte digests, never the records.
    entries = tiles.parse_entry_bundle(client.get("/ledger/tile/entries/003.p/17").content)
    assert entries == [hashlib.sha256(_canon(i)).digest() for i in range(768, n)]
    full = tiles.parse_entry_bundle(client.get("/ledger/tile/entries/000").content)
    assert len(full) == 256 and full[5] == hashlib.sha256(_canon(5)).digest()
    # Beyond the checkpoint, malformed or non-canonical paths.
    assert client.get("/ledger/tile/0/003").status_code == 404
    assert client.get("/ledger/tile/0/003.p/18").status_code == 404
    assert client.get("/ledger/tile/entries/004.p/1").status_code == 404
    assert client.get("/ledger/tile/1/000.p/4").status_code == 404
    assert client.get("/ledger/tile/1/000.p/3").status_code == 200
    assert client.get("/ledger/tile/0/3").status_code == 400
    assert client.get("/ledger/tile/0/003.p/256").status_code == 400


@pytest.mark.django_db
def test_proof_api(client):
    _grow(0, 1000)
    _grow(1000, 1234)
    store = _store(1234)
    r = client.get("/api/v1/ledger/proof", {"leaf_index": 999, "tree_size": 1234})
    assert r.status_code == 200
    doc = r.json()
    assert set(doc) == {"leaf_index", "tree_size", "leaf_hash", "hashes"}
    assert doc["leaf_hash"] == base64.b64encode(services.leaf_hash_of(_canon(999))).decode()
    proof = [base64.b64decode(h) for h in doc["hashes"]]
    assert proof == merkle.inclusion_proof(999, 1234, store)
    assert len(proof) * 32 <= 32 * 11  # ≤ 32·⌈log2 n⌉ bytes
    assert merkle.verify_inclusion(base64.b64decode(doc["leaf_hash"]), 999, 1234, proof, store.tree_hash())
    assert client.get("/api/v1/ledger/proof", {"leaf_index": 5}).json()["tree_size"] == 1234

    r = client.get("/api/v1/ledger/consistency", {"first": 1000, "second": 1234})
    doc = r.json()
    assert set(doc) == {"first", "second", "first_root", "second_root", "hashes"}
    assert doc["first_root"] == base64.b64encode(store.tree_hash(1000)).decode()
    assert doc["second_root"] == base64.b64encode(store.tree_hash(1234)).decode()
    assert merkle.verify_consistency(
        1000, 1234, store.tree_hash(1000), store.tree_hash(), [base64.b64decode(h) for h in doc["hashes"]]
    )
    assert client.get("/api/v1/ledger/consistency", {"first": 0}).json()["hashes"] == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("proof", {"leaf_index": 10, "tree_size": 10}, 400),
        ("proof", {"leaf_index": -1, "tree_size": 10}, 400),
        ("proof", {"leaf_index": 0, "tree_size": 11}, 400),  # beyond the checkpoint
        ("proof", {"leaf_index": "x"}, 422),
        ("proof", {}, 422),
        ("consistency", {"first": 5, "second": 4}, 400),
        ("consistency", {"first": 1, "second": 11}, 400),
        ("consistency", {"first": "a"}, 422),
    ],
)
def test_proof_api_bad_ranges_are_problems(client, path, params, status):
    _grow(0, 10)
    r = client.get(f"/api/v1/ledger/{path}", params)
    assert r.status_code == status
    assert r["Content-Type"] == "application/problem+json"
    assert r.json()["status"] == status


@pytest.mark.django_db
def test_lot_proof_bundle_holds_every_record_and_verifies(client, published_lot, officer):
    from catalog.selectors import certificates_for_lot

    lot = published_lot
    gtin = lot.product.gtin
    r = client.get(f"/api/v1/lots/{gtin}/{lot.lot_code}/proof-bundle")
    assert r.status_code == 200, r.content
    b = r.json()
    kinds = sorted(x["kind"] for x in b["records"])
    assert kinds == ["certificate", "certificate", "lot", "organization", "product"]
    assert certificates_for_lot(lot).count() == 2
    types = {json.loads(x["canonical"])["type"] for x in b["records"]}
    assert types == {"catalog.lot", "catalog.product", "catalog.organization", "catalog.certificate"}
    assert b["subject"]["gtin"] == gtin and b["subject"]["lot"] == lot.lot_code
    vkey = client.get("/ledger/key").content.decode().strip()
    rep = bundle.verify_bundle(b, pinned_key=vkey)
    assert rep.ok, rep.summary_en
    assert rep.verified == 5

    # Tampered: a record's content no longer matches.
    bad = copy.deepcopy(b)
    rec = next(x for x in bad["records"] if x["kind"] == "lot")
    rec["canonical"] = rec["canonical"].replace('"quantity":"100.000"', '"quantity":"900"')
    assert '"quantity":"900"' in rec["canonical"]
    assert bundle.verify_bundle(bad).records[[x["kind"] for x in bad["records"]].index("lot")].error == (
        "leaf_hash_mismatch"
    )


@pytest.mark.django_db
def test_proof_bundle_404_for_unpublished_lots(client):
    from catalog.tests.factories import LotFactory

    lot = LotFactory(status="draft")
    r = client.get(f"/api/v1/lots/{lot.product.gtin}/{lot.lot_code}/proof-bundle")
    assert r.status_code == 404
    assert client.get("/api/v1/lots/00000000000000/NOPE/proof-bundle").status_code == 404


@pytest.mark.django_db
def test_ledger_init_refuses_to_overwrite(settings, capsys):
    path = settings.TRUYXUAT_LEDGER_KEY_FILE
    call_command("ledger", "init")
    out = capsys.readouterr().out
    vkey = out.strip().splitlines()[-1]
    assert note.parse_verifier_key(vkey).name == ORIGIN
    assert note.verifier_key_for(path.read_text().strip()) == vkey
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with pytest.raises(CommandError, match="refusing to overwrite"):
        call_command("ledger", "init")
    call_command("ledger", "init", "--force")
    assert capsys.readouterr().out.strip().splitlines()[-1] != vkey


@pytest.mark.django_db
def test_missing_key_after_signing_is_an_error_not_a_new_key(settings):
    from ledger.checkpoints import SigningKeyError

    _grow(0, 3)
    settings.TRUYXUAT_LEDGER_KEY_FILE.unlink()
    with transaction.atomic():
        append_many([Item("event", _canon(9))])
    with pytest.raises(SigningKeyError, match="restore the key"):
        sign_checkpoint()
    assert not settings.TRUYXUAT_LEDGER_KEY_FILE.exists()


@pytest.mark.django_db
def test_verify_command_file(client, published_lot, tmp_path, capsys):
    lot = published_lot
    b = client.get(f"/api/v1/lots/{lot.product.gtin}/{lot.lot_code}/proof-bundle").json()
    vkey = client.get("/ledger/key").content.decode().strip()
    good = tmp_path / "bundle.json"
    good.write_text(json.dumps(b))
    call_command("ledger", "verify", str(good), "--key", vkey)
    out = capsys.readouterr().out
    assert "Đã xác minh 5/5 bản ghi có trong sổ cái công khai" in out
    assert "Verified 5 of 5 records are in the public ledger" in out

    b["records"][0]["inclusion_proof"][0] = base64.b64encode(bytes(32)).decode()
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(b))
    with pytest.raises(SystemExit) as exc:
        call_command("ledger", "verify", str(bad))
    assert exc.value.code == 1
    out = capsys.readouterr().out
    assert "CẢNH BÁO" in out and "WARNING" in out
    _other_skey, other_vkey = note.generate_key(ORIGIN)
    with pytest.raises(SystemExit):
        call_command("ledger", "verify", str(good), "--key", other_vkey)
    assert "not the ledger's published key" in capsys.readouterr().out


@pytest.mark.django_db
def test_lot_proof_bundle_includes_the_events_of_its_trace(client, published_lot, organization):
    from accounts.permissions import SYSTEM
    from events.services.capture import capture_events
    from events.tests.helpers import lgtin, object_event

    lot = published_lot
    org = lot.product.organization
    capture_events(
        actor=SYSTEM,
        organization=org,
        events=[
            object_event([lgtin(lot.product.gtin, lot.lot_code)]),
            object_event(
                [lgtin(lot.product.gtin, lot.lot_code)], biz_step="shipping", time="2026-11-02T08:00:00+07:00"
            ),
            object_event([lgtin("08938501000014", "OTHER")]),
        ],
    )
    b = client.get(f"/api/v1/lots/{lot.product.gtin}/{lot.lot_code}/proof-bundle").json()
    events = [r for r in b["records"] if r["kind"] == "event"]
    assert len(events) == 2
    assert all(json.loads(r["canonical"])["type"] == "events.event" for r in events)
    assert bundle.verify_bundle(b).ok

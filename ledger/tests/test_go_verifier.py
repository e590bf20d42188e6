"""Independent check: Go's sumdb/note and sumdb/tlog verify what our Python code produces.

Builds ledger/tests/go/verify (GOPATH mode, Debian's golang-golang-x-mod-dev, no network) and
feeds it signed checkpoints (with a witness cosignature), inclusion and consistency proofs for
random trees, plus tampered inputs that Go must reject. Fails (does not skip) without Go: the
project's ``make test`` installs golang-go and golang-golang-x-mod-dev.
"""

import base64
import json
import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from ledger.merkle import MemoryHashStore, consistency_proof, inclusion_proof, leaf_hash
from ledger.note import add_signatures, cosign, format_checkpoint, generate_key, generate_witness_key, sign_note

GO_SRC = Path(__file__).parent / "go" / "verify"
GOPATH = "/usr/share/gocode"
ORIGIN = "truyxuat.example/log"
SKEY, VKEY = generate_key(ORIGIN)
W_SKEY, W_VKEY = generate_witness_key("witness.example/w1")


def b64(x):
    return base64.b64encode(x).decode()


@pytest.fixture(scope="module")
def go_verify(tmp_path_factory):
    go = shutil.which("go")
    assert go, "Go is required: apt-get install -y golang-go golang-golang-x-mod-dev"
    assert Path(GOPATH, "src/golang.org/x/mod/sumdb/tlog").is_dir(), (
        "golang.org/x/mod is required: apt-get install -y golang-golang-x-mod-dev"
    )
    out = tmp_path_factory.mktemp("go") / "verify"
    env = dict(os.environ, GOPATH=GOPATH, GO111MODULE="off", GOFLAGS="")
    if "GOCACHE" not in env and not env.get("HOME"):
        env["GOCACHE"] = str(tmp_path_factory.mktemp("gocache"))
    subprocess.run([go, "build", "-o", str(out), "."], cwd=GO_SRC, env=env, check=True, timeout=300)

    def run(request):
        p = subprocess.run([str(out)], input=json.dumps(request), capture_output=True, text=True, timeout=60)
        assert p.returncode in (0, 1), p.stderr
        return p.returncode, json.loads(p.stdout)

    return run


def _tree(size, seed):
    rnd = random.Random(seed)
    data = [rnd.randbytes(rnd.randrange(0, 60)) for _ in range(size)]
    store = MemoryHashStore()
    store.extend([leaf_hash(d) for d in data])
    return data, store


def _checkpoint(size, store, timestamp=1_700_000_000):
    body = format_checkpoint(ORIGIN, size, store.tree_hash(size))
    return add_signatures(sign_note(body, SKEY), cosign(body, W_SKEY, timestamp))


def _request(size, data, store, indexes, old_sizes):
    return {
        "vkey": VKEY,
        "witness_vkeys": [W_VKEY],
        "checkpoint": _checkpoint(size, store),
        "records": [
            {"index": i, "data": b64(data[i]), "proof": [b64(p) for p in inclusion_proof(i, size, store)]}
            for i in indexes
        ],
        "consistency": [
            {
                "old_size": m,
                "old_root": b64(store.tree_hash(m)),
                "proof": [b64(p) for p in consistency_proof(m, size, store)],
            }
            for m in old_sizes
        ],
    }


@pytest.mark.parametrize("size", [1, 2, 3, 5, 8, 13, 64, 100, 255, 256, 257, 1000, 4097, 65537])
def test_go_accepts_our_checkpoints_and_proofs(go_verify, size):
    data, store = _tree(size, seed=size)
    rnd = random.Random(size * 7)
    indexes = sorted({0, size - 1, *(rnd.randrange(size) for _ in range(30))})
    old_sizes = sorted({1, size, *(rnd.randrange(1, size + 1) for _ in range(30))})
    rc, rep = go_verify(_request(size, data, store, indexes, old_sizes))
    assert rc == 0, rep
    assert rep["note_ok"] is True
    assert rep["origin"] == ORIGIN
    assert rep["size"] == size
    assert rep["root"] == b64(store.tree_hash())
    assert rep["verified_sigs"] == [ORIGIN, "witness.example/w1"]
    assert rep["cosig_timestamps"] == {"witness.example/w1": 1_700_000_000}
    assert [r["ok"] for r in rep["records"]] == [True] * len(indexes)
    # Go's tlog.RecordHash agrees with our leaf_hash.
    assert [r["leaf_hash"] for r in rep["records"]] == [b64(leaf_hash(data[i])) for i in indexes]
    assert [r["ok"] for r in rep["consistency"]] == [True] * len(old_sizes)


def test_go_rejects_tampered_inclusion_proof(go_verify):
    data, store = _tree(1000, seed=1)
    req = _request(1000, data, store, [10, 500, 999], [])
    proof = req["records"][1]["proof"]
    raw = bytearray(base64.b64decode(proof[3]))
    raw[7] ^= 0x40
    proof[3] = b64(bytes(raw))
    rc, rep = go_verify(req)
    assert rc == 1
    assert rep["note_ok"] is True
    assert [r["ok"] for r in rep["records"]] == [True, False, True]
    assert rep["records"][1]["error"] == "invalid transparency proof"


def test_go_rejects_wrong_leaf_data_and_wrong_index(go_verify):
    data, store = _tree(300, seed=2)
    req = _request(300, data, store, [5, 6], [])
    req["records"][0]["data"] = b64(data[5] + b"!")
    req["records"][1]["index"] = 7
    rc, rep = go_verify(req)
    assert rc == 1
    assert [r["ok"] for r in rep["records"]] == [False, False]


def test_go_rejects_tampered_consistency_proof(go_verify):
    data, store = _tree(777, seed=3)
    req = _request(777, data, store, [], [100, 512, 700])
    proof = req["consistency"][2]["proof"]
    proof[0] = b64(bytes(32))
    req["consistency"][0]["old_root"] = b64(store.tree_hash(101))
    rc, rep = go_verify(req)
    assert rc == 1
    assert [r["ok"] for r in rep["consistency"]] == [False, True, False]


def test_go_rejects_checkpoint_with_bad_log_signature(go_verify):
    data, store = _tree(50, seed=4)
    req = _request(50, data, store, [1], [])
    text, sigs = req["checkpoint"].split("\n\n")
    # Claim a different size under the same signatures.
    req["checkpoint"] = text.replace("\n50\n", "\n49\n") + "\n\n" + sigs
    rc, rep = go_verify(req)
    assert rc == 1
    assert rep["note_ok"] is False
    assert rep["note_error"].startswith("invalid signature for key " + ORIGIN)
    assert rep["records"][0]["ok"] is False


def test_go_rejects_checkpoint_signed_by_another_key(go_verify):
    data, store = _tree(50, seed=5)
    other_skey, _ = generate_key(ORIGIN)
    req = _request(50, data, store, [1], [])
    req["checkpoint"] = sign_note(format_checkpoint(ORIGIN, 50, store.tree_hash()), other_skey)
    rc, rep = go_verify(req)
    assert rc == 1
    assert rep["note_ok"] is False
    assert rep["note_error"] == "note has no verifiable signatures"


def test_go_rejects_tampered_cosignature_timestamp(go_verify):
    data, store = _tree(20, seed=6)
    req = _request(20, data, store, [], [])
    text, sigs = req["checkpoint"].split("\n\n")
    log_line, w_line, _ = sigs.split("\n")
    prefix, sig = w_line.rsplit(" ", 1)
    raw = bytearray(base64.b64decode(sig))
    raw[11] ^= 1  # last byte of the 8-byte timestamp
    req["checkpoint"] = text + "\n\n" + log_line + "\n" + prefix + " " + b64(bytes(raw)) + "\n"
    rc, rep = go_verify(req)
    assert rc == 1
    assert rep["note_error"].startswith("invalid signature for key witness.example/w1")


def test_go_ignores_cosignature_when_witness_unknown(go_verify):
    data, store = _tree(20, seed=7)
    req = _request(20, data, store, [3], [])
    req["witness_vkeys"] = []
    rc, rep = go_verify(req)
    assert rc == 0
    assert rep["verified_sigs"] == [ORIGIN]


# ---------------------------------------------------------------------------------------------
# Against a live server: Go fetches the checkpoint, the key, proofs and tiles over HTTP.
# ---------------------------------------------------------------------------------------------

GO_LIVE_SRC = Path(__file__).parent / "go" / "live"


@pytest.fixture(scope="module")
def go_live(tmp_path_factory):
    go = shutil.which("go")
    assert go, "Go is required: apt-get install -y golang-go golang-golang-x-mod-dev"
    out = tmp_path_factory.mktemp("golive") / "live"
    env = dict(os.environ, GOPATH=GOPATH, GO111MODULE="off", GOFLAGS="")
    if "GOCACHE" not in env and not env.get("HOME"):
        env["GOCACHE"] = str(tmp_path_factory.mktemp("gocache"))
    subprocess.run([go, "build", "-o", str(out), "."], cwd=GO_LIVE_SRC, env=env, check=True, timeout=300)

    def run(url, indexes, old_sizes):
        args = [str(out), url, *map(str, indexes), "--", *map(str, old_sizes)]
        p = subprocess.run(args, capture_output=True, text=True, timeout=120)
        assert p.returncode in (0, 1), p.stderr
        return p.returncode, json.loads(p.stdout)

    return run


@pytest.mark.django_db(transaction=True)
def test_go_verifies_a_live_server(go_live, live_server, published_lot):
    """Go's sumdb note/tlog accept the live checkpoint, proof API answers and tiles."""
    from django.db import transaction

    from ledger.checkpoints import sign_checkpoint
    from ledger.services import Item, append_many

    old_sizes = []
    with transaction.atomic():
        append_many([Item("event", b'{"n":%d}' % i) for i in range(700)])
    old_sizes.append(sign_checkpoint().size)
    with transaction.atomic():
        append_many([Item("event", b'{"m":%d}' % i) for i in range(70_000 - 705)])
    size = sign_checkpoint().size
    assert size == 70_000
    indexes = [0, 1, 2, 4, 255, 256, 700, 65535, 65536, size - 1]
    old_sizes += [1, 2, 256, 257, 65536, size]
    rc, rep = go_live(live_server.url, indexes, old_sizes)
    assert rc == 0, rep
    assert rep["size"] == size and rep["origin"] == "truyxuat.test/ledger"
    assert len(rep["results"]) == 1 + 2 * len(indexes) + len(old_sizes)
    assert all(r["ok"] for r in rep["results"])


@pytest.mark.django_db(transaction=True)
def test_go_rejects_a_live_server_with_a_tampered_stored_hash(go_live, live_server):
    from django.db import connection, transaction

    from ledger import db as ledger_db
    from ledger.checkpoints import sign_checkpoint
    from ledger.merkle import stored_hash_index
    from ledger.services import Item, append_many

    with transaction.atomic():
        append_many([Item("event", b'{"n":%d}' % i) for i in range(600)])
    sign_checkpoint()

    class Exec:
        def __init__(self):
            self.connection = connection

        def execute(self, sql, params=None):
            with connection.cursor() as cur:
                cur.execute(sql, params)

    ledger_db.drop_triggers(Exec())
    try:
        with connection.cursor() as cur:  # leaf 300's stored hash, as a compromised server would serve it
            cur.execute(
                'UPDATE ledger_ledgerhash SET hash = %s WHERE "index" = %s', [bytes(32), stored_hash_index(0, 300)]
            )
    finally:
        ledger_db.create_triggers(Exec())
    rc, rep = go_live(live_server.url, [300, 5], [])
    assert rc == 1
    by = {r["subject"]: r for r in rep["results"]}
    assert by["checkpoint"]["ok"]
    assert by["inclusion 300"]["ok"] is False
    assert by["tiles 300"]["ok"] is False

"""Witnesses against a live log: cosign, consistency on growth, alarms on a fork or a rollback."""

from __future__ import annotations

import base64
import json
import urllib.request

import pytest
from django.core.management import call_command
from django.db import transaction

from ledger import merkle, note, services
from ledger.checkpoints import sign_checkpoint, signer
from ledger.models import LedgerAlarm, WitnessCosignature
from ledger.services import Item, append_many
from ledger.tests.conftest import ORIGIN

pytestmark = pytest.mark.django_db(transaction=True)


def _grow(a: int, b: int) -> None:
    with transaction.atomic():
        append_many([Item("event", f'{{"n":{i}}}'.encode()) for i in range(a, b)])
    sign_checkpoint()


@pytest.fixture
def witness_env(live_server, ledger_settings, tmp_path):
    _grow(0, 100)
    wkey = tmp_path / "witness.key"
    wkey.write_text(ledger_settings["witness_skey"] + "\n")
    state = tmp_path / "state.json"
    vkey = signer().verifier.key
    args = ["ledger", "witness", "--log-url", live_server.url, "--log-key", vkey]
    args += ["--witness-key", str(wkey), "--state", str(state)]
    return {
        "args": args,
        "state": state,
        "vkey": vkey,
        "wvkey": ledger_settings["witness_vkey"],
        "url": live_server.url,
    }


def _get(url: str) -> str:
    with urllib.request.urlopen(url) as r:
        return r.read().decode()


def test_witness_cosigns_and_the_log_serves_the_cosignature(witness_env, capsys):
    call_command(*witness_env["args"])
    assert "witnessed truyxuat.test/ledger size 100 (first seen)" in capsys.readouterr().out
    text = _get(witness_env["url"] + "/ledger/checkpoint")
    cp, sigs = note.open_checkpoint(text, [witness_env["vkey"], witness_env["wvkey"]], origin=ORIGIN)
    assert cp.size == 100
    assert [s.name for s in sigs] == [ORIGIN, "witness.test/w1"]
    assert WitnessCosignature.objects.get().checkpoint.size == 100
    state = json.loads(witness_env["state"].read_text())
    assert state["size"] == 100 and state["origin"] == ORIGIN

    # The log grows; the witness checks consistency 100 -> 357 and cosigns again.
    _grow(100, 357)
    call_command(*witness_env["args"])
    assert "size 100 → 357" in capsys.readouterr().out
    cp, sigs = note.open_checkpoint(_get(witness_env["url"] + "/ledger/checkpoint"), [witness_env["wvkey"]])
    assert cp.size == 357 and [s.name for s in sigs] == ["witness.test/w1"]
    assert json.loads(witness_env["state"].read_text())["size"] == 357
    assert not LedgerAlarm.objects.exists()


def _forked_state(size: int) -> dict:
    """What a witness saw if the log had shown it another tree of ``size`` leaves, signed by its key."""
    store = merkle.MemoryHashStore()
    store.extend([services.leaf_hash_of(b"forged %d" % i) for i in range(size)])
    body = note.format_checkpoint(ORIGIN, size, store.tree_hash())
    return {"origin": ORIGIN, "size": size, "root": base64.b64encode(store.tree_hash()).decode(), "checkpoint": body}


@pytest.mark.parametrize(("size", "kind"), [(40, "inconsistent"), (100, "inconsistent"), (500, "rollback")])
def test_inconsistent_checkpoint_raises_an_alarm(witness_env, capsys, caplog, size, kind):
    witness_env["state"].write_text(json.dumps(_forked_state(size)))
    before = witness_env["state"].read_text()
    with pytest.raises(SystemExit) as exc:
        call_command(*witness_env["args"])
    assert exc.value.code == 3
    assert "CẢNH BÁO / ALARM" in capsys.readouterr().err
    alarm = LedgerAlarm.objects.get()
    assert alarm.kind == kind and alarm.origin == ORIGIN
    assert alarm.evidence["seen"]["size"] == size
    assert any(r.levelname == "ERROR" and "LEDGER ALARM" in r.getMessage() for r in caplog.records)
    # Nothing cosigned, the state keeps what the witness saw.
    assert not WitnessCosignature.objects.exists()
    assert witness_env["state"].read_text() == before


def test_checkpoint_signed_by_another_key_is_refused(witness_env, capsys):
    _skey, other = note.generate_key(ORIGIN)
    args = list(witness_env["args"])
    args[args.index("--log-key") + 1] = other
    with pytest.raises(SystemExit):
        call_command(*args)
    assert LedgerAlarm.objects.get().kind == "bad_signature"


def _post(url: str, body: str) -> tuple[int, str]:
    req = urllib.request.Request(url + "/ledger/witness/add-cosignature", data=body.encode(), method="POST")
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def test_log_accepts_only_configured_witnesses(witness_env, ledger_settings):
    url = witness_env["url"]
    text = _get(url + "/ledger/checkpoint")
    body = note.parse_note(text)[0]
    stranger_skey, _ = note.generate_witness_key("stranger.example/w")
    assert _post(url, note.add_signatures(text, note.cosign(body, stranger_skey, 1_700_000_000)))[0] == 403
    good = note.cosign(body, ledger_settings["witness_skey"], 1_700_000_000)
    raw = bytearray(base64.b64decode(good.split()[-1]))
    raw[-1] ^= 1
    forged = good.rsplit(" ", 1)[0] + " " + base64.b64encode(bytes(raw)).decode() + "\n"
    assert _post(url, note.add_signatures(text, forged))[0] == 403
    other_body = note.format_checkpoint(ORIGIN, 100, bytes(32))
    assert _post(url, note.sign_note(other_body, signer()) + "")[0] == 409
    assert _post(url, "garbage")[0] == 400
    status, lines = _post(url, note.add_signatures(text, good))
    assert status == 200 and lines == good
    assert WitnessCosignature.objects.count() == 1

"""Witnesses (c2sp.org/tlog-cosignature, in the spirit of c2sp.org/tlog-witness).

Two sides:

* **log side** — :func:`add_cosignatures`: a witness POSTs our checkpoint back with its
  cosignature/v1 line(s) appended (``POST /ledger/witness/add-cosignature``, text/plain). We
  keep only cosignatures by witness keys listed in ``settings.TRUYXUAT_LEDGER_WITNESS_KEYS``,
  over a checkpoint that we signed, and serve them with ``GET /ledger/checkpoint``.
* **witness side** — :func:`witness_once` (``truyxuat ledger witness``): fetch a log's
  checkpoint, verify its signature, prove it consistent with the last checkpoint this witness
  saw (state file) using the log's consistency proof API, cosign it and send the cosignature.
  A checkpoint that is smaller than, or inconsistent with, one already seen is refused and
  raised as an alarm (:class:`~ledger.models.LedgerAlarm` row, error log line, exit status 3).
"""

from __future__ import annotations

import base64
import json
import logging
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from ledger import merkle, note
from ledger.choices import AlarmKind
from ledger.models import LedgerAlarm, LedgerCheckpoint, WitnessCosignature

log = logging.getLogger(__name__)

USER_AGENT = "truyxuat-ledger-witness/1"


# ---------------------------------------------------------------------------------------------
# Log side
# ---------------------------------------------------------------------------------------------


class CosignatureRejected(ValueError):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def witness_keys() -> list[note.Verifier]:
    keys = settings.TRUYXUAT_LEDGER_WITNESS_KEYS
    if isinstance(keys, str):
        keys = [k for k in keys.replace(",", " ").split() if k]
    out = []
    for k in keys:
        v = note.parse_verifier_key(k)
        if v.alg != note.ALG_COSIGNATURE_V1:
            raise note.MalformedKeyError(f"witness key {v.name} is not a cosignature/v1 key")
        out.append(v)
    return out


def add_cosignatures(body: str, extra_keys: Iterable[note.Verifier] = ()) -> list[WitnessCosignature]:
    """Store the configured witnesses' cosignatures found on one of our checkpoints.

    ``body`` is the signed checkpoint note with cosignature lines (our own signature may be
    present or not). ``extra_keys``: witness keys accepted besides the configured ones (a federated
    peer's, after its signed request was verified: `federation.services.accept_cosignature`).
    Raises :class:`CosignatureRejected` with an HTTP status.
    """
    try:
        text, sigs = note.parse_note(body)
        cp = note.parse_checkpoint(text)
    except note.NoteError as exc:
        raise CosignatureRejected(400, f"malformed checkpoint note: {exc}") from exc
    known = {(v.name, v.key_hash): v for v in [*witness_keys(), *extra_keys]}
    ours = LedgerCheckpoint.objects.filter(size=cp.size).first()
    if ours is None or note.parse_checkpoint(note.parse_note(ours.note)[0]) != cp:
        raise CosignatureRejected(409, "not a checkpoint signed by this log")
    stored = []
    for sig in sigs:
        v = known.get((sig.name, sig.key_hash))
        if v is None:
            continue
        try:
            ts = note.verify_cosignature(text, sig, v)
        except note.NoteError as exc:
            raise CosignatureRejected(403, f"invalid cosignature by {sig.name}: {exc}") from exc
        obj, _ = WitnessCosignature.objects.update_or_create(
            checkpoint=ours,
            witness=sig.name,
            key_hash=sig.key_hash,
            defaults={"line": sig.line, "timestamp": ts},
        )
        stored.append(obj)
    if not stored:
        raise CosignatureRejected(403, "no cosignature by a witness key this log accepts")
    return stored


# ---------------------------------------------------------------------------------------------
# Witness side
# ---------------------------------------------------------------------------------------------


class WitnessError(RuntimeError):
    """The checkpoint could not be witnessed (network, signature, protocol)."""


class WitnessAlarm(WitnessError):
    """The log showed a checkpoint inconsistent with one already seen: it forked or rolled back."""

    def __init__(self, kind: str, message: str, alarm: LedgerAlarm | None) -> None:
        super().__init__(message)
        self.kind = kind
        self.alarm = alarm


@dataclass
class WitnessResult:
    origin: str
    old_size: int | None
    size: int
    root: str
    cosignature: str
    posted: bool


def _get(url: str, timeout: float = 30) -> bytes:
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return bytes(r.read())
    except (urllib.error.URLError, OSError) as exc:
        raise WitnessError(f"GET {url}: {exc}") from exc


def _post(url: str, data: bytes, timeout: float = 30) -> bytes:
    req = urllib.request.Request(
        url, data=data, method="POST", headers={"User-Agent": USER_AGENT, "Content-Type": "text/plain; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return bytes(r.read())
    except urllib.error.HTTPError as exc:
        raise WitnessError(f"POST {url}: HTTP {exc.code} {exc.read().decode('utf-8', 'replace')[:300]}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise WitnessError(f"POST {url}: {exc}") from exc


def _load_state(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    try:
        state = json.loads(path.read_text())
        int(state["size"])
        base64.b64decode(state["root"], validate=True)
    except (ValueError, KeyError, TypeError) as exc:
        raise WitnessError(f"witness state file {path} is unreadable: {exc}") from exc
    return dict(state)


def _save_state(path: Path, state: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(state, indent=2, ensure_ascii=False) + "\n")
    os.replace(tmp, path)


def _alarm(kind: str, origin: str, source: str, detail: str, evidence: dict[str, Any]) -> WitnessAlarm:
    log.error("LEDGER ALARM (%s) for %s at %s: %s", kind, origin, source, detail)
    alarm = None
    try:
        alarm = LedgerAlarm.objects.create(kind=kind, origin=origin, source=source, detail=detail, evidence=evidence)
    except Exception:  # the alarm must still be raised without a database
        log.exception("ledger: could not store the alarm")
    return WitnessAlarm(kind, detail, alarm)


def witness_once(
    *, log_url: str, log_key: str, witness_key: str, state_file: Path, post: bool = True, timeout: float = 30
) -> WitnessResult:
    """Fetch, check, cosign and send back the log's latest checkpoint once; see module docstring."""
    base = log_url.rstrip("/")
    verifier = note.parse_verifier_key(log_key)
    wsigner = note.parse_signer_key(witness_key)
    if wsigner.alg != note.ALG_COSIGNATURE_V1:
        raise WitnessError("the witness key must be a cosignature/v1 (type 0x04) key: `truyxuat ledger init --witness`")
    checkpoint_url = f"{base}/ledger/checkpoint"
    raw = _get(checkpoint_url, timeout)
    try:
        cp, _sigs = note.open_checkpoint(raw, [verifier], origin=verifier.name)
    except note.NoteError as exc:
        raise _alarm(
            AlarmKind.BAD_SIGNATURE,
            verifier.name,
            checkpoint_url,
            f"the checkpoint does not verify with the log's key: {exc}",
            {"checkpoint": raw.decode("utf-8", "replace")},
        ) from exc
    body = cp.body
    state = _load_state(state_file)
    old_size: int | None = None
    if state is not None:
        if state.get("origin") != cp.origin:
            raise WitnessError(f"state file {state_file} is for log {state.get('origin')!r}, not {cp.origin!r}")
        old_size = int(state["size"])
        old_root = base64.b64decode(state["root"])
        evidence = {"seen": state, "new": {"size": cp.size, "root": base64.b64encode(cp.root_hash).decode()}}
        if cp.size < old_size:
            raise _alarm(
                AlarmKind.ROLLBACK,
                cp.origin,
                checkpoint_url,
                f"the log shrank from {old_size} to {cp.size} leaves / sổ cái bị thu nhỏ",
                evidence,
            )
        if cp.size == old_size:
            if cp.root_hash != old_root:
                raise _alarm(
                    AlarmKind.INCONSISTENT,
                    cp.origin,
                    checkpoint_url,
                    f"two different roots for tree size {cp.size} / hai gốc khác nhau cho cùng kích thước",
                    evidence,
                )
        else:
            url = f"{base}/api/v1/ledger/consistency?" + urllib.parse.urlencode({"first": old_size, "second": cp.size})
            try:
                proof_doc = json.loads(_get(url, timeout))
                proof = [base64.b64decode(h, validate=True) for h in proof_doc["hashes"]]
            except (ValueError, KeyError, TypeError) as exc:
                raise WitnessError(f"bad consistency proof from {url}: {exc}") from exc
            if not merkle.verify_consistency(old_size, cp.size, old_root, cp.root_hash, proof):
                evidence["proof"] = proof_doc
                raise _alarm(
                    AlarmKind.INCONSISTENT,
                    cp.origin,
                    checkpoint_url,
                    f"checkpoint {cp.size} is not consistent with checkpoint {old_size} seen before "
                    f"/ điểm kiểm tra {cp.size} không nhất quán với điểm kiểm tra {old_size} đã thấy",
                    evidence,
                )
    line = note.cosign(body, wsigner, int(time.time()))
    _save_state(
        state_file,
        {
            "origin": cp.origin,
            "size": cp.size,
            "root": base64.b64encode(cp.root_hash).decode(),
            "checkpoint": note.add_signatures(raw.decode("utf-8"), line),
            "log_url": base,
            "witnessed_at": int(time.time()),
        },
    )
    posted = False
    if post:
        _post(
            f"{base}/ledger/witness/add-cosignature", note.add_signatures(raw.decode("utf-8"), line).encode(), timeout
        )
        posted = True
    return WitnessResult(cp.origin, old_size, cp.size, base64.b64encode(cp.root_hash).decode(), line, posted)

"""Mutual witnessing: this node witnesses each peer's ledger with the existing cosignature/v1 witness format.

For each peer: fetch its checkpoint, open it with the peer's ledger key, check that it extends the checkpoint this node
verified before (`check_extension`: equal roots at one size, an RFC 9162 consistency proof to a larger one), cosign it
and send the cosignature to the peer (`POST /federation/witness/add-cosignature`, signed), which keeps it and serves
it with its checkpoint. A smaller tree (rollback), two roots for one size or a failed consistency proof (fork) is an
alarm: a `ledger.LedgerAlarm` here, e-mailed to this node's platform admins, and sent to the peer's admins
(`POST /federation/alarm`). The remote parts of a trace are checked against the same state.
"""

from __future__ import annotations

import base64
import logging
import time
import urllib.parse
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.permissions import SYSTEM
from core import audit
from core.choices import AuditAction
from federation import client
from federation.keys import node_keys
from federation.models import Peer
from ledger import checkpoints, merkle, note
from ledger.choices import AlarmKind
from ledger.models import LedgerAlarm
from notifications.services import email_after_commit

log = logging.getLogger(__name__)


class FederationAlarm(RuntimeError):
    def __init__(self, alarm: LedgerAlarm) -> None:
        super().__init__(alarm.detail)
        self.alarm = alarm


@dataclass
class Witnessed:
    peer: str
    old_size: int | None
    size: int
    error: str = ""


def raise_alarm(peer: Peer, kind: str, detail: str, evidence: dict[str, Any], *, tell_peer: bool = True) -> LedgerAlarm:
    """Store the alarm (audit entry, e-mail to the platform admins after commit) and tell the peer's admins."""
    with transaction.atomic():
        alarm = LedgerAlarm.objects.create(
            kind=kind, origin=peer.origin, source=peer.base_url, detail=detail, evidence=evidence
        )
        audit.record(actor=SYSTEM, action=AuditAction.CREATE, instance=alarm, reason=detail)
        admins = get_user_model().objects.filter(is_superuser=True, is_active=True).exclude(email="")
        email_after_commit(
            f"Cảnh báo sổ cái: {peer.name} / Ledger alarm: {peer.name}", detail, admins.values_list("email", flat=True)
        )
    log.error("FEDERATION ALARM (%s) for %s: %s", kind, peer.origin, detail)
    if tell_peer:
        try:
            client.post_json(
                peer.base_url.rstrip("/") + "/federation/alarm",
                {"kind": kind, "origin": peer.origin, "detail": detail, "evidence": evidence},
            )
        except client.Unreachable:
            log.warning("federation: could not tell %s about the alarm", peer.origin)
    return alarm


def _record_seen(peer: Peer, size: int, root: bytes) -> None:
    peer.seen_size, peer.seen_root, peer.seen_at = size, base64.b64encode(root).decode(), timezone.now()
    Peer.objects.filter(pk=peer.pk).update(seen_size=size, seen_root=peer.seen_root, seen_at=peer.seen_at)


def _consistency(peer: Peer, first: int, second: int) -> list[bytes]:
    url = f"{peer.base_url.rstrip('/')}/api/v1/ledger/consistency?" + urllib.parse.urlencode(
        {"first": first, "second": second}
    )
    doc = client.get_json(url)
    try:
        return [base64.b64decode(h, validate=True) for h in doc["hashes"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise client.Unreachable(f"bad consistency proof from {url}") from exc


def check_extension(peer: Peer, size: int, root: bytes, *, allow_older: bool) -> None:
    """Raise `FederationAlarm` unless the peer's tree (size, root) is consistent with the one verified before;
    remember it when it is larger. `allow_older`: a smaller tree proved a prefix of the one seen is fine (a remote
    part answered from a checkpoint signed a moment earlier); witnessing refuses it as a rollback."""
    if peer.seen_size is None:
        _record_seen(peer, size, root)
        return
    old_size, old_root = peer.seen_size, base64.b64decode(peer.seen_root)
    evidence = {"seen": {"size": old_size, "root": peer.seen_root}, "new": {"size": size, "root": _b64(root)}}
    if size < old_size and not allow_older:
        raise FederationAlarm(
            raise_alarm(
                peer, AlarmKind.ROLLBACK, f"Sổ cái của {peer.name} bị thu nhỏ từ {old_size} xuống {size}.", evidence
            )
        )
    if size == old_size:
        if root != old_root:
            raise FederationAlarm(
                raise_alarm(peer, AlarmKind.INCONSISTENT, f"Hai gốc khác nhau cho cùng kích thước {size}.", evidence)
            )
        return
    first, second, first_root, second_root = (
        (old_size, size, old_root, root)
        if size > old_size
        else (
            size,
            old_size,
            root,
            old_root,
        )
    )
    proof = _consistency(peer, first, second)
    if not merkle.verify_consistency(first, second, first_root, second_root, proof):
        raise FederationAlarm(
            raise_alarm(
                peer,
                AlarmKind.INCONSISTENT,
                f"Điểm kiểm tra {size} của {peer.name} không nối tiếp điểm kiểm tra {old_size} đã thấy.",
                evidence,
            )
        )
    if size > old_size:
        _record_seen(peer, size, root)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def witness_peer(peer: Peer) -> Witnessed:
    """Fetch, check, cosign and send back one peer's checkpoint."""
    base = peer.base_url.rstrip("/")
    raw = client.get_text(base + "/ledger/checkpoint")
    try:
        cp, _sigs = note.open_checkpoint(raw, [note.parse_verifier_key(peer.ledger_key)], origin=peer.origin)
    except note.NoteError as exc:
        raise FederationAlarm(
            raise_alarm(
                peer,
                AlarmKind.BAD_SIGNATURE,
                f"Chữ ký điểm kiểm tra của {peer.name} không hợp lệ: {exc}",
                {"checkpoint": raw[:4000]},
            )
        ) from exc
    old = peer.seen_size
    check_extension(peer, cp.size, cp.root_hash, allow_older=False)
    line = note.cosign(cp.body, node_keys().witness, int(time.time()))
    client.call("POST", base + "/federation/witness/add-cosignature", note.add_signatures(raw, line).encode())
    return Witnessed(peer.name, old, cp.size)


def witness_all() -> list[Witnessed]:
    """One round over every active peer; a peer's failure is recorded on it and does not stop the round."""
    out = []
    for peer in Peer.objects.filter(active=True):
        try:
            out.append(witness_peer(peer))
            error = ""
        except (client.Unreachable, FederationAlarm) as exc:
            error = str(exc)
            out.append(Witnessed(peer.name, peer.seen_size, peer.seen_size or 0, error))
        if error != peer.last_error:
            Peer.objects.filter(pk=peer.pk).update(last_error=error)
    checkpoints.maybe_checkpoint()
    return out

"""Federation writes: peers, recall notices across borders, cosignatures and alarms from peers, the hub's records.

Every write here is one atomic function taking the actor, checking it, writing its audit entry. Calls to peers happen
after the commit (`transaction.on_commit`) and are retried by ``truyxuat federation sync`` when a peer was down.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.permissions import Actor, require
from core import audit
from core.choices import AuditAction
from federation import client, identity
from federation.models import Peer
from ledger import note as ledger_note
from ledger import witness
from ledger.choices import AlarmKind
from ledger.models import LedgerAlarm, WitnessCosignature

log = logging.getLogger(__name__)


def _admin(actor: Actor) -> None:
    require(permissions.is_platform_admin(actor))


# --- peers -----------------------------------------------------------------------------------------------------


def fetch_identity(base_url: str, ledger_key: str) -> dict[str, Any]:
    """The peer's identity at `base_url`, verified with the ledger key typed by the admin (ValidationError)."""
    url = base_url.strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise ValidationError({"base_url": [_("Địa chỉ phải bắt đầu bằng http:// hoặc https://.")]})
    try:
        signed = client.get_text(url + "/.well-known/truyxuat-node")
    except client.Unreachable:
        log.warning("federation: %s", sys.exc_info()[1])
        raise ValidationError({"base_url": [_("Không kết nối được lúc này.")]}) from None
    try:
        return identity.open_document(signed, ledger_key)
    except identity.IdentityError:
        raise ValidationError({"ledger_key": [_("Khoá không khớp với khoá của tỉnh ở địa chỉ này.")]}) from None


def _apply(peer: Peer, doc: dict[str, Any]) -> None:
    peer.name = str(doc.get("name") or doc["origin"])[:200]
    peer.origin = doc["origin"]
    peer.witness_key = doc["witness_key"]
    peer.http_keyid = doc["http_signature"]["keyid"]
    peer.http_public_key = doc["http_signature"]["public_key"]
    peer.province_code = doc.get("province_code")
    peer.prefixes = [str(p) for p in doc["gs1_prefixes"]]
    peer.glns = [str(g) for g in doc["glns"]]
    peer.hub = bool(doc.get("hub"))


def add_peer(
    *, actor: Actor, base_url: str, ledger_key: str, confirmed: bool, share_before_publication: bool = False
) -> Peer:
    """A node admin adds a peer by URL and ledger key, having confirmed the key's fingerprint out of band. The
    identity is fetched before the transaction (no network call holds the database's write lock)."""
    _admin(actor)
    if not confirmed:
        raise ValidationError({"confirmed": [_("Cần xác nhận mã vân tay khoá đã được đối chiếu trực tiếp.")]})
    doc = fetch_identity(base_url, ledger_key)
    if doc["origin"] == identity.checkpoints.origin():
        raise ValidationError({"base_url": [_("Đây là chính hệ thống này.")]})
    return _store_peer(actor, base_url, ledger_key, share_before_publication, doc)


@transaction.atomic
def _store_peer(
    actor: Actor, base_url: str, ledger_key: str, share_before_publication: bool, doc: dict[str, Any]
) -> Peer:
    peer = Peer.objects.filter(origin=doc["origin"]).first() or Peer(base_url=base_url.strip().rstrip("/"))
    before = audit.snapshot(peer) if peer.pk else None
    peer.ledger_key = ledger_key.strip()
    peer.base_url = base_url.strip().rstrip("/")
    peer.share_before_publication = share_before_publication
    peer.active = True
    peer.added_by = permissions.person(actor)
    _apply(peer, doc)
    peer.save()
    audit.record(actor=actor, action=AuditAction.UPDATE if before else AuditAction.CREATE, instance=peer, before=before)
    return peer


@transaction.atomic
def set_policy(*, actor: Actor, peer: Peer, share_before_publication: bool, active: bool = True) -> Peer:
    _admin(actor)
    before = audit.snapshot(peer)
    peer.share_before_publication, peer.active = share_before_publication, active
    peer.save(update_fields=["share_before_publication", "active"])
    audit.record(actor=actor, action=AuditAction.UPDATE, instance=peer, before=before)
    return peer


def refresh_peer(*, actor: Actor, peer: Peer) -> Peer:
    """Read the peer's identity again (new organisations, prefixes, GLNs); its ledger key must not change."""
    doc = fetch_identity(peer.base_url, peer.ledger_key)
    with transaction.atomic():
        before = audit.snapshot(peer)
        _apply(peer, doc)
        peer.save()
        audit.record(actor=actor, action=AuditAction.UPDATE, instance=peer, before=before)
    return peer


# --- from peers: cosignatures and alarms -------------------------------------------------------------------------


@transaction.atomic
def accept_cosignature(*, peer: Peer, body: str) -> list[WitnessCosignature]:
    """A peer's cosignature/v1 over one of our checkpoints (its witness key is in its identity)."""
    return witness.add_cosignatures(body, extra_keys=[ledger_note.parse_verifier_key(peer.witness_key)])


@transaction.atomic
def receive_alarm(*, peer: Peer, payload: dict[str, Any]) -> LedgerAlarm:
    """A peer reports that our ledger (or its answer) did not verify: stored for this node's admins."""
    kind = str(payload.get("kind")) if payload.get("kind") in AlarmKind.values else str(AlarmKind.AUDIT)
    detail = f"{peer.name}: " + str(payload.get("detail", ""))[:2000]
    alarm = LedgerAlarm.objects.create(
        kind=kind, origin=str(payload.get("origin", ""))[:200], source=peer.base_url, detail=detail, evidence=payload
    )
    audit.record(actor=permissions.SYSTEM, action=AuditAction.CREATE, instance=alarm, reason=detail)
    return alarm

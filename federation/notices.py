"""Recalls across borders: a recall's reach into peers' lots becomes a signed recall notice with its evidence.

The origin's officer sends the notices of a recall (`send_notices`): the recall's lots are traced forward across the
nodes (`federation.trace`); every peer that vouches for a part of that chain, or that a recalled shipment went to,
gets one notice naming its lots, with the proof bundle of the recall's ledger record as evidence. The peer checks the
evidence with the origin's pinned ledger key (`receive_notice`), its officers see the notice in their queue, decide
locally, and acknowledge (`acknowledge_notice`); the acknowledgement goes back to the origin's recall page
(`receive_ack`). The recall itself is the `recalls` app's: nothing here changes its scope or its lots.
"""

from __future__ import annotations

import contextlib
import json
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.permissions import SYSTEM, Actor, require
from catalog import departments
from catalog.models import Lot
from core import audit
from core.choices import AuditAction
from federation import client, trace
from federation.choices import Direction, NoticeStatus
from federation.models import Peer, RecallNotice
from federation.selectors import Directory
from gs1.identifiers import InvalidIdentifier, key_of, parse_key
from ledger import checkpoints
from ledger import selectors as ledger_selectors
from ledger.bundle import verify_bundle
from notifications.choices import NotificationKind
from notifications.services import notify_officers
from recalls.models import Recall

log = logging.getLogger(__name__)
RECALL_RECORD = "recalls.recall"


def reach(recall: Recall) -> dict[Peer, set[str]]:
    """{peer: lots (canonical keys) of the recall's chain that the peer vouches for or received}."""
    directory = Directory.load()
    found: dict[Peer, set[str]] = {}
    for key in recall.lots.values_list("key", flat=True):
        for part in trace.federated_trace(key, "forward").parts:
            if part.local:
                continue
            peer = next((p for p in directory.peers if p.base_url == part.base_url), None)
            if peer is not None:
                lots = found.setdefault(peer, set())
                lots.add(part.key)
                for event in part.events:
                    lots.update(event["outputs"])
    for epc, destination in recall.shipments.values_list("epc", "destination"):
        peer = directory.owner(destination) if destination else None
        if peer is not None:
            with contextlib.suppress(ValueError):
                found.setdefault(peer, set()).add(key_of(epc))
    return found


def send_notices(*, actor: Actor, recall: Recall) -> list[RecallNotice]:
    """The origin's officer sends the recall to every peer it reaches (once per peer; sent after commit). The
    forward trace across the nodes runs before the transaction: no network call holds the write lock."""
    require(permissions.is_officer_for(actor, recall.organization))
    return _store_notices(actor, recall, reach(recall))


@transaction.atomic
def _store_notices(actor: Actor, recall: Recall, reached: dict[Peer, set[str]]) -> list[RecallNotice]:
    evidence = ledger_selectors.proof_bundle([(RECALL_RECORD, str(recall.pk))], subject={"recall": recall.code})
    out = []
    for peer, lots in reached.items():
        notice, created = RecallNotice.objects.get_or_create(
            direction=Direction.OUTGOING,
            peer=peer,
            code=recall.code,
            defaults={
                "recall": recall,
                "reason": recall.reason,
                "hazard_class": recall.hazard_class,
                "lots": sorted(lots),
                "evidence": evidence,
                "status": NoticeStatus.PENDING,
            },
        )
        if created:
            audit.record(
                actor=actor, action=AuditAction.CREATE, instance=notice, organization_id=recall.organization_id
            )
        out.append(notice)
    transaction.on_commit(deliver_pending)
    return out


def _payload(notice: RecallNotice) -> dict[str, Any]:
    return {
        "code": notice.code,
        "origin": checkpoints.origin(),
        "reason": notice.reason,
        "hazard_class": notice.hazard_class,
        "lots": notice.lots,
        "evidence": notice.evidence,
    }


def deliver_pending() -> int:
    """POST every notice not yet delivered and every acknowledgement not yet sent back; returns how many went."""
    sent = 0
    for notice in RecallNotice.objects.filter(direction=Direction.OUTGOING, status=NoticeStatus.PENDING).select_related(
        "peer"
    ):
        sent += _deliver(notice, "/federation/recalls/notice", _payload(notice), NoticeStatus.SENT)
    acks = RecallNotice.objects.filter(direction=Direction.INCOMING, status=NoticeStatus.ACKNOWLEDGED, sent_at=None)
    for notice in acks.select_related("peer"):
        payload = {
            "code": notice.code,
            "origin": checkpoints.origin(),
            "note": notice.ack_note,
            "by": notice.acknowledged_by,
            "at": notice.acknowledged_at.isoformat() if notice.acknowledged_at else "",
        }
        sent += _deliver(notice, "/federation/recalls/ack", payload, NoticeStatus.ACKNOWLEDGED)
    return sent


def _deliver(notice: RecallNotice, path: str, payload: dict[str, Any], status: str) -> int:
    try:
        client.post_json(notice.peer.base_url.rstrip("/") + path, payload)
    except client.Unreachable as exc:
        RecallNotice.objects.filter(pk=notice.pk).update(delivery_error=str(exc)[:1000])
        return 0
    RecallNotice.objects.filter(pk=notice.pk).update(status=status, sent_at=timezone.now(), delivery_error="")
    return 1


@transaction.atomic
def receive_notice(*, peer: Peer, payload: dict[str, Any]) -> RecallNotice:
    """A peer's signed recall notice; its evidence must prove the recall in the peer's ledger."""
    code = str(payload.get("code", ""))[:40]
    evidence = payload.get("evidence")
    report = verify_bundle(evidence or {}, pinned_key=peer.ledger_key)
    records = [json.loads(r["canonical"]) for r in (evidence or {}).get("records", [])] if report.ok else []
    if not code or not any(r.get("type") == RECALL_RECORD and r.get("data", {}).get("code") == code for r in records):
        raise ValidationError(_("Bằng chứng thu hồi không hợp lệ."))
    notice, created = RecallNotice.objects.get_or_create(
        direction=Direction.INCOMING,
        peer=peer,
        code=code,
        defaults={
            "reason": str(payload.get("reason", ""))[:5000],
            "hazard_class": str(payload.get("hazard_class", ""))[:3],
            "lots": [str(k) for k in payload.get("lots", [])][:1000],
            "evidence": evidence,
            "status": NoticeStatus.RECEIVED,
        },
    )
    if created:
        audit.record(actor=SYSTEM, action=AuditAction.CREATE, instance=notice, reason=f"{peer.name}: {code}")
        announce_notice(notice)
    return notice


def _local_lots(keys: list[str]) -> list[Lot]:
    """This node's lots among a notice's lot keys (any GS1 spelling); other keys are not ours."""
    pairs = set()
    for value in keys:
        try:
            key = parse_key(str(value))
        except InvalidIdentifier:
            continue
        if key.kind == "lgtin" and key.gtin14 and key.lot:
            pairs.add((key.gtin14, key.lot))
    if not pairs:
        return []
    match = Q()
    for gtin, lot_code in sorted(pairs):
        match |= Q(product__gtin=gtin, lot_code=lot_code)
    return list(Lot.objects.filter(match).select_related("product__organization").order_by("pk"))


def announce_notice(notice: RecallNotice) -> list[Any]:
    """A recall from another province needs an officer here: each lot of ours it names goes to the officers whose
    department covers the lot's group and commune (`catalog.departments.responsible_officers`, the routing of
    complaints and reviews), each told once; the notice also waits in the officers' queue whoever is told."""
    officers: dict[int, Any] = {}
    for lot in _local_lots(notice.lots):
        for officer in departments.responsible_officers(lot.product.organization, lot.product.category_id):
            officers.setdefault(officer.pk, officer)
    return notify_officers(
        officers.values(),
        kind=NotificationKind.RECALL,
        title=_("Thông báo thu hồi %(code)s từ %(peer)s") % {"code": notice.code, "peer": notice.peer.name},
        body=notice.reason[:1000],
        link=reverse("federation:notices"),
        about=notice,
    )


@transaction.atomic
def acknowledge_notice(*, actor: Actor, notice: RecallNotice, note: str = "") -> RecallNotice:
    """An officer of this node acknowledges a peer's notice (what was decided locally, in the note)."""
    require(permissions.is_agency_officer(actor) or permissions.is_platform_admin(actor))
    notice = RecallNotice.objects.select_for_update().get(pk=notice.pk, direction=Direction.INCOMING)
    if notice.status == NoticeStatus.ACKNOWLEDGED:
        raise ValidationError(_("Thông báo này đã được xác nhận."))
    before = audit.snapshot(notice)
    person = permissions.person(actor)
    notice.status = NoticeStatus.ACKNOWLEDGED
    notice.acknowledged_at = timezone.now()
    notice.acknowledged_by = (person.get_full_name() or person.username) if person else "system"
    notice.ack_note = note.strip()[:5000]
    notice.sent_at = None
    notice.save()
    audit.record(actor=actor, action=AuditAction.UPDATE, instance=notice, before=before)
    transaction.on_commit(deliver_pending)
    return notice


@transaction.atomic
def receive_ack(*, peer: Peer, payload: dict[str, Any]) -> RecallNotice:
    """A peer's acknowledgement of our notice, shown on the recall's page."""
    notice = (
        RecallNotice.objects.select_for_update()
        .filter(direction=Direction.OUTGOING, peer=peer, code=str(payload.get("code", "")))
        .first()
    )
    if notice is None:
        raise ValidationError(_("Không có thông báo thu hồi này."))
    before = audit.snapshot(notice)
    notice.status = NoticeStatus.ACKNOWLEDGED
    notice.acknowledged_at = timezone.now()
    notice.acknowledged_by = f"{peer.name}: " + str(payload.get("by", ""))[:150]
    notice.ack_note = str(payload.get("note", ""))[:5000]
    notice.save()
    audit.record(actor=SYSTEM, action=AuditAction.UPDATE, instance=notice, before=before)
    return notice

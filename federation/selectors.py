"""Reads: the peers, who is authoritative for an identifier, notices in an officer's queue, the hub's search."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db.models import Q, QuerySet

from catalog.folding import fold
from events.visibility import Visibility, gln_keys
from federation import identity
from federation.choices import Direction, HubKind
from federation.models import HubRecord, Peer, RecallNotice
from gs1.identifiers import GS1Key, parse_key
from ledger.models import LedgerAlarm


def peers() -> QuerySet[Peer]:
    return Peer.objects.filter(active=True)


def company_part(key: GS1Key) -> str | None:
    """The digits a GS1 company prefix starts: a GTIN-14 without its indicator digit, a GLN, an SSCC's."""
    if key.gtin14:
        return key.gtin14[1:]
    if key.gln:
        return key.gln
    if key.sscc:
        return key.sscc[1:]
    return None


@dataclass
class Directory:
    """The active peers and this node's own prefixes and GLNs, read once for a trace or a recall."""

    peers: list[Peer]

    @classmethod
    def load(cls) -> Directory:
        return cls(list(peers()))

    @cached_property
    def own_prefixes(self) -> list[str]:
        return identity.prefixes()

    @cached_property
    def own_glns(self) -> set[str]:
        return set(identity.glns())

    def owner(self, value: str | GS1Key) -> Peer | None:
        """The peer authoritative for an identifier (its GLN listed there, else the longest company prefix); None
        when it is this node's or nobody's."""
        try:
            key = parse_key(value) if isinstance(value, str) else value
        except ValueError:
            return None
        digits = company_part(key)
        if not digits:
            return None
        if key.gln and key.gln in self.own_glns:
            return None
        if key.gln:
            for peer in self.peers:
                if key.gln in peer.glns:
                    return peer
        best: tuple[int, Peer | None] = (0, None)
        for prefix in self.own_prefixes:
            if digits.startswith(prefix) and len(prefix) > best[0]:
                best = (len(prefix), None)
        for peer in self.peers:
            for prefix in peer.prefixes:
                if digits.startswith(prefix) and len(prefix) > best[0]:
                    best = (len(prefix), peer)
        return best[1]

    def hub(self) -> Peer | None:
        return next((p for p in self.peers if p.hub), None)


def authoritative_url(gtin: str, path: str) -> str | None:
    """Where a Digital Link this node does not know should go: the peer authoritative for the GTIN's prefix, else
    the hub (which knows every node); None when this node is authoritative or knows nobody."""
    directory = Directory.load()
    try:
        key = parse_key(f"https://id.gs1.org/01/{gtin}")
    except ValueError:
        return None
    peer = directory.owner(key)
    if peer is None:
        digits = company_part(key) or ""
        if any(digits.startswith(p) for p in directory.own_prefixes):
            return None
        peer = directory.hub()
    return peer.base_url.rstrip("/") + path if peer is not None else None


def peer_by_keyid(keyid: str) -> Peer | None:
    return peers().filter(http_keyid=keyid).first()


def public_keys() -> dict[str, str]:
    return dict(peers().values_list("http_keyid", "http_public_key"))


def peer_visibility(peer: Peer | None) -> Visibility:
    """What a peer's signed request sees of this node's events: the public ones, and, when this node shares with it
    before publication (`Peer.share_before_publication`), the shipping events addressed to its organisations (a GLN
    its identity lists and this node does not: a peer cannot claim our own organisations), those events only.
    An unsigned request (`peer` None) sees the public events."""
    if peer is None or not peer.share_before_publication:
        return Visibility()
    theirs = set(peer.glns) - set(identity.glns())
    return Visibility(shipment_keys=gln_keys(theirs))


def witness_list() -> list[dict[str, Any]]:
    """The active peers' witness keys as the verifier page reads them (`federation.api.witnesses`)."""
    return [
        {
            "name": p.name,
            "origin": p.origin,
            "province_code": p.province_code,
            "hub": p.hub,
            "witness_key": p.witness_key,
        }
        for p in peers().order_by("name", "pk")
    ]


def incoming_notices() -> QuerySet[RecallNotice]:
    return RecallNotice.objects.filter(direction=Direction.INCOMING).select_related("peer")


def outgoing_notices(recall_id: int | None = None) -> QuerySet[RecallNotice]:
    found = RecallNotice.objects.filter(direction=Direction.OUTGOING).select_related("peer", "recall")
    return found.filter(recall_id=recall_id) if recall_id is not None else found


def alarms() -> QuerySet[LedgerAlarm]:
    return LedgerAlarm.objects.all()


def national_search(query: str) -> QuerySet[HubRecord]:
    """Published lots of every node whose names, product, organisation or province match every word."""
    found = HubRecord.objects.filter(kind=HubKind.LOT).select_related("peer")
    for word in fold(query).split():
        found = found.filter(Q(search_text__contains=word))
    return found


def national_stats() -> list[HubRecord]:
    return list(HubRecord.objects.filter(kind=HubKind.STATS).select_related("peer").order_by("peer__name"))

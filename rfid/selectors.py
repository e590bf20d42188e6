"""Reads that the pages share: a gate's live state, a shipment's reads, where a lot's units were read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Min

from catalog.models import Lot
from logistics.models import LogisticUnit, Shipment
from rfid.models import GateSession, ReadPoint, TagRead

LOT_READS = 5


@dataclass
class GateState:
    session: GateSession | None
    expected: list[str] = field(default_factory=list)
    read: list[str] = field(default_factory=list)  # expected SSCCs read
    missing: list[str] = field(default_factory=list)
    unexpected: list[TagRead] = field(default_factory=list)  # ours, not expected
    foreign: list[TagRead] = field(default_factory=list)  # not ours: observed only
    recent: list[TagRead] = field(default_factory=list)


def _state(session: GateSession, reads: list[TagRead]) -> GateState:
    expected = list(session.expected)
    seen = {r.unit.sscc for r in reads if r.unit is not None and r.ours}
    state = GateState(session=session, expected=expected)
    state.read = [s for s in expected if s in seen]
    state.missing = [s for s in expected if s not in seen]
    wanted = set(expected)
    state.unexpected = [r for r in reads if r.ours and (r.unit is None or r.unit.sscc not in wanted)]
    if session.parent_sscc:
        state.unexpected = [r for r in state.unexpected if r.unit is None or r.unit.sscc != session.parent_sscc]
    state.foreign = [r for r in reads if not r.ours]
    state.recent = sorted(reads, key=lambda r: r.last_seen, reverse=True)[:10]
    return state


def gate_state(point: ReadPoint) -> GateState:
    """The read point's open session (else its last one) with what was expected, read, missing, unexpected."""
    session = GateSession.objects.filter(read_point=point).select_related("receiver").first()
    if session is None:
        return GateState(session=None)
    reads = list(TagRead.objects.filter(session=session).select_related("unit"))
    return _state(session, reads)


def shipment_reads(shipment: Shipment) -> list[tuple[GateSession, GateState]]:
    """Each gate session of the shipment (loading and receiving doors) with its state."""
    sessions = list(GateSession.objects.filter(public_id=shipment.public_id).select_related("read_point", "receiver"))
    reads: dict[int, list[TagRead]] = {s.pk: [] for s in sessions}
    for row in TagRead.objects.filter(session__in=sessions).select_related("unit"):
        reads[row.session_id or 0].append(row)
    return [(s, _state(s, reads[s.pk])) for s in sorted(sessions, key=lambda s: s.opened_at)]


def lot_reads(lot: Lot, limit: int = LOT_READS) -> list[dict[str, Any]]:
    """Where the lot's units (or a pallet with them) were read, for the lot's page: each read point once, with the
    first time one of them passed it ({"place", "at"}), latest first."""
    units = LogisticUnit.objects.filter(contents__lot=lot).values("pk")
    rows = (
        TagRead.objects.filter(unit__in=units, ours=True)
        .values("read_point__name")
        .annotate(at=Min("first_seen"))
        .order_by("-at")[:limit]
    )
    return [{"place": r["read_point__name"], "at": r["at"]} for r in rows]

"""Reads that the pages share: a gate's live state, a shipment's reads, where a lot's units were read, what there is
to label (units, stamp batches, returnable assets) and where each asset was last seen."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Min, QuerySet

from catalog.models import Lot, Organization
from logistics.models import LogisticUnit, Shipment
from rfid.models import AssetType, GateSession, ReadPoint, ReturnableAsset, TagRead
from stamps.choices import BatchStatus
from stamps.models import StampBatch

LOT_READS = 5


@dataclass
class GateState:
    session: GateSession | None
    expected: list[str] = field(default_factory=list)
    read: list[str] = field(default_factory=list)  # expected SSCCs read
    missing: list[str] = field(default_factory=list)
    unexpected: list[TagRead] = field(default_factory=list)  # ours, not expected
    assets: list[TagRead] = field(default_factory=list)  # our returnable assets (crates): observed, not goods
    foreign: list[TagRead] = field(default_factory=list)  # not ours: observed only
    recent: list[TagRead] = field(default_factory=list)


def _state(session: GateSession, reads: list[TagRead]) -> GateState:
    expected = list(session.expected)
    seen = {r.unit.sscc for r in reads if r.unit is not None and r.ours}
    state = GateState(session=session, expected=expected)
    state.read = [s for s in expected if s in seen]
    state.missing = [s for s in expected if s not in seen]
    wanted = set(expected)
    state.assets = [r for r in reads if r.ours and r.asset_id is not None]
    goods = [r for r in reads if r.asset_id is None]
    state.unexpected = [r for r in goods if r.ours and (r.unit is None or r.unit.sscc not in wanted)]
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
    reads = list(TagRead.objects.filter(session=session).select_related("unit", "asset__asset_type"))
    return _state(session, reads)


def shipment_reads(shipment: Shipment) -> list[tuple[GateSession, GateState]]:
    """Each gate session of the shipment (loading and receiving doors) with its state."""
    sessions = list(GateSession.objects.filter(public_id=shipment.public_id).select_related("read_point", "receiver"))
    reads: dict[int, list[TagRead]] = {s.pk: [] for s in sessions}
    for row in TagRead.objects.filter(session__in=sessions).select_related("unit", "asset__asset_type"):
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


def label_units(organization: Organization) -> QuerySet[LogisticUnit]:
    """The organisation's units not on a pallet (a pallet's labels print with its cartons'), latest packed first."""
    return (
        LogisticUnit.objects.filter(organization=organization, parent=None)
        .annotate(on_it=Count("children"))
        .order_by("-packed_at", "-id")
    )


def label_batches(organization: Organization) -> QuerySet[StampBatch]:
    """Approved stamp batches not yet marked printed: their check codes are still on the server, so their labels
    (PDF sheet, ZPL) can be made."""
    rows = StampBatch.objects.filter(organization=organization, status=BatchStatus.APPROVED, printed_at=None)
    return rows.select_related("product", "lot")


def asset_types(organization: Organization) -> QuerySet[AssetType]:
    return AssetType.objects.filter(organization=organization).annotate(count=Count("assets")).order_by("name", "id")


def assets(organization: Organization, asset_type: AssetType | None = None) -> QuerySet[ReturnableAsset]:
    """The organisation's returnable assets with where a gate last read them (any organisation's read point)."""
    rows = ReturnableAsset.objects.filter(organization=organization)
    if asset_type is not None:
        rows = rows.filter(asset_type=asset_type)
    return rows.select_related("asset_type", "last_seen_point__organization", "last_seen_point__facility")

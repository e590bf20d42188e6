"""Genealogy edges and shipments derived from events as they are captured.

* TransformationEvent: every input (EPC or class) → every output (`EdgeKind.TRANSFORMATION`). Events that
  share a `transformationID` are one transformation (EPCIS 2.0 §7.4.6): each new one also links its inputs to
  the outputs already recorded under that ID, and those inputs to its outputs (edges carry the new event).
* AggregationEvent ADD/OBSERVE: every child → the parent (`EdgeKind.AGGREGATION`); a trace walks it
  forward (the child travels inside the parent) and backward (what the parent contains).
* Each mention (`EventEpc`: event, identifier, role) records whether the event's edges end there (`EpcLink`,
  `link`), for a trace to tell which events lead out of it without reading the edges.
* ObjectEvent/AggregationEvent with bizStep `shipping` opens a `Shipment` per object from the source to
  the destination party; a later `receiving` of the same object closes the oldest open one, else it is
  recorded as an arrival on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db import connection

from core.storage.bulk import insert_rows
from events.choices import DST_ROLES, SRC_ROLES, EdgeKind, EpcLink, EpcRole
from events.epcis import EventIndex, Party
from events.graph import fetch_in
from events.models import EventEpc, LotEdge, Shipment
from gs1.identifiers import key_of

PARTY_PREFERENCE = ("owning_party", "possessing_party", "location")


_EPC, _EPC_CLASS, _INPUT, _INPUT_CLASS, _OUTPUT, _OUTPUT_CLASS, _PARENT = (
    int(role)
    for role in (
        EpcRole.EPC,
        EpcRole.EPC_CLASS,
        EpcRole.INPUT,
        EpcRole.INPUT_CLASS,
        EpcRole.OUTPUT,
        EpcRole.OUTPUT_CLASS,
        EpcRole.PARENT,
    )
)


def roles(idx: EventIndex) -> list[tuple[str, str, int]]:
    """(canonical key, as written, role) for every identifier the event mentions."""
    out: list[tuple[str, str, int]] = []
    for values, keys, role in (
        (idx.epcs, idx.epc_keys, _EPC),
        (idx.epc_classes, idx.epc_class_keys, _EPC_CLASS),
        (idx.input_epcs, idx.input_epc_keys, _INPUT),
        (idx.input_classes, idx.input_class_keys, _INPUT_CLASS),
        (idx.output_epcs, idx.output_epc_keys, _OUTPUT),
        (idx.output_classes, idx.output_class_keys, _OUTPUT_CLASS),
    ):
        if values:
            out += [(k, v, role) for v, k in zip(values, keys, strict=True)]
    if idx.parent_id and idx.parent_key:
        out.append((idx.parent_key, idx.parent_id, _PARENT))
    return out


def party(parties: list[Party], fallback: str | None) -> str:
    """The party an event names as source or destination: owner, then possessor, then location."""
    by_type = {p.type: p.key for p in parties}
    for typ in PARTY_PREFERENCE:
        if typ in by_type:
            return by_type[typ]
    if parties:
        return parties[0].key
    return key_of(fallback) if fallback else ""


SHIPMENT_TABLE = Shipment._meta.db_table
EpcRow = tuple[int, int, int, int]  # event id, key id, role, link (`EpcLink`)
EdgeRow = tuple[int, int, int, int, int | None]  # src key id, dst key id, kind, event id, organisation id


class Stored(Protocol):
    """A stored event as derive needs it (an `Event`, or the capture path's lighter row)."""

    pk: Any
    organization_id: int | None


class Ship:
    """A shipment row: new (pk None) or open in the database and closed by this batch."""

    __slots__ = ("destination", "key_id", "organization_id_denorm", "pk", "receive_event_id", "ship_event_id", "source")

    def __init__(
        self,
        key_id: int,
        ship_event_id: int | None,
        receive_event_id: int | None,
        source: str,
        destination: str,
        organization_id_denorm: int | None,
        pk: int | None = None,
    ) -> None:
        self.pk = pk
        self.key_id = key_id
        self.ship_event_id = ship_event_id
        self.receive_event_id = receive_event_id
        self.source = source
        self.destination = destination
        self.organization_id_denorm = organization_id_denorm


@dataclass
class Derived:
    """Rows derived from a batch of new (saved) events, inserted together at the end of the capture."""

    epcs: list[EpcRow] = field(default_factory=list)
    edges: list[EdgeRow] = field(default_factory=list)
    new_shipments: list[Ship] = field(default_factory=list)
    closed_shipments: list[Ship] = field(default_factory=list)


# Shipped and not yet received shipments of some identifiers. On SQLite the open-shipment condition is written
# `+receive_event_id IS NULL`, which no index serves: SQLite (without statistics) otherwise read a document's hundreds
# of identifiers' shipments from the index of every open shipment (12,302 at 1M events: 7-16 ms a document), not by
# identifier from `events_shipment_key` (0.5 ms). PostgreSQL, whose statistics choose the identifiers' index, keeps
# both columns of it.
OPEN_SHIPMENTS = (
    f"SELECT id, key_id, ship_event_id, source, destination, organization_id_denorm FROM {SHIPMENT_TABLE} "
    "WHERE {unindexed}receive_event_id IS NULL AND ship_event_id IS NOT NULL AND key_id IN ({{marks}}) ORDER BY id"
)


def open_shipments_query() -> str:
    """`OPEN_SHIPMENTS` for this connection (its `{marks}` left for `fetch_in`)."""
    return OPEN_SHIPMENTS.format(unindexed="+" if connection.vendor == "sqlite" else "")


def _open_shipments(key_ids: list[int]) -> dict[int, list[Ship]]:
    """Shipped and not yet received shipments of these identifiers, oldest first."""
    open_: dict[int, list[Ship]] = {}
    rows = fetch_in(open_shipments_query(), sorted(key_ids))
    for pk, key_id, ship_event_id, source, destination, org in sorted(rows):
        open_.setdefault(key_id, []).append(Ship(key_id, ship_event_id, None, source, destination, org, pk=pk))
    return open_


def derive(
    items: list[tuple[Stored, EventIndex]],
    ids: dict[str, int],
    mentions: list[list[tuple[str, str, int]]] | None = None,
) -> Derived:
    """Build the index rows, edges and shipments of stored events (`ids` maps canonical keys to row ids).

    `mentions`: each item's `roles(idx)`, when the caller computed them already (capture does, for `ids`).
    """
    out = Derived()
    receiving_keys: set[int] = set()
    for _event, idx in items:
        if idx.biz_step == "receiving":
            receiving_keys.update(ids[k] for k in _objects(idx))
    open_: dict[int, list[Ship]] = _open_shipments(list(receiving_keys)) if receiving_keys else {}
    transformations = _transformations(items)
    for i, (event, idx) in enumerate(items):
        org = event.organization_id
        first = len(out.edges)
        if idx.type == "TransformationEvent":
            ins = {ids[k] for k in idx.input_epc_keys + idx.input_class_keys}
            outs = {ids[k] for k in idx.output_epc_keys + idx.output_class_keys}
            pairs = {(s, d) for s in ins for d in outs}
            if idx.transformation_id:  # one transformation told in several events: all inputs → all outputs
                before_ins, before_outs = transformations.setdefault(idx.transformation_id, (set(), set()))
                pairs |= {(s, d) for s in ins for d in before_outs} | {(s, d) for s in before_ins for d in outs}
                before_ins |= ins
                before_outs |= outs
            out.edges += [_edge(s, d, EdgeKind.TRANSFORMATION, event, org) for s, d in sorted(pairs) if s != d]
        elif idx.type == "AggregationEvent" and idx.action in ("ADD", "OBSERVE") and idx.parent_key:
            parent = ids[idx.parent_key]
            children = {ids[k] for k in idx.epc_keys + idx.epc_class_keys}
            out.edges += [_edge(c, parent, EdgeKind.AGGREGATION, event, org) for c in children if c != parent]
        said = dict.fromkeys((ids[k], role) for k, _v, role in (mentions[i] if mentions is not None else roles(idx)))
        out.epcs += [(event.pk, key, role, link) for (key, role), link in links(list(said), out.edges[first:]).items()]
        if idx.biz_step == "shipping":
            src = party(idx.sources, idx.biz_location or idx.read_point)
            dst = party(idx.destinations, None)
            for kid in sorted({ids[k] for k in _objects(idx)}):
                sh = Ship(kid, event.pk, None, src, dst, org)
                out.new_shipments.append(sh)
                open_.setdefault(kid, []).append(sh)
        elif idx.biz_step == "receiving":
            src = party(idx.sources, None)
            dst = party(idx.destinations, idx.biz_location or idx.read_point)
            for kid in sorted({ids[k] for k in _objects(idx)}):
                pending = open_.get(kid)
                if pending:
                    sh = pending.pop(0)
                    sh.receive_event_id = event.pk
                    sh.destination = sh.destination or dst
                    sh.source = sh.source or src
                    if sh.pk is not None:
                        out.closed_shipments.append(sh)
                else:
                    out.new_shipments.append(Ship(kid, None, event.pk, src, dst, org))
    return out


def links(said: list[tuple[int, int]], edges: list[EdgeRow]) -> dict[tuple[int, int], int]:
    """{(key id, role): `EpcLink`} of an event's mentions (`said`, unique), given the event's `edges`.

    At a mention in a source role (`SRC_ROLES`) the edges are those leaving the key, in a destination role
    those arriving at it. NONE when there are none, MENTIONED when each one's other end is mentioned by the
    event in a role of the other side, FOREIGN when one is not (a transformationID's edges to the earlier
    events' lots) or when the event has an edge ending at the key on the side it does not mention the key
    in (the key an input here and an output of an earlier event of the same transformation): a trace reads
    the edges of such an event, it cannot tell from its mentions alone.
    """
    if not edges:
        return dict.fromkeys(said, int(EpcLink.NONE))
    srcs = {key for key, role in said if role in SRC_ROLES}
    dsts = {key for key, role in said if role in DST_ROLES}
    leaving: dict[int, list[int]] = {}
    arriving: dict[int, list[int]] = {}
    for src, dst, *_rest in edges:
        leaving.setdefault(src, []).append(dst)
        arriving.setdefault(dst, []).append(src)
    out: dict[tuple[int, int], int] = {}
    for key, role in said:
        if role in SRC_ROLES:
            ends, others, stray = leaving.get(key, ()), dsts, key in arriving and key not in dsts
        else:
            ends, others, stray = arriving.get(key, ()), srcs, key in leaving and key not in srcs
        if stray or any(end not in others for end in ends):
            out[key, role] = int(EpcLink.FOREIGN)
        else:
            out[key, role] = int(EpcLink.MENTIONED if ends else EpcLink.NONE)
    return out


def _transformations(items: list[tuple[Stored, EventIndex]]) -> dict[str, tuple[set[int], set[int]]]:
    """{transformationID: (input key ids, output key ids)} of TransformationEvents stored before this batch."""
    tids = sorted(
        {idx.transformation_id for _e, idx in items if idx.type == "TransformationEvent" and idx.transformation_id}
    )
    found: dict[str, tuple[set[int], set[int]]] = {}
    if not tids:
        return found
    inputs = (int(EpcRole.INPUT), int(EpcRole.INPUT_CLASS))
    outputs = (int(EpcRole.OUTPUT), int(EpcRole.OUTPUT_CLASS))
    rows = fetch_in(
        "SELECT e.transformation_id, x.key_id, x.role FROM events_event e "
        "JOIN events_eventepc x ON x.event_id = e.id "
        "WHERE e.type = 'TransformationEvent' AND e.transformation_id IN ({marks})",
        tids,
        chunk=500,
    )
    for tid, key_id, role in rows:
        ins, outs = found.setdefault(tid, (set(), set()))
        if role in inputs:
            ins.add(key_id)
        elif role in outputs:
            outs.add(key_id)
    return found


def _objects(idx: EventIndex) -> list[str]:
    objs = idx.epc_keys + idx.epc_class_keys
    if idx.parent_key:
        objs.append(idx.parent_key)
    return objs


def _edge(src: int, dst: int, kind: int, event: Stored, org: int | None) -> EdgeRow:
    return (src, dst, int(kind), event.pk, org)


def save(derived: Derived) -> None:
    """Insert the index rows, edges and new shipments; close the shipments that were received."""
    insert_rows(EventEpc._meta.db_table, ("event_id", "key_id", "role", "link"), derived.epcs)
    insert_rows(
        LotEdge._meta.db_table, ("src_id", "dst_id", "kind", "event_id", "organization_id_denorm"), derived.edges
    )
    insert_rows(
        Shipment._meta.db_table,
        ("key_id", "ship_event_id", "receive_event_id", "source", "destination", "organization_id_denorm"),
        [
            (sh.key_id, sh.ship_event_id, sh.receive_event_id, sh.source, sh.destination, sh.organization_id_denorm)
            for sh in derived.new_shipments
        ],
    )
    if derived.closed_shipments:
        table = connection.ops.quote_name(SHIPMENT_TABLE)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET receive_event_id = %s, source = %s, destination = %s WHERE id = %s",
                [(sh.receive_event_id, sh.source, sh.destination, sh.pk) for sh in derived.closed_shipments],
            )

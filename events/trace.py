"""Trace: one step back and one step forward (TCVN 12850), repeated to the whole chain, as each viewer may see it."""

from __future__ import annotations

from bisect import bisect_left
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from itertools import chain, repeat
from operator import itemgetter, neg
from typing import Any

from django.conf import settings

from core.errors import NotFound
from core.storage.alongside import alongside
from core.storage.collector import collector_paused
from events.choices import EDGE_KIND_NAMES
from events.graph import EdgeRow, fetch_in, walk, without_declared
from events.models import EpcKey
from events.trace_chain import Mention, event_codes, leading_out, mentions
from events.visibility import Visibility, public_event_ids, public_key_ids, visibility_for
from gs1.digital_link import DEFAULT_BASE
from gs1.identifiers import key_of

GS1_BASE = DEFAULT_BASE
_KIND_NAMES = {int(kind): name for kind, name in EDGE_KIND_NAMES.items()}
LotRow = tuple[int, str, str, str, str, str, str]  # id, key, kind, epc, gtin, lot code, serial


@dataclass
class TraceResult:
    """A trace, as the viewer may see it.

    `lots`: dicts {key, kind, gtin, lot, serial, epc, digital_link, depth} (depth < 0 upstream, 0 the root,
    > 0 downstream); `edges`: dicts {from, to, kind, event_id} naming lots by their `epc` (else key);
    `shipments`: dicts {epc, source, destination, ship_event_id, receive_event_id} (parties as GLN keys);
    `event_pks`: the chain's visible events (primary keys, for loading; which ones: see `trace`).
    """

    root: dict[str, Any]
    lots: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)
    event_pks: list[int] = field(default_factory=list)
    shipments: list[dict[str, Any]] = field(default_factory=list)


def node(
    row: tuple[int, str, str, str, str, str, str], depth: int | None = None, base: str | None = None
) -> dict[str, Any]:
    """One lot's dict (as `lot_nodes` builds them), without `depth` when none is given."""
    out = lot_nodes({row[0]: row}, [(row[0], 0 if depth is None else depth)], base)[0]
    if depth is None:
        del out["depth"]
    return out


def lot_nodes(
    rows: dict[int, tuple[int, str, str, str, str, str, str]],
    depths: Iterable[tuple[int, int]],
    base: str | None = None,
) -> list[dict[str, Any]]:
    """`node(rows[k], d, base)` for each (key id k, depth d), in that order."""
    return _dicts(((rows[k], d) for k, d in depths), settings.TRUYXUAT_PORTAL_URL if base is None else base)


def _dicts(pairs: Iterable[tuple[LotRow, int]], base: str) -> list[dict[str, Any]]:
    """The lots' dicts of (row, depth) pairs: one comprehension, for the thousands of a trace."""
    prefix, cut = GS1_BASE + "/", len(GS1_BASE)
    size = len(prefix)
    return [
        {
            "key": key,
            "kind": kind,
            "gtin": gtin or None,
            "lot": lot or None,
            "serial": serial or None,
            "epc": epc or key,
            "digital_link": base + key[cut:] if key[:size] == prefix else key,
            "depth": d,
        }
        for (_pk, key, kind, epc, gtin, lot, serial), d in pairs
    ]


def _chunked(sql: str, ids: list[int], chunk: int = 5000) -> list[tuple[Any, ...]]:
    """Run `sql` (with a `{marks}` placeholder for an IN list) over `ids` in chunks; all rows."""
    return fetch_in(sql, ids, chunk)


def key_rows(ids: list[int]) -> dict[int, LotRow]:
    """{id: (id, key, kind, epc, gtin, lot_code, serial)} of `EpcKey` rows (plain SQL: traces read thousands)."""
    return {row[0]: row for row in _lot_rows(ids)}


def _lot_rows(ids: list[int]) -> list[LotRow]:
    """(id, key, kind, epc, gtin, lot_code, serial) of these `EpcKey` rows."""
    return fetch_in("SELECT id, key, kind, epc, gtin, lot_code, serial FROM events_epckey WHERE id IN ({marks})", ids)


def _lots(rows: list[LotRow], depths: dict[int, int]) -> tuple[list[dict[str, Any]], dict[int, str]]:
    """The lots' dicts (as `lot_nodes` builds them) by depth, then key; and {key id: epc, else key}.

    The rows are sorted by key in C, then grouped by depth in that order: no per-lot lookups or tuples
    beyond the rows themselves (thousands of lots a trace).
    """
    rows.sort(key=itemgetter(1))
    depth_of = depths.__getitem__
    by_depth: dict[int, list[LotRow]] = {}
    for row in rows:
        d = depth_of(row[0])
        if d in by_depth:
            by_depth[d].append(row)
        else:
            by_depth[d] = [row]
    base = settings.TRUYXUAT_PORTAL_URL
    levels = sorted(by_depth)
    lots: list[dict[str, Any]] = []
    for d in levels:
        lots += _dicts(zip(by_depth[d], repeat(d)), base)
    ordered = chain.from_iterable(map(by_depth.__getitem__, levels))  # the rows in the order of `lots`
    return lots, dict(zip(map(itemgetter(0), ordered), map(itemgetter("epc"), lots), strict=True))


def _rewalk(root: int, edges: list[EdgeRow], forward: bool, allow: Any, max_depth: int | None) -> dict[int, int]:
    adjacency: dict[int, list[int]] = {}
    for row in edges:
        if allow(row):
            a, b = (row[0], row[1]) if forward else (row[1], row[0])
            adjacency.setdefault(a, []).append(b)
    depth = {root: 0}
    queue = deque([root])
    while queue:
        current = queue.popleft()
        if max_depth is not None and depth[current] >= max_depth:
            continue
        for nxt in adjacency.get(current, ()):
            if nxt not in depth:
                depth[nxt] = depth[current] + 1
                queue.append(nxt)
    return depth


def _edge_filter(vis: Visibility, edges: list[EdgeRow]) -> Any:
    """Edges are visible when their event is: the viewer's (or its province's) or public."""
    if vis.everything:
        return lambda row: True
    orgs = vis.organization_set()
    others = [row for row in edges if row[4] not in orgs]
    public = _public_among([(row[3], lot) for row in others for lot in (row[0], row[1])], {row[3] for row in others})
    return lambda row: row[4] in orgs or row[3] in public


def resolve(identifier: str) -> int | None:
    """The EpcKey id of an EPC URN or GS1 Digital Link (any host), or None when nothing mentions it."""
    found = fetch_in(f"SELECT id FROM {EpcKey._meta.db_table} WHERE key IN ({{marks}})", [key_of(identifier.strip())])
    return found[0][0] if found else None


def trace(identifier: str, *, direction: str = "both", max_depth: int | None = None, viewer: Any = None) -> TraceResult:
    """Trace a lot (EPC class URN or Digital Link; both forms are the same lot) backward, forward or both.

    The trace shows the viewer what a query would show it: only edges derived from events it may see are
    walked, and only events it may see are listed. Raises `NotFound` when no event it may see mentions the lot.

    The events listed are the chain's: every event that mentions a traced lot, except those that only record
    genealogy leading out of the trace. An event is left out when it is the event of a genealogy edge
    (transformation input → output, aggregation child → parent) with one end a traced lot and the other a lot
    not in the trace, and of no edge with both ends traced. For lot B made from A: the transformation A → B
    and A's own events (commissioning, inspection, shipping…) are listed, the transformation that made C from A
    is not (it is C's story; the EPCIS query still gives it to whoever may see it). The same holds both ways
    along an aggregation (a pallet's packing of another lot is that lot's story), and at `max_depth`: a lot at
    the limit keeps its own events, while those linking it only to lots beyond the limit are out. The rule is
    the same for every viewer and is applied before the visibility check (which then sees only the chain's
    events); `shipments` name only listed events. Events declared in error (`events.services.corrections`) are
    not listed, and their edges are gone from the walk: the corrective events tell the chain instead.
    """
    with collector_paused():  # thousands of short-lived row tuples: freed by reference counting, not scanned
        return _trace(identifier, direction, max_depth, viewer)


# From this many traced lots, a viewer who sees every event reads the mentions once per (event, code) (`event_codes`):
# large chains' events mention many traced lots each, so the DISTINCT saves work; a small chain made with an
# additive has many mentions, nearly all distinct, which the DISTINCT only sorts (figures: bench/README.md, "Trace").
CODES_FROM = 1_000


def _trace(identifier: str, direction: str, max_depth: int | None, viewer: Any) -> TraceResult:
    if direction not in ("backward", "forward", "both"):
        raise ValueError("direction must be backward, forward or both")
    root = resolve(identifier)
    if root is None:
        raise NotFound(f"Không có sự kiện nào về mã này / No event mentions this identifier: {identifier}")
    vis = visibility_for(viewer)
    # both ways: upstream read alongside while this thread walks downstream (core.storage.alongside)
    upstream = alongside(partial(walk, [root], False, max_depth)) if direction != "forward" else None
    downstream = walk([root], True, max_depth) if direction != "backward" else None
    walks = [(False, *upstream.result())] if upstream else []
    walks += [(True, *downstream)] if downstream else []
    used: list[EdgeRow] = [row for _forward, _found, edges in walks for row in edges]
    allow = _edge_filter(vis, used)  # one visibility read for both directions
    reaches = [
        (forward, found if vis.everything else _rewalk(root, edges, forward, allow, max_depth))
        for forward, found, edges in walks
    ]
    # the root at 0, then upstream lots at minus their depth, then those only downstream
    depths: dict[int, int] = {}
    for forward, reach in reversed(reaches):
        depths.update(reach if forward else zip(reach, map(neg, reach.values()), strict=True))
    depths[root] = 0
    nodes = set(depths)
    codes = vis.everything and len(nodes) >= CODES_FROM
    # the lots' rows and their shipments, each read alongside the events that mention them
    rows_later = alongside(lambda: _lot_rows(list(nodes)))
    shipments_later = alongside(lambda: shipment_rows(nodes))
    mentioned = event_codes(nodes) if codes else mentions(nodes)
    leaving = leading_out(nodes, walks, max_depth, mentioned, keyed=not codes)
    event_pks = without_declared(_events(mentioned, vis, leaving))  # an event declared in error is not the story
    if not event_pks and not vis.everything and not _sees_any(root, leaving, mentioned, vis):
        raise NotFound(f"Không có sự kiện nào về mã này / No event mentions this identifier: {identifier}")
    lots, ident = _lots(rows_later.result(), depths)
    visible = set(event_pks)
    ships = [row for row in shipments_later.result() if row[3] in visible or row[4] in visible]
    shipped = (set(map(itemgetter(3), ships)) | set(map(itemgetter(4), ships))) & visible
    event_ids = event_ids_of(set(map(itemgetter(3), used)) | shipped)
    kinds = _KIND_NAMES
    unique = dict.fromkeys(used)  # first occurrences in order (a row's organisation is its event's: no other twin)
    if not vis.everything:  # the admin's edges all join walked lots, and all are visible
        unique = {row: None for row in unique if row[0] in nodes and row[1] in nodes and allow(row)}
    edges_out = [
        {"from": ident[src], "to": ident[dst], "kind": kinds[kind], "event_id": event_ids[event]}
        for src, dst, kind, event, _org in unique
    ]
    shipments = [
        {
            "epc": ident[key_id],
            "source": source or None,
            "destination": destination or None,
            "ship_event_id": event_ids[ship] if ship in visible else None,
            "receive_event_id": event_ids[receive] if receive in visible else None,
        }
        for key_id, source, destination, ship, receive in ships
    ]
    root_node = lots[bisect_left(lots, 0, key=itemgetter("depth"))].copy()  # the one lot at depth 0
    return TraceResult(root=root_node, lots=lots, edges=edges_out, event_pks=event_pks, shipments=shipments)


SHIPMENT_ROWS = (
    "SELECT key_id, source, destination, ship_event_id, receive_event_id FROM events_shipment WHERE key_id IN ({marks})"
)


def shipment_rows(nodes: Iterable[int]) -> list[tuple[int, str, str, int | None, int | None]]:
    """(key id, source, destination, ship event pk, receive event pk) of the shipments of `nodes`. Events by
    primary key: a shipping event carries many lots (5,714 references to 230 events in a 5,759-lot trace), so
    their eventIDs are read once each (`event_ids_of`), not per shipment (a recall, with tens of thousands of
    events, keeps per-shipment lookups: see `events.services.recall`)."""
    return _chunked(SHIPMENT_ROWS, list(nodes))  # type: ignore[return-value]


def event_ids_of(pks: set[int]) -> dict[int, str]:
    """{primary key: eventID} of these events."""
    return dict(_chunked("SELECT id, event_id FROM events_event WHERE id IN ({marks})", sorted(pks)))


def _sees_any(root: int, leaving: set[int], found: list[Mention], vis: Visibility) -> bool:
    """Whether the viewer sees an event of `leaving` that mentions `root` (the lot is visible to it, though
    every event it sees of the lot leads out of the trace)."""
    candidates = [m for m in found if m[1] == root and m[0] in leaving]
    return bool(candidates) and bool(_events(candidates, vis, set()))


def _events(found: list[Mention], vis: Visibility, leaving: set[int]) -> list[int]:
    """Visible events of `found` (events mentioning traced lots), except those in `leaving`."""
    if vis.everything:
        return sorted(set(map(itemgetter(0), found)) - leaving)
    pairs = [(e, k) for e, k, _r in found if e not in leaving]
    events = {e for e, _k in pairs}
    orgs = vis.organization_set()
    mine: set[int] = set()
    if orgs:
        # each event's organisation by primary key (a join made PostgreSQL hash the whole events table)
        mine = {
            pk
            for pk, org in _chunked(
                "SELECT id, organization_id FROM events_event WHERE id IN ({marks})", sorted(events)
            )
            if org in orgs
        }
    return sorted(mine | _public_among(pairs, events - mine))


def _public_among(pairs: list[tuple[int, int]], candidates: set[int]) -> set[int]:
    """Those of `candidates` (events mentioning traced lots: `pairs` of event and lot) that mention a public lot.

    An event that mentions a public traced lot is public at once; only the others are checked against every
    lot they mention (`public_event_ids`, one join per mention). The chain's events only: checking an
    unpublished additive's other batches here made public traces slow (bench/README.md, "Trace").
    """
    if not candidates:
        return set()
    public_keys = public_key_ids({k for e, k in pairs if e in candidates})
    sure = {e for e, k in pairs if k in public_keys and e in candidates}
    return sure | public_event_ids(candidates - sure)

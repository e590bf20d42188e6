"""Trace: one step back and one step forward (TCVN 12850), repeated to the whole chain, as each viewer may see it."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from core.errors import NotFound
from events.choices import EDGE_KIND_NAMES, EdgeKind
from events.epcis import key_of
from events.graph import EdgeRow, walk
from events.models import EpcKey, EventEpc
from events.visibility import Visibility, public_event_ids, visibility_for

GS1_BASE = "https://id.gs1.org"


@dataclass
class TraceResult:
    """A trace, as the viewer may see it.

    `lots`: dicts {key, kind, gtin, lot, serial, epc, digital_link, depth} (depth < 0 upstream, 0 the root,
    > 0 downstream); `edges`: dicts {from, to, kind, event_id} naming lots by their `epc` (else key);
    `shipments`: dicts {epc, source, destination, ship_event_id, receive_event_id} (parties as GLN keys);
    `event_pks`: the visible events that mention any traced lot (primary keys, for loading).
    """

    root: dict[str, Any]
    lots: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)
    event_pks: list[int] = field(default_factory=list)
    shipments: list[dict[str, Any]] = field(default_factory=list)


def portal_link(key: str) -> str:
    """A canonical key (Digital Link on id.gs1.org) rebased on this portal; other keys as they are."""
    return settings.TRUYXUAT_PORTAL_URL + key[len(GS1_BASE) :] if key.startswith(GS1_BASE + "/") else key


def node(row: tuple[int, str, str, str, str, str, str], depth: int | None = None) -> dict[str, Any]:
    _pk, key, kind, epc, gtin, lot, serial = row
    out: dict[str, Any] = {
        "key": key,
        "kind": kind,
        "gtin": gtin or None,
        "lot": lot or None,
        "serial": serial or None,
        "epc": epc or key,
        "digital_link": portal_link(key),
    }
    if depth is not None:
        out["depth"] = depth
    return out


def key_rows(ids: list[int]) -> dict[int, tuple[int, str, str, str, str, str, str]]:
    rows: dict[int, tuple[int, str, str, str, str, str, str]] = {}
    for i in range(0, len(ids), 5000):
        for row in EpcKey.objects.filter(pk__in=ids[i : i + 5000]).values_list(
            "pk", "key", "kind", "epc", "gtin", "lot_code", "serial"
        ):
            rows[row[0]] = row
    return rows


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
    public = public_event_ids({row[3] for row in edges if row[4] not in orgs})
    return lambda row: row[4] in orgs or row[3] in public


def resolve(identifier: str) -> int | None:
    """The EpcKey id of an EPC URN or GS1 Digital Link (any host), or None when nothing mentions it."""
    return EpcKey.objects.filter(key=key_of(identifier.strip())).values_list("pk", flat=True).first()


def trace(identifier: str, *, direction: str = "both", max_depth: int | None = None, viewer: Any = None) -> TraceResult:
    """Trace a lot (EPC class URN or Digital Link; both forms are the same lot) backward, forward or both.

    The trace shows the viewer what a query would show it: only edges derived from events it may see are
    walked, and only events it may see are listed. Raises `NotFound` when no event it may see mentions the lot.
    """
    if direction not in ("backward", "forward", "both"):
        raise ValueError("direction must be backward, forward or both")
    root = resolve(identifier)
    if root is None:
        raise NotFound(f"Không có sự kiện nào về mã này / No event mentions this identifier: {identifier}")
    vis = visibility_for(viewer)
    depths: dict[int, int] = {root: 0}
    used: list[EdgeRow] = []
    for forward in (False, True):
        if direction == ("forward" if not forward else "backward"):
            continue
        found, edges = walk([root], forward, max_depth)
        used += edges
        allow = _edge_filter(vis, edges)
        reach = found if vis.everything else _rewalk(root, edges, forward, allow, max_depth)
        for key_id, d in reach.items():
            if key_id != root:
                depths.setdefault(key_id, d if forward else -d)
    nodes = set(depths)
    allow = _edge_filter(vis, used)
    event_pks = _events(nodes, vis)
    if not event_pks and not vis.everything:
        raise NotFound(f"Không có sự kiện nào về mã này / No event mentions this identifier: {identifier}")
    rows = key_rows(list(nodes))
    ident = {pk: (r[3] or r[1]) for pk, r in rows.items()}
    edge_events = {row[3] for row in used}
    event_ids = _event_ids(edge_events)
    seen: set[tuple[int, int, int, int]] = set()
    edges_out = []
    for row in used:
        sig = (row[0], row[1], row[2], row[3])
        if sig in seen or row[0] not in nodes or row[1] not in nodes or not allow(row):
            continue
        seen.add(sig)
        edges_out.append(
            {
                "from": ident[row[0]],
                "to": ident[row[1]],
                "kind": EDGE_KIND_NAMES[EdgeKind(row[2])],
                "event_id": event_ids[row[3]],
            }
        )
    lots = sorted((node(rows[k], d) for k, d in depths.items()), key=lambda n: (n["depth"], n["key"]))
    shipments = _shipments(nodes, set(event_pks), ident)
    return TraceResult(root=node(rows[root], 0), lots=lots, edges=edges_out, event_pks=event_pks, shipments=shipments)


def _shipments(nodes: set[int], visible: set[int], ident: dict[int, str]) -> list[dict[str, Any]]:
    from events.models import Event, Shipment

    ids = list(nodes)
    rows = []
    for i in range(0, len(ids), 5000):
        rows += list(
            Shipment.objects.filter(key_id__in=ids[i : i + 5000]).values_list(
                "key_id", "source", "destination", "ship_event_id", "receive_event_id"
            )
        )
    rows = [r for r in rows if (r[3] in visible) or (r[4] in visible)]
    names = dict(
        Event.objects.filter(pk__in=[p for r in rows for p in r[3:5] if p in visible]).values_list("pk", "event_id")
    )
    return [
        {
            "epc": ident[key_id],
            "source": source or None,
            "destination": destination or None,
            "ship_event_id": names.get(ship) if ship else None,
            "receive_event_id": names.get(receive) if receive else None,
        }
        for key_id, source, destination, ship, receive in rows
    ]


def _event_ids(pks: set[int]) -> dict[int, str]:
    from events.models import Event

    ids = list(pks)
    out: dict[int, str] = {}
    for i in range(0, len(ids), 5000):
        out.update(Event.objects.filter(pk__in=ids[i : i + 5000]).values_list("pk", "event_id"))
    return out


def _events(nodes: set[int], vis: Visibility) -> list[int]:
    """Visible events mentioning any of `nodes`."""
    ids = list(nodes)
    orgs = None if vis.everything else vis.organization_set()
    events: dict[int, int | None] = {}
    for i in range(0, len(ids), 5000):
        events.update(
            EventEpc.objects.filter(key_id__in=ids[i : i + 5000]).values_list("event_id", "event__organization_id")
        )
    if orgs is None:
        return sorted(events)
    mine = {pk for pk, org in events.items() if org in orgs}
    return sorted(mine | public_event_ids(set(events) - mine))

"""Which events a trace lists: the chain's, not every event of every traced lot (the rule is in `trace.trace`)."""

from __future__ import annotations

from events.choices import EpcRole
from events.graph import EdgeRow, fetch_in

Mention = tuple[int, int, int]  # event pk, key id, role
Walk = tuple[bool, dict[int, int], list[EdgeRow]]  # forward, {key id: depth}, edges read
# the roles in which a lot is an edge's src (an input, an aggregated child) or its dst (an output, the parent);
# EPC and EPC_CLASS are also an ObjectEvent's, which has no edges
SRC_ROLES = frozenset({int(EpcRole.INPUT), int(EpcRole.INPUT_CLASS), int(EpcRole.EPC), int(EpcRole.EPC_CLASS)})
DST_ROLES = frozenset({int(EpcRole.OUTPUT), int(EpcRole.OUTPUT_CLASS), int(EpcRole.PARENT)})


def mentions(nodes: set[int]) -> list[Mention]:
    """(event, traced lot, role) of every event mentioning one of `nodes`, from the covering (key, role, event)
    index."""
    return fetch_in("SELECT event_id, key_id, role FROM events_eventepc WHERE key_id IN ({marks})", sorted(nodes))


def leading_out(nodes: set[int], walks: list[Walk], max_depth: int | None, found: list[Mention]) -> set[int]:
    """Those events of `found` (the `mentions` of `nodes`) that only record genealogy leading out of the trace:
    the event of an edge with one end in `nodes` and the other not, and of no edge with both ends in `nodes`.

    An edge's event mentions at least one of its ends, in the edge's role (an input or child as src, an
    output or parent as dst; events sharing a transformationID add edges to ends told in the other events).
    So reading, for the events not yet known to be inside, the edges on that side of the traced lots they
    mention finds every edge of theirs with both ends traced, and one at least if they have any: each is
    inside, leads out, or has no edges (an ObjectEvent). A walk read its side (src going forward, dst going
    backward) of every lot it expanded (those short of `max_depth`); the other side is read here, only for
    the lots that need it, from the covering indexes (`events_edge_fwd` by src, `events_edge_back` by dst),
    one row per event. For a lot whose ancestor is an additive (a fertiliser mixed into thousands of
    batches) that is one index range of that ancestor's edges, against a visibility check per event had
    they been listed.
    """
    read_src: set[int] = set()  # lots whose edges as src have all been read (by a forward walk)
    read_dst: set[int] = set()
    inside: set[int] = set()
    out: set[int] = set()
    for forward, depths, edges in walks:
        (read_src if forward else read_dst).update(k for k, d in depths.items() if max_depth is None or d < max_depth)
        if all(k in nodes for k in depths):  # every lot the walk found is traced (always, for the admin)
            inside.update(row[3] for row in edges)
            continue
        for src, dst, _kind, event, _org in edges:  # a viewer's walk also read edges it may not follow
            if src in nodes:
                (inside if dst in nodes else out).add(event)
            elif dst in nodes:
                out.add(event)
    need_src: set[int] = set()
    need_dst: set[int] = set()
    for event, key, role in found:
        if event not in inside:
            if role in SRC_ROLES:
                if key not in read_src:
                    need_src.add(key)
            elif key not in read_dst:
                need_dst.add(key)
    # an unread edge from need_src ends either outside the trace, or at a traced lot whose dst side is unread
    _classify("src_id", "dst_id", need_src, nodes - read_dst, inside, out)
    _classify("dst_id", "src_id", need_dst, nodes - read_src, inside, out)
    return out - inside


PAIR_PROBES = 20_000  # up to this many (near, far) pairs, probe them in the index; past it, test far per edge


def _classify(near: str, far: str, ids: set[int], targets: set[int], inside: set[int], out: set[int]) -> None:
    """Add the events of the edges whose `near` end is one of `ids` to `out`, and to `inside` those of them with
    an edge ending at one of `targets` (lots of the trace whose edges on that side were not read). Their other
    edges end outside the trace, or at lots whose edges were read (those events are already inside).

    Rows come one per event (DISTINCT, in the database). The `targets` are written as integer literals, an IN
    list both databases hash (SQLite's IN table, PostgreSQL's hashed ANY of a constant array). With few
    (near, far) pairs (an additive ancestor: a few lots, thousands of edges) the edges' events are read
    once and the pairs probed in the index; with many (a hub: thousands of lots, an edge or two each) each
    edge's far end is tested in the same read (`+ 0` keeps it out of the index condition, where every pair
    would be a probe).
    """
    if not ids:
        return
    near_ids = sorted(ids)
    edges = f"FROM events_lotedge WHERE {near} IN ({{marks}})"
    listed = ",".join(str(int(k)) for k in sorted(targets))
    if targets and len(ids) * len(targets) > PAIR_PROBES:
        for event, traced in fetch_in(f"SELECT DISTINCT event_id, {far} + 0 IN ({listed}) {edges}", near_ids):
            (inside if traced else out).add(event)
        return
    out.update(e for (e,) in fetch_in(f"SELECT DISTINCT event_id {edges}", near_ids))
    if targets:
        inside.update(e for (e,) in fetch_in(f"SELECT DISTINCT event_id {edges} AND {far} IN ({listed})", near_ids))

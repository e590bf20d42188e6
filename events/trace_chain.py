"""Which events a trace lists: the chain's, not every event of every traced lot (the rule is in `trace.trace`)."""

from __future__ import annotations

from operator import itemgetter

from events.choices import DST_ROLES, SRC_ROLES, EpcLink
from events.graph import EdgeRow, fetch_in

# event pk, key id, and how: the mention's role + LINK * its `EpcLink` (`trace` reads the first two only)
Mention = tuple[int, int, int]
Walk = tuple[bool, dict[int, int], list[EdgeRow]]  # forward, {key id: depth}, edges read
LINK = 16  # above every EpcRole
_FOREIGN = int(EpcLink.FOREIGN)
_SRC_LINKED = frozenset(role + LINK * link for role in SRC_ROLES for link in (EpcLink.MENTIONED, EpcLink.FOREIGN))
_DST_LINKED = frozenset(role + LINK * link for role in DST_ROLES for link in (EpcLink.MENTIONED, EpcLink.FOREIGN))


MENTIONS = f"SELECT event_id, key_id, role + {LINK} * link FROM events_eventepc WHERE key_id IN ({{marks}})"
# the same rows without their lot, once each: what a viewer who sees every event needs of them
EVENT_CODES = f"SELECT DISTINCT event_id, 0, role + {LINK} * link FROM events_eventepc WHERE key_id IN ({{marks}})"
LINKED = (
    f"SELECT event_id, key_id, role + {LINK} * link FROM events_eventepc WHERE event_id IN ({{marks}}) AND link > 0"
)


def mentions(nodes: set[int]) -> list[Mention]:
    """(event, traced lot, role + LINK * link) of every event mentioning one of `nodes`, from the covering
    (key, role, event, link) index."""
    return fetch_in(MENTIONS, sorted(nodes))


def event_codes(nodes: set[int]) -> list[Mention]:
    """(event, 0, role + LINK * link) once per event and code of the `mentions` of `nodes` (the same index).

    For a viewer who sees every event, whose trace needs only which events mention the traced lots, and
    how: a large chain's events mention many traced lots each, and building and freeing the tuples in Python
    cost more than the database's DISTINCT (figures: bench/README.md, "Trace").
    `leading_out` reads the lots back for the few events that need them.
    """
    return fetch_in(EVENT_CODES, sorted(nodes))


def leading_out(
    nodes: set[int], walks: list[Walk], max_depth: int | None, found: list[Mention], keyed: bool = True
) -> set[int]:
    """Those events of `found` (the `mentions` of `nodes`, or when not `keyed` their `event_codes`) that only
    record genealogy leading out of the trace:
    the event of an edge with one end in `nodes` and the other not, and of no edge with both ends in `nodes`.

    Told by the mentions' `EpcLink` (`genealogy.links`), without reading the edges of the traced lots (an
    additive has a great many). Every edge of an event has an end the event mentions on that side (an
    input or child as source, an output or parent as destination) whose link is then not NONE, and a traced
    end the event does not mention on its side makes the other end's link, or a link at that lot, FOREIGN.
    So an event whose traced mentions are all NONE has no edge at a traced lot: it is listed. Of the others
    (they touch the trace), those are inside (listed) whose edges the walks read with both ends traced
    (`walks`: the trace's, with the edges they read; `max_depth` is not needed), those with linked traced
    mentions on both sides at two lots (a TransformationEvent links every input to every other output, an
    aggregation every child to its parent), and those FOREIGN ones with an edge of their own between two
    traced lots: only those events' edges are read (by event, a few rows each). The rest lead out.
    A few passes over `found` (milliseconds even for a lot made with an additive: bench/README.md). Without
    the lots (`event_codes`), those of two traced lots linked on either side are told by reading the linked
    mentions of the events that have some on both sides (`LINKED`, by event: rarely any, and a few rows each).
    """
    codes = set(map(itemgetter(2), found))
    if max(codes, default=0) < LINK:
        return set()
    touched = {e for e, _k, how in found if how >= LINK}  # events with an edge at a traced lot
    inside: set[int] = set()  # first, the events of edges the walks read with both ends traced
    for _forward, depths, edges in walks:
        if nodes.issuperset(depths):  # every lot the walk found is traced (always, for the admin)
            inside.update(map(itemgetter(3), edges))
        else:
            inside.update(row[3] for row in edges if row[0] in nodes and row[1] in nodes)
    if codes & _DST_LINKED and codes & _SRC_LINKED:  # then two traced lots linked on either side, not one
        maybe = {e for e, _k, how in found if how in _DST_LINKED} - inside
        linked = found
        if maybe and not keyed:  # only those with a linked traced mention on both sides can be inside
            maybe &= {e for e, _k, how in found if how in _SRC_LINKED}
            linked = [m for m in fetch_in(LINKED, sorted(maybe)) if m[1] in nodes] if maybe else []
        src: dict[int, set[int]] = {}
        dst: dict[int, set[int]] = {}
        for e, k, how in linked if maybe else ():
            if how >= LINK and e in maybe:
                (src if how in _SRC_LINKED else dst).setdefault(e, set()).add(k)
        inside.update(e for e, keys in src.items() if len(keys | dst[e]) > 1)
    if max(codes) >= _FOREIGN * LINK:
        inside |= _inside({e for e, _k, how in found if how >= _FOREIGN * LINK} - inside, nodes)
    return touched - inside


PAIR_PROBES = 20_000  # up to this many (event, lot) pairs, the database tests the ends; past it, Python does


def _inside(events: set[int], nodes: set[int]) -> set[int]:
    """Those of `events` with an edge whose ends are both in `nodes`, by their edges (the lot edge event index).

    The traced lots are written as integer literals, an IN list both databases hash, when events × lots is
    small (`+ 0` keeps them out of the index choice: probing the traced lots' edges by src would read an
    additive's thousands); otherwise the events' edges come back and are tested here.
    """
    if not events:
        return set()
    ids = sorted(events)
    if len(ids) * len(nodes) <= PAIR_PROBES:
        listed = ",".join(str(int(k)) for k in sorted(nodes))
        ends = f"src_id + 0 IN ({listed}) AND dst_id + 0 IN ({listed})"
        sql = f"SELECT DISTINCT event_id FROM events_lotedge WHERE event_id IN ({{marks}}) AND {ends}"
        return {e for (e,) in fetch_in(sql, ids)}
    rows = fetch_in("SELECT event_id, src_id, dst_id FROM events_lotedge WHERE event_id IN ({marks})", ids)
    return {e for e, s, d in rows if s in nodes and d in nodes}

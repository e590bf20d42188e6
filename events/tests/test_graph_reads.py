"""The fast read paths of trace and recall give what the plain definitions give (both databases)."""

from __future__ import annotations

import random
from collections import deque

import pytest

from catalog.models import Organization
from events import graph
from events.graph import reach, walk
from events.models import Capture, EpcKey, Event, EventEpc, LotEdge
from events.services.recall import downstream
from events.tests.helpers import lgtin
from events.visibility import public_event_ids, public_keys

pytestmark = pytest.mark.django_db


def _reference_public(ids: list[int]) -> set[int]:
    """The definition: events that mention a key of a public lot (the ORM's subquery over all public keys)."""
    return set(EventEpc.objects.filter(event_id__in=ids, key__in=public_keys()).values_list("event_id", flat=True))


@pytest.mark.parametrize(
    ("lot_status", "org_status", "public"),
    [
        ("published", "approved", True),
        ("recalled", "approved", True),
        ("draft", "approved", False),
        ("submitted", "approved", False),
        ("published", "suspended", False),
        ("published", "pending", False),
    ],
)
def test_public_event_ids_by_lot_and_organisation_status(chain, organization, lot_status, org_status, public):
    chain.lot_a.status = lot_status
    chain.lot_a.save(update_fields=["status"])
    Organization.objects.filter(pk=organization.pk).update(status=org_status)
    ids = list(Event.objects.values_list("pk", flat=True))
    a_key = EpcKey.objects.get(key=chain.a).pk
    mention_a = set(EventEpc.objects.filter(key_id=a_key).values_list("event_id", flat=True))
    found = public_event_ids(ids)
    assert found == _reference_public(ids)
    assert found == (mention_a if public else set())
    assert public_event_ids([]) == set()


def _graph(n_keys: int, edges: list[tuple[int, int]]) -> list[int]:
    """`n_keys` lots and the genealogy `edges` between them (indexes into the lots); their EpcKey ids."""
    capture = Capture.objects.create(status="success")
    event = Event.objects.create(
        event_id="urn:uuid:00000000-0000-4000-8000-000000000001",
        type="ObjectEvent",
        event_time="2026-11-01T01:00:00Z",
        event_time_zone_offset="+07:00",
        record_time="2026-11-01T01:00:00Z",
        capture=capture,
        body="{}",
    )
    EpcKey.objects.bulk_create(
        [EpcKey(key=lgtin("08938501000014", f"G{i}"), kind="lgtin") for i in range(n_keys)], batch_size=2000
    )
    ids = dict(EpcKey.objects.filter(key__contains="/10/G").values_list("key", "pk"))
    keys = [ids[lgtin("08938501000014", f"G{i}")] for i in range(n_keys)]
    LotEdge.objects.bulk_create(
        [LotEdge(src_id=keys[a], dst_id=keys[b], kind=1, event=event) for a, b in edges], batch_size=2000
    )
    return keys


def _bfs(roots: list[int], edges: list[tuple[int, int]], max_depth: int | None = None) -> dict[int, int]:
    adjacency: dict[int, list[int]] = {}
    for a, b in edges:
        adjacency.setdefault(a, []).append(b)
    depth = dict.fromkeys(roots, 0)
    queue = deque(roots)
    while queue:
        here = queue.popleft()
        if max_depth is not None and depth[here] >= max_depth:
            continue
        for there in adjacency.get(here, ()):
            if there not in depth:
                depth[there] = depth[here] + 1
                queue.append(there)
    return depth


@pytest.mark.parametrize("join_from", [None, 1])
def test_reach_and_downstream_match_breadth_first_search(monkeypatch, join_from):
    if join_from is not None:  # every level joined as a relation on PostgreSQL (probed id by id on SQLite)
        monkeypatch.setattr(graph, "JOIN_FROM", join_from)
    rng = random.Random(7)
    n = 400
    # layered mixing and splitting, plus back edges (aggregation parent → child) making cycles
    edges = {(a, b) for a in range(n) for b in rng.sample(range(n), 3) if b > a or rng.random() < 0.05}
    keys = _graph(n, sorted(edges))
    by_id = [(keys[a], keys[b]) for a, b in sorted(edges)]
    back = [(b, a) for a, b in by_id]
    for roots in ([keys[0]], [keys[5], keys[17], keys[300]], [keys[399]]):
        for max_depth in (None, 1, 2, 5):
            expected = _bfs(roots, by_id, max_depth)
            assert reach(roots, True, max_depth) == expected
            assert walk(roots, True, max_depth)[0] == expected
            assert downstream(roots, max_depth) == expected
            assert reach(roots, False, max_depth) == _bfs(roots, back, max_depth)


@pytest.mark.parametrize("join_from", [None, 1])
def test_reach_over_more_ids_than_one_batch(monkeypatch, join_from):
    if join_from is not None:
        monkeypatch.setattr(graph, "JOIN_FROM", join_from)
    # a star of 6,000 lots: the second level's frontier is read in several batches on SQLite
    n = 6001
    edges = [(0, i) for i in range(1, n)] + [(i, 0) for i in range(1, n, 7)] + [(i, i + 1) for i in range(1, n - 1)]
    keys = _graph(n, edges)
    by_id = [(keys[a], keys[b]) for a, b in edges]
    assert reach([keys[0]], True) == _bfs([keys[0]], by_id)
    assert downstream([keys[0]]) == _bfs([keys[0]], by_id)
    assert reach([keys[3]], False) == _bfs([keys[3]], [(b, a) for a, b in by_id])


def test_public_event_ids_over_more_ids_than_one_batch(chain):
    events = list(Event.objects.values_list("pk", flat=True))
    found = public_event_ids(list(range(10**9, 10**9 + 6000)) + events)
    assert found == _reference_public(events) != set()


def test_the_planner_is_told_how_many_lots_the_edges_join():
    """Migration 0014: on PostgreSQL the edges' ends carry `n_distinct` as a fraction of the rows (a sample of the
    clustered ends made the planner merge-join a recall's level over the whole edge index); SQLite has no such
    setting and plans these reads from the covering indexes."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT attname, attoptions FROM pg_attribute WHERE attrelid = 'events_lotedge'::regclass "
                "AND attname IN ('src_id', 'dst_id')"
            )
            assert dict(cursor.fetchall()) == {"src_id": ["n_distinct=-0.5"], "dst_id": ["n_distinct=-0.35"]}
        else:  # the covering indexes SQLite reads the ends from
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events_lotedge'")
            assert {"events_edge_fwd", "events_edge_back"} <= {name for (name,) in cursor.fetchall()}

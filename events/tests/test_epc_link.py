"""`EventEpc.link`: whether an event's genealogy edges end at a mention, set at capture and filled by 0007."""

from __future__ import annotations

import importlib
import random
from typing import Any

import pytest
from django.db import connection

from accounts.permissions import SYSTEM
from catalog.tests.factories import ProductFactory
from core.errors import NotFound
from events import selectors
from events.choices import EpcLink, EpcRole
from events.models import EpcKey, Event, EventEpc
from events.services import capture_events
from events.services.genealogy import links
from events.tests.helpers import aggregation, lgtin, object_event, transformation
from events.tests.test_trace_chain import _reference, _sscc

pytestmark = pytest.mark.django_db
NONE, MENTIONED, FOREIGN = EpcLink.NONE, EpcLink.MENTIONED, EpcLink.FOREIGN
IN, OUT, CHILD, PARENT = EpcRole.INPUT_CLASS, EpcRole.OUTPUT_CLASS, EpcRole.EPC_CLASS, EpcRole.PARENT
PALLET = _sscc(1)
fill = importlib.import_module("events.migrations.0007_eventepc_link").fill


def _capture(organization, events: dict[str, dict[str, Any]]) -> dict[int, str]:
    capture_events(actor=SYSTEM, organization=organization, events=list(events.values()))
    stored = Event.objects.order_by("-pk")[: len(events)]
    return {e.pk: name for e, name in zip(reversed(stored), events, strict=True)}


def _links(names: dict[int, str]) -> dict[tuple[str, str, int], int]:
    """{(event name, lot code or key, role): link} of the named events' mentions."""
    keys = {pk: (lot or key) for pk, key, lot in EpcKey.objects.values_list("pk", "key", "lot_code")}
    rows = EventEpc.objects.filter(event_id__in=names).values_list("event_id", "key_id", "role", "link")
    return {(names[e], keys[k], role): link for e, k, role, link in rows}


def _half(inputs: list[str], outputs: list[str], tid: str, hour: int = 8) -> dict[str, Any]:
    """A TransformationEvent telling part of transformation `tid`."""
    event = transformation(inputs, outputs, time=f"2026-11-04T{hour:02d}:00:00+07:00")
    if not outputs:
        del event["outputQuantityList"]
    if not inputs:
        del event["inputQuantityList"]
    return {**event, "transformationID": f"urn:uuid:00000000-0000-4000-8000-{tid:0>12}"}


def test_links_without_edges_or_between_mentions(organization):
    gtin = ProductFactory(organization=organization).gtin
    a, b, c, d = (lgtin(gtin, code) for code in ("A", "B", "C", "D"))
    unpacked = {**aggregation(PALLET, [b], time="2026-11-07T08:00:00+07:00"), "action": "DELETE"}
    names = _capture(
        organization,
        {
            "made": object_event([a]),
            "split": transformation([a], [b, c]),
            "packed": aggregation(PALLET, [b]),
            "unpacked": unpacked,  # no edges: DELETE takes apart
            "rework": transformation([c], [c, d], time="2026-11-05T09:00:00+07:00"),  # C → C is no edge
            "same": transformation([d], [d], time="2026-11-05T10:00:00+07:00"),
        },
    )
    assert _links(names) == {
        ("made", "A", CHILD): NONE,
        ("split", "A", IN): MENTIONED,
        ("split", "B", OUT): MENTIONED,
        ("split", "C", OUT): MENTIONED,
        ("packed", "B", CHILD): MENTIONED,
        ("packed", PALLET, PARENT): MENTIONED,
        ("unpacked", "B", CHILD): NONE,
        ("unpacked", PALLET, PARENT): NONE,
        ("rework", "C", IN): MENTIONED,
        ("rework", "C", OUT): NONE,
        ("rework", "D", OUT): MENTIONED,
        ("same", "D", IN): NONE,
        ("same", "D", OUT): NONE,
    }


def test_a_transformation_id_links_to_lots_earlier_captures_told(organization):
    gtin = ProductFactory(organization=organization).gtin
    a, b, c, d, e, k, x = (lgtin(gtin, code) for code in "ABCDEKX")
    names = _capture(organization, {"first": _half([a], [b], "1"), "k_made": _half([a], [k], "2")})
    names |= _capture(organization, {"second": _half([c], [d], "1", hour=9)})
    names |= _capture(organization, {"consumed": _half([e], [], "1", hour=10), "k_used": _half([x, k], [], "2", 11)})
    assert _links(names) == {
        ("first", "A", IN): MENTIONED,  # A → B; the later halves' edges are theirs
        ("first", "B", OUT): MENTIONED,
        ("k_made", "A", IN): MENTIONED,
        ("k_made", "K", OUT): MENTIONED,
        ("second", "C", IN): FOREIGN,  # C → D, and C → B told first
        ("second", "D", OUT): FOREIGN,  # A → D
        ("consumed", "E", IN): FOREIGN,  # E → B, E → D
        ("k_used", "X", IN): FOREIGN,  # X → K, K an output of k_made
        ("k_used", "K", IN): FOREIGN,  # an edge of k_used ends at K, which it names an input only
    }


def test_links_of_one_event():
    src, dst = int(EpcRole.INPUT), int(EpcRole.OUTPUT)
    edges = [(1, 2, 1, 9, None), (1, 3, 1, 9, None), (4, 2, 1, 9, None)]
    said = [(1, src), (2, dst), (3, dst), (3, src)]
    assert links(said, edges) == {(1, src): MENTIONED, (2, dst): FOREIGN, (3, dst): MENTIONED, (3, src): NONE}
    assert links(said, []) == dict.fromkeys(said, NONE)
    assert links([(5, src)], [(6, 5, 1, 9, None)]) == {(5, src): FOREIGN}  # the edge ends at 5 as its dst


def _random_chain(organization, other_organization, seed: int) -> tuple[list[str], list[str]]:
    """Transformations told in parts sharing IDs (lots reused as inputs and outputs), packings, shipments."""
    rng = random.Random(seed)
    gtin = ProductFactory(organization=organization).gtin
    lots = [lgtin(gtin, f"L{i}") for i in range(16)]
    pallets = [_sscc(10 + i) for i in range(2)]
    events = []
    for i in range(28):
        ins = rng.sample(lots[: 6 + i % 10], rng.randint(0, 2))
        outs = rng.sample(lots[2:], rng.randint(0 if ins else 1, 2))
        events.append(_half(ins, outs, str(i % 5), hour=i % 24) if ins or outs else object_event([lots[0]]))
    events += [aggregation(rng.choice(pallets), rng.sample(lots, 2)) for _ in range(4)]
    events += [object_event([lot], biz_step="shipping", action="OBSERVE") for lot in rng.sample(lots, 5)]
    for part in range(0, len(events), 9):  # several captures: later parts link to lots told earlier
        org = organization if part % 2 == 0 else other_organization
        capture_events(actor=SYSTEM, organization=org, events=events[part : part + 9])
    return lots, pallets


def test_the_trace_of_transformations_told_in_parts_gives_the_rule(organization, other_organization, producer):
    lots, pallets = _random_chain(organization, other_organization, seed=7)
    assert set(EventEpc.objects.values_list("link", flat=True)) == {NONE, MENTIONED, FOREIGN}
    known = set(EpcKey.objects.values_list("key", flat=True))
    for root in [key for key in lots + pallets if key in known][::2]:
        for direction in ("backward", "forward", "both"):
            for max_depth in (None, 1):
                for viewer in (SYSTEM, producer):
                    try:
                        result = selectors.trace(root, direction=direction, max_depth=max_depth, viewer=viewer)
                    except NotFound:
                        assert viewer is producer
                        continue
                    nodes = {n["key"] for n in result.lots}
                    assert set(result.event_pks) == _reference(nodes, viewer), (root, direction, max_depth)


def test_the_migration_fills_what_capture_writes(organization, other_organization):
    _random_chain(organization, other_organization, seed=11)
    captured = dict(EventEpc.objects.values_list("pk", "link"))
    assert set(captured.values()) == {NONE, MENTIONED, FOREIGN}
    EventEpc.objects.update(link=NONE)  # as the added column holds them
    fill(connection)
    assert dict(EventEpc.objects.values_list("pk", "link")) == captured

"""A trace lists its chain's events: not the genealogy that leads out of it (an additive's other products)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from accounts.permissions import SYSTEM
from catalog.tests.factories import LotFactory, ProductFactory
from core.errors import NotFound
from events import selectors
from events.models import EpcKey, Event, EventEpc, LotEdge
from events.services import capture_events
from events.tests.helpers import aggregation, lgtin, object_event, transformation

pytestmark = pytest.mark.django_db
PALLET = "https://id.gs1.org/00/189385010000000023"
OTHER = "https://id.gs1.org/01/08938501000014/10/OTHER"  # a lot of nobody's catalogue, packed with B


@dataclass
class Additive:
    a: str  # an additive (a fertiliser), published, mixed into B and, by another organisation, into C
    b: str  # published, organization's
    c: str  # draft, other_organization's
    names: dict[int, str]  # event pk → short name


def _capture(organization, events: dict[str, dict]) -> dict[int, str]:
    capture_events(actor=SYSTEM, organization=organization, events=list(events.values()))
    stored = Event.objects.order_by("-pk")[: len(events)]
    return {e.pk: name for e, name in zip(reversed(stored), events, strict=True)}


@pytest.fixture
def additive(organization, other_organization) -> Additive:
    mine, theirs = ProductFactory(organization=organization), ProductFactory(organization=other_organization)
    a = lgtin(LotFactory(product=mine, lot_code="ADD1", status="published").product.gtin, "ADD1")
    b = lgtin(LotFactory(product=mine, lot_code="B1", status="published").product.gtin, "B1")
    c = lgtin(LotFactory(product=theirs, lot_code="C1", status="draft").product.gtin, "C1")
    names = _capture(
        organization,
        {
            "a_made": object_event([a], time="2026-11-01T08:00:00+07:00"),
            "a_inspected": object_event([a], biz_step="inspecting", action="OBSERVE", time="2026-11-01T09:00:00+07:00"),
            "a_to_b": transformation([a], [b], time="2026-11-02T08:00:00+07:00"),
            "b_shipped": object_event([b], biz_step="shipping", action="OBSERVE", time="2026-11-03T08:00:00+07:00"),
        },
    )
    names |= _capture(
        other_organization,
        {
            "a_to_c": transformation([a], [c], time="2026-11-02T09:00:00+07:00"),
            "c_shipped": object_event([c], biz_step="shipping", action="OBSERVE", time="2026-11-03T09:00:00+07:00"),
        },
    )
    return Additive(a=a, b=b, c=c, names=names)


def _events(chain: Additive, identifier: str, viewer, **kwargs) -> set[str]:
    return {chain.names[pk] for pk in selectors.trace(identifier, viewer=viewer, **kwargs).event_pks}


def test_trace_of_a_product_lists_its_additive_but_not_the_additive_s_other_products(additive):
    assert _events(additive, additive.b, SYSTEM) == {"a_made", "a_inspected", "a_to_b", "b_shipped"}
    assert _events(additive, additive.c, SYSTEM) == {"a_made", "a_inspected", "a_to_c", "c_shipped"}
    assert _events(additive, additive.a, SYSTEM, direction="forward") == set(additive.names.values())
    # the additive's own history: what was made from it leads out of a backward trace
    assert _events(additive, additive.a, SYSTEM, direction="backward") == {"a_made", "a_inspected"}


ALL = {"a_made", "a_inspected", "a_to_b", "a_to_c", "b_shipped", "c_shipped"}
MATRIX = {
    # viewer: (trace of B both ways, of A forward, of C backward); a_to_c is public (it mentions published A),
    # c_shipped is other_organization's only (C is a draft); officer sees its province (both organisations)
    "anonymous": (ALL - {"a_to_c", "c_shipped"}, ALL - {"c_shipped"}, {"a_made", "a_inspected", "a_to_c"}),
    "consumer": (ALL - {"a_to_c", "c_shipped"}, ALL - {"c_shipped"}, {"a_made", "a_inspected", "a_to_c"}),
    "producer": (ALL - {"a_to_c", "c_shipped"}, ALL - {"c_shipped"}, {"a_made", "a_inspected", "a_to_c"}),
    "other_producer": (ALL - {"a_to_c", "c_shipped"}, ALL, ALL - {"a_to_b", "b_shipped"}),
    "officer": (ALL - {"a_to_c", "c_shipped"}, ALL, ALL - {"a_to_b", "b_shipped"}),
}


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_viewer_sees_the_chain_s_events_it_may_see(actors, additive, name):
    of_b, of_a, of_c = MATRIX[name]
    viewer = actors[name]
    assert _events(additive, additive.b, viewer) == of_b
    assert _events(additive, additive.a, viewer, direction="forward") == of_a
    assert _events(additive, additive.c, viewer, direction="backward") == of_c


def test_an_event_with_an_edge_inside_the_trace_stays(organization):
    # one transformation splits A into B and D: B's trace lists it, though A → D leads out
    product = ProductFactory(organization=organization)
    a, b, d = (lgtin(product.gtin, code) for code in ("A9", "B9", "D9"))
    names = _capture(organization, {"split": transformation([a], [b, d]), "d_made": object_event([d])})
    result = selectors.trace(b, direction="backward", viewer=SYSTEM)
    assert {names[pk] for pk in result.event_pks} == {"split"}
    assert [(n["lot"], n["depth"]) for n in result.lots] == [("A9", -1), ("B9", 0)]


def test_aggregation_both_ways(additive, organization):
    other = _capture(
        organization,
        {
            "b_packed": aggregation(PALLET, [additive.b], time="2026-11-04T08:00:00+07:00"),
            "other_packed": aggregation(PALLET, [OTHER], time="2026-11-04T09:00:00+07:00"),
            "pallet_shipped": object_event(
                [], [PALLET], biz_step="shipping", action="OBSERVE", time="2026-11-05T08:00:00+07:00"
            ),
        },
    )
    additive.names |= other
    # forward from B: the pallet's own events and B's packing; packing another lot into it is that lot's story
    assert _events(additive, additive.b, SYSTEM, direction="forward") == {"b_shipped", "b_packed", "pallet_shipped"}
    # backward from the pallet: what it contains, and their history
    assert _events(additive, PALLET, SYSTEM, direction="backward") == {
        "pallet_shipped",
        "b_packed",
        "other_packed",
        "a_to_b",
        "b_shipped",
        "a_made",
        "a_inspected",
    }
    # backward from B: being packed leads forward, out of this trace
    assert "b_packed" not in _events(additive, additive.b, SYSTEM, direction="backward")


def test_max_depth_ends_the_trace(additive, organization):
    additive.names |= _capture(organization, {"b_packed": aggregation(PALLET, [additive.b])})
    forward = {"direction": "forward"}
    assert _events(additive, additive.a, SYSTEM, max_depth=0, **forward) == {"a_made", "a_inspected"}
    # B is at the limit: its own events are listed, its packing into the pallet (one step further) is not
    assert _events(additive, additive.a, SYSTEM, max_depth=1, **forward) == ALL
    assert _events(additive, additive.a, SYSTEM, max_depth=2, **forward) == ALL | {"b_packed"}
    assert _events(additive, additive.b, SYSTEM, max_depth=1) == {
        "a_made",
        "a_inspected",
        "a_to_b",
        "b_shipped",
        "b_packed",
    }
    assert _events(additive, additive.b, SYSTEM, max_depth=0) == {"b_shipped"}


def test_a_lot_whose_visible_events_all_lead_out_is_still_found(organization, other_organization):
    # U (a draft) shows to the public only through the transformation into published V; backward from U that
    # transformation leads out: the public gets U with no events, not "not found"
    draft = ProductFactory(organization=organization)
    v_lot = LotFactory(product=ProductFactory(organization=other_organization), lot_code="V1", status="published")
    u, v = lgtin(draft.gtin, "U1"), lgtin(v_lot.product.gtin, "V1")
    _capture(organization, {"u_made": object_event([u]), "u_to_v": transformation([u], [v])})
    result = selectors.trace(u, direction="backward", viewer=None)
    assert [n["lot"] for n in result.lots] == ["U1"]
    assert result.event_pks == []
    assert len(selectors.trace(u, direction="forward", viewer=None).event_pks) == 1


def _sscc(n: int) -> str:
    from biip.checksums import gs1_standard_check_digit

    body = f"1893850100{n:07d}"
    return f"https://id.gs1.org/00/{body}{gs1_standard_check_digit(body)}"


def _reference(nodes: set[str], viewer) -> set[int]:
    """The rule as written in `trace`, event by event, over what the viewer may see."""

    ids = set(EpcKey.objects.filter(key__in=nodes).values_list("pk", flat=True))
    mentioning = set(EventEpc.objects.filter(key_id__in=ids).values_list("event_id", flat=True))
    listed = set()
    for event in mentioning:
        edges = list(LotEdge.objects.filter(event_id=event).values_list("src_id", "dst_id"))
        inside = any(s in ids and d in ids for s, d in edges)
        out = any((s in ids) != (d in ids) for s, d in edges)
        if inside or not out:
            listed.add(event)
    return listed & set(selectors.events_for(viewer).values_list("pk", flat=True))


@pytest.mark.parametrize("probes", [20_000, 0])  # pairs probed in the index, or tested edge by edge
@pytest.mark.parametrize("codes_from", [0, 10**9])  # the admin reads (event, code) pairs, or every mention
def test_the_fast_rule_gives_the_rule_event_by_event(
    organization, other_organization, producer, monkeypatch, probes, codes_from
):
    import random

    from events import trace, trace_chain

    monkeypatch.setattr(trace_chain, "PAIR_PROBES", probes)
    monkeypatch.setattr(trace, "CODES_FROM", codes_from)
    rng = random.Random(5)
    product = ProductFactory(organization=organization)
    lots = [lgtin(product.gtin, f"R{i}") for i in range(24)]
    pallets = [_sscc(i) for i in range(3)]
    events = []
    for i in range(30):  # mostly downstream, a few back and across; some told in halves sharing an ID
        ins = rng.sample(lots[: 12 + i % 12], rng.randint(1, 3))
        outs = [lot for lot in rng.sample(lots[4:], rng.randint(0, 2)) if lot not in ins]
        event = transformation(ins, outs, time=f"2026-11-0{1 + i % 9}T08:{i:02d}:00+07:00")
        if not outs:
            del event["outputQuantityList"]  # consumed, nothing recorded as made (yet): no edges of its own
        if i % 7 == 3 or not outs:  # a transformation told in halves, or on its own (the ID is then required)
            event["transformationID"] = f"urn:uuid:00000000-0000-4000-8000-{i // 14 if i % 7 == 3 else 100 + i:012d}"
        events.append(event)
    events += [aggregation(rng.choice(pallets), rng.sample(lots, 2)) for _ in range(6)]
    events += [object_event([lot], biz_step="shipping", action="OBSERVE") for lot in rng.sample(lots, 10)]
    capture_events(actor=SYSTEM, organization=organization, events=events[::2])
    capture_events(actor=SYSTEM, organization=other_organization, events=events[1::2])
    known = set(EpcKey.objects.values_list("key", flat=True))
    roots = [key for key in lots + pallets if key in known][::4]
    assert len(roots) >= 5
    for root in roots:
        for direction in ("backward", "forward", "both"):
            for max_depth in (None, 0, 1, 2):
                for viewer in (SYSTEM, producer):
                    try:
                        result = selectors.trace(root, direction=direction, max_depth=max_depth, viewer=viewer)
                    except NotFound:  # the producer sees no event of this lot
                        assert viewer is producer
                        continue
                    nodes = {n["key"] for n in result.lots}
                    assert set(result.event_pks) == _reference(nodes, viewer), (root, direction, max_depth)

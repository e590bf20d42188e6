"""Genealogy and trace: edges from events, both identifier forms, depth, and what each viewer sees."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.permissions import SYSTEM
from core.errors import NotFound
from events import selectors
from events.models import EpcKey, LotEdge, Shipment
from events.services.keys import link_lot
from events.tests.conftest import PLANT, SHOP, SSCC
from gs1.identifiers import epc_class_urn, key_of, parse_key

pytestmark = pytest.mark.django_db


def _keys(result):
    return {(n["key"], n["depth"]) for n in result.lots}


def test_edges_and_shipments_derived(chain):
    edges = {
        (EpcKey.objects.get(pk=e.src_id).key, EpcKey.objects.get(pk=e.dst_id).key, e.kind)
        for e in LotEdge.objects.all()
    }
    assert edges == {(chain.a, chain.b, 1), (chain.c, chain.b, 1), (chain.b, SSCC, 2)}
    trips = {
        (EpcKey.objects.get(pk=s.key_id).key, s.source, s.destination, s.receive_event_id is not None)
        for s in Shipment.objects.all()
    }
    assert trips == {
        (chain.a, "https://id.gs1.org/414/8938501000007", PLANT, True),
        (chain.c, "https://id.gs1.org/414/8938501000007", PLANT, True),
        (SSCC, PLANT, SHOP, True),
    }


def test_admin_trace_both_ways(chain):
    result = selectors.trace(chain.b, viewer=SYSTEM)
    assert _keys(result) == {(chain.a, -1), (chain.c, -1), (chain.b, 0), (SSCC, 1)}
    assert {(e["kind"]) for e in result.edges} == {"transformation", "aggregation"}
    assert len(result.event_pks) == 8  # every event but nothing unrelated
    assert result.root["gtin"] == chain.lot_b.product.gtin
    assert result.root["lot"] == "B1"
    assert result.root["digital_link"] == f"http://127.0.0.1:8000/01/{chain.lot_b.product.gtin}/10/B1"
    assert result.root["epc"].startswith("urn:epc:class:lgtin:")


def test_urn_and_digital_link_are_the_same_lot(chain):
    urn = epc_class_urn(parse_key(chain.a), 7)
    portal = f"http://127.0.0.1:8000/01/{chain.lot_a.product.gtin}/10/A1"
    by_urn = selectors.trace(urn, viewer=SYSTEM)
    by_dl = selectors.trace(portal, viewer=SYSTEM)
    assert _keys(by_urn) == _keys(by_dl) == {(chain.a, 0), (chain.b, 1), (SSCC, 2)}


def test_direction_and_depth(chain):
    assert _keys(selectors.trace(chain.b, direction="backward", viewer=SYSTEM)) == {
        (chain.a, -1),
        (chain.c, -1),
        (chain.b, 0),
    }
    assert _keys(selectors.trace(chain.a, direction="forward", max_depth=1, viewer=SYSTEM)) == {
        (chain.a, 0),
        (chain.b, 1),
    }


VIEWS = {
    # forward trace of the published farm lot A
    "anonymous": {"a", "b"},
    "consumer": {"a", "b"},
    "producer": {"a", "b"},
    "other_producer": {"a", "b", "sscc"},
    "officer": {"a", "b", "sscc"},
}


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_trace_visibility_matrix(actors, chain, name):
    names = {chain.a: "a", chain.b: "b", chain.c: "c", SSCC: "sscc"}
    result = selectors.trace(chain.a, direction="forward", viewer=actors[name])
    assert {names[n["key"]] for n in result.lots} == VIEWS[name]


@pytest.mark.parametrize("name", ["anonymous", "consumer"])
def test_unpublished_lot_hidden_from_the_public(actors, chain, name):
    # the pallet's events mention only unpublished lots; lot c shows only through events with published lot a
    with pytest.raises(NotFound):
        selectors.trace(SSCC, viewer=actors[name] if name != "anonymous" else AnonymousUser())
    result = selectors.trace(chain.c, viewer=actors[name])
    assert {n["key"] for n in result.lots} == {chain.c, chain.b}
    assert len(result.event_pks) == 3  # shipping and receiving with a, the transformation; not c's harvest


def test_owner_sees_its_unpublished_lot(actors, chain):
    result = selectors.trace(chain.c, viewer=actors["producer"])
    assert {n["key"] for n in result.lots} == {chain.c, chain.b}


def test_lot_registered_later_is_linked(chain, organization):
    from catalog.tests.factories import LotFactory

    key = EpcKey.objects.get(key=chain.c)
    assert key.lot_id is None
    product = chain.lot_a.product
    lot = LotFactory(product=product, lot_code="C1", status="published")
    link_lot(lot.pk, product.gtin, lot.lot_code)  # as logistics does where it makes a lot
    key.refresh_from_db()
    assert key.lot_id == lot.pk
    assert {n["key"] for n in selectors.trace(chain.c, direction="backward", viewer=None).lots} == {chain.c}


def test_ledger_refs_for_lot(chain):
    refs = selectors.ledger_refs_for_lot(chain.lot_a)
    assert refs and all(t == "events.event" for t, _ in refs)
    # the public events: commissioning of a, shipping and receiving of a and c, the transformation
    assert len(refs) == 4


def test_unknown_identifier(db):
    with pytest.raises(NotFound):
        selectors.trace("urn:epc:class:lgtin:8938501.000001.NOPE", viewer=SYSTEM)


def test_lots_as_the_recall_builds_them(organization):
    """The trace builds its lots from its own read (`_lot_rows`, sorted in place): the same dicts, in the same
    order (depth, then key), as `lot_nodes` over `key_rows`, for every kind of key: a lot, a serialised item
    (serial, no lot), a pallet (neither, no GTIN), keys outside GS1 (no EPC URN: the key itself, not rebased),
    with `root` the lot at depth 0."""
    from events.services import capture_events
    from events.tests.helpers import aggregation, lgtin, object_event, transformation
    from events.trace import key_rows, lot_nodes

    lot, made = lgtin("08938501000019", "L1"), lgtin("08938501000026", "L2")
    item, crate, web = "urn:epc:id:sgtin:8938501.000001.S1", "urn:example:crate:7", "https://example.com/thing/1"
    pallet = "urn:epc:id:sscc:8938501.0000000001"
    events = [
        object_event([lot], epcs=[item, web]),
        transformation([lot], [made]),
        aggregation(pallet, [made]),
        {**aggregation(crate, []), "childEPCs": [item, web]},
        {**aggregation(pallet, [], time="2026-11-07T08:00:00+07:00"), "childEPCs": [crate]},
    ]
    capture_events(actor=SYSTEM, organization=organization, events=events)
    for root in (lot, made, crate, web):
        result = selectors.trace(root, viewer=SYSTEM)
        ids = dict(EpcKey.objects.filter(key__in=[n["key"] for n in result.lots]).values_list("key", "pk"))
        depths = {ids[n["key"]]: n["depth"] for n in result.lots}
        rows = key_rows(list(depths))
        order = sorted(depths, key=lambda pk: (depths[pk], rows[pk][1]))
        assert result.lots == lot_nodes(rows, [(pk, depths[pk]) for pk in order])
        assert result.root == next(n for n in result.lots if n["key"] == key_of(root)) and result.root["depth"] == 0
        assert result.root is not next(n for n in result.lots if n["key"] == key_of(root))
    assert {n["kind"] for n in selectors.trace(made, viewer=SYSTEM).lots} == {"lgtin", "sscc"}
    every = {n["key"]: n for n in selectors.trace(crate, viewer=SYSTEM).lots}
    assert sorted(n["kind"] for n in every.values()) == ["other", "other", "sgtin", "sscc"]
    assert [every[key_of(pallet)][f] for f in ("gtin", "lot", "serial")] == [None, None, None]
    assert every[web]["epc"] == web and every[web]["digital_link"] == web and every[web]["gtin"] is None
    assert every[key_of(item)]["serial"] == "S1" and every[key_of(item)]["lot"] is None
    assert every[key_of(item)]["digital_link"] == "http://127.0.0.1:8000/01/08938501000019/21/S1"


@pytest.mark.django_db(transaction=True)
def test_reads_alongside_give_the_trace_read_in_one_thread(chain, monkeypatch):
    """Outside a transaction, on PostgreSQL, the upstream walk and the lots' rows and shipments are read on helper
    threads (`core.storage.alongside`): the trace is the one read all in the caller's thread, for each viewer."""
    from dataclasses import asdict

    from core.storage import alongside as helpers
    from events import trace as trace_module

    ran: list[bool] = []

    def spied(read):
        later = helpers.alongside(read)
        ran.append(later.ran_alongside)
        return later

    def in_thread(read):
        return helpers.in_this_thread(read)

    for viewer in (SYSTEM, AnonymousUser(), None):
        for direction in ("both", "backward", "forward"):
            monkeypatch.setattr(trace_module, "alongside", spied)
            try:
                found = asdict(selectors.trace(chain.a, direction=direction, viewer=viewer))
            except NotFound:
                found = None
            monkeypatch.setattr(trace_module, "alongside", in_thread)
            try:
                assert found == asdict(selectors.trace(chain.a, direction=direction, viewer=viewer))
            except NotFound:
                assert found is None
    from django.db import connection

    assert ran and all(ran) == (connection.vendor == "postgresql")

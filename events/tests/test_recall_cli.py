"""Recall scope and the `truyxuat trace` command."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from events.services import recall_scope
from events.tests.conftest import PLANT, SHOP, SSCC

pytestmark = pytest.mark.django_db


def test_recall_scope_downstream_lots_parties_shipments(chain, other_organization):
    scope = recall_scope([chain.c])
    assert {(n["key"], n["depth"]) for n in scope.lots} == {(chain.c, 0), (chain.b, 1), (SSCC, 2)}
    assert {(s["source"], s["destination"]) for s in scope.shipments} == {
        ("https://id.gs1.org/414/8938501000007", PLANT),
        (PLANT, SHOP),
    }
    assert all(s["ship_event_id"] and s["receive_event_id"] for s in scope.shipments)
    parties = {p["key"] for p in scope.parties}
    assert {PLANT, SHOP} <= parties
    assert any(p["tax_code"] == other_organization.tax_code for p in scope.parties)
    assert scope.unknown_roots == []


def test_recall_scope_unknown_root(db):
    scope = recall_scope(["urn:epc:class:lgtin:8938501.000001.X"])
    assert scope.lots == [] and scope.unknown_roots == ["https://id.gs1.org/01/08938501000019/10/X"]


def test_trace_command_prints_tree(chain):
    out = StringIO()
    call_command("trace", chain.b, stdout=out)
    text = out.getvalue()
    assert "Nguồn gốc / upstream" in text and "Phân phối / downstream" in text
    assert "lô A1" in text and "lô C1" in text and "[aggregation] SSCC" in text
    assert text.strip().endswith("4 lô/đơn vị, 3 liên kết, 8 sự kiện")


def test_trace_command_public_and_unknown(chain):
    out = StringIO()
    call_command("trace", chain.a, "--public", "--json", stdout=out)
    assert '"lot": "B1"' in out.getvalue() and SSCC not in out.getvalue()
    with pytest.raises(CommandError):
        call_command("trace", "urn:epc:class:lgtin:8938501.000001.NOPE")

"""The demo's EPCIS chains: captured through the service, idempotent, traceable from farm to shop."""

from __future__ import annotations

import pytest

from catalog.models import Lot
from catalog.selectors import digital_link
from demo.catalog import DemoBuilder
from demo.events import PIGS_GTIN, build_event_chains
from events import selectors
from events.models import Capture, Event

pytestmark = pytest.mark.django_db


def test_demo_chains_idempotent_and_traceable():
    DemoBuilder(log=lambda _line: None).build()
    first = build_event_chains(log=lambda _line: None)
    assert first["stored"] == Event.objects.count() > 20
    captures = Capture.objects.count()
    assert build_event_chains(log=lambda _line: None) == {"stored": 0, "already": first["stored"]}
    assert Capture.objects.count() == captures
    pork = Lot.objects.get(product__name="Thịt lợn mảnh Kon Tum", status="published")
    result = selectors.trace(digital_link(pork.product.gtin, pork.lot_code), viewer=None)
    assert [(n["gtin"], n["lot"], n["depth"]) for n in result.lots] == [
        (PIGS_GTIN, "HEO2611A", -1),
        (pork.product.gtin, pork.lot_code, 0),
    ]
    assert any(t["destination"] and t["receive_event_id"] for t in result.shipments)
    roasted = Lot.objects.get(lot_code="RX2512-01")
    back = selectors.trace(digital_link(roasted.product.gtin, "RX2512-01"), direction="backward", viewer=None)
    assert {n["lot"] for n in back.lots} == {"RX2512-01", "CPN2511-01"}

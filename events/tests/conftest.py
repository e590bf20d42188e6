"""A small supply chain captured through the service: farm → processor (transformation) → pallet → shop."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from accounts.permissions import SYSTEM
from catalog.tests.factories import LotFactory, ProductFactory
from events.services import capture_events
from events.tests.helpers import aggregation, lgtin, object_event, transformation

SSCC = "https://id.gs1.org/00/189385010000000016"
FARM = "https://id.gs1.org/414/8938501000007"
PLANT = "https://id.gs1.org/414/8938502000006"
SHOP = "https://id.gs1.org/414/8938504000004"


@dataclass
class Chain:
    a: str  # the farm's published lot (organization)
    b: str  # the processor's draft lot (other_organization)
    c: str  # a second farm lot, unpublished, mixed into b
    lot_a: Any
    lot_b: Any


def _shipping(objects: list[str], *, time: str, src: str, dst: str, parent: bool = False) -> dict[str, Any]:
    event = object_event(
        [] if parent else objects,
        objects if parent else None,
        biz_step="shipping",
        action="OBSERVE",
        time=time,
        location=src,
        sourceList=[{"type": "owning_party", "source": src}],
        destinationList=[{"type": "owning_party", "destination": dst}],
    )
    return event


def _receiving(objects: list[str], *, time: str, src: str, dst: str, parent: bool = False) -> dict[str, Any]:
    return object_event(
        [] if parent else objects,
        objects if parent else None,
        biz_step="receiving",
        action="OBSERVE",
        time=time,
        location=dst,
        sourceList=[{"type": "owning_party", "source": src}],
        destinationList=[{"type": "owning_party", "destination": dst}],
    )


@pytest.fixture
def chain(organization, other_organization) -> Chain:
    product_a = ProductFactory(organization=organization)
    product_b = ProductFactory(organization=other_organization)
    lot_a = LotFactory(product=product_a, lot_code="A1", status="published")
    lot_b = LotFactory(product=product_b, lot_code="B1", status="draft")
    a, b, c = lgtin(product_a.gtin, "A1"), lgtin(product_b.gtin, "B1"), lgtin(product_a.gtin, "C1")
    capture_events(
        actor=SYSTEM,
        organization=organization,
        events=[
            object_event([a], time="2026-11-01T08:00:00+07:00", location=FARM),
            object_event([c], time="2026-11-01T09:00:00+07:00", location=FARM),
            _shipping([a, c], time="2026-11-02T08:00:00+07:00", src=FARM, dst=PLANT),
        ],
    )
    capture_events(
        actor=SYSTEM,
        organization=other_organization,
        events=[
            _receiving([a, c], time="2026-11-03T08:00:00+07:00", src=FARM, dst=PLANT),
            transformation([a, c], [b], time="2026-11-04T08:00:00+07:00"),
            aggregation(SSCC, [b], time="2026-11-05T08:00:00+07:00"),
            _shipping([SSCC], time="2026-11-06T08:00:00+07:00", src=PLANT, dst=SHOP, parent=True),
            _receiving([SSCC], time="2026-11-07T08:00:00+07:00", src=PLANT, dst=SHOP, parent=True),
        ],
    )
    return Chain(a=a, b=b, c=c, lot_a=lot_a, lot_b=lot_b)

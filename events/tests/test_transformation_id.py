"""TransformationEvents sharing a transformationID are one transformation: all inputs → all outputs."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.permissions import SYSTEM
from events import selectors
from events.models import EpcKey, LotEdge
from events.services import capture_events
from events.tests.helpers import GTIN_A, lgtin

pytestmark = pytest.mark.django_db
TID = "urn:uuid:6d2f7c1e-0b43-4a5e-9d0e-1f0a7b3c2d11"
A, B, C, D, E = (lgtin(GTIN_A, lot) for lot in ("TA", "TB", "TC", "TD", "TE"))


def _half(inputs: list[str], outputs: list[str], tid: str | None = TID, hour: int = 8) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "TransformationEvent",
        "eventTime": f"2026-11-04T{hour:02d}:00:00+07:00",
        "eventTimeZoneOffset": "+07:00",
        "bizStep": "commissioning",
    }
    if inputs:
        event["inputQuantityList"] = [{"epcClass": k, "quantity": 10, "uom": "KGM"} for k in inputs]
    if outputs:
        event["outputQuantityList"] = [{"epcClass": k, "quantity": 8, "uom": "KGM"} for k in outputs]
    if tid:
        event["transformationID"] = tid
    return event


def _edges() -> set[tuple[str, str]]:
    keys = dict(EpcKey.objects.values_list("pk", "key"))
    return {(keys[s], keys[d]) for s, d in LotEdge.objects.values_list("src_id", "dst_id")}


def test_inputs_and_outputs_told_in_separate_captures_are_linked(organization):
    capture_events(actor=SYSTEM, organization=organization, events=[_half([A], [], hour=8)])
    assert _edges() == set()
    capture_events(actor=SYSTEM, organization=organization, events=[_half([], [B], hour=9)])
    assert _edges() == {(A, B)}
    result = selectors.trace(B, direction="backward", viewer=SYSTEM)
    assert {(n["key"], n["depth"]) for n in result.lots} == {(B, 0), (A, -1)}
    assert {e["kind"] for e in result.edges} == {"transformation"}


def test_all_inputs_to_all_outputs_within_and_across_documents(organization):
    capture_events(actor=SYSTEM, organization=organization, events=[_half([A], [B], hour=8)])
    capture_events(actor=SYSTEM, organization=organization, events=[_half([C], [], hour=9), _half([], [D], hour=10)])
    assert _edges() == {(A, B), (A, D), (C, B), (C, D)}


def test_other_or_no_transformation_id_stays_apart(organization):
    capture_events(
        actor=SYSTEM,
        organization=organization,
        events=[
            _half([A], [B], hour=8),
            _half([C], [D], tid="urn:uuid:00000000-0000-4000-8000-000000000000", hour=9),
            _half([E], [D], tid=None, hour=10),
        ],
    )
    assert _edges() == {(A, B), (C, D), (E, D)}


def test_duplicate_half_adds_nothing(organization):
    capture_events(actor=SYSTEM, organization=organization, events=[_half([A], [], hour=8), _half([], [B], hour=9)])
    result = capture_events(actor=SYSTEM, organization=organization, events=[_half([], [B], hour=9)])
    assert len(result.duplicates) == 1
    assert LotEdge.objects.count() == 1

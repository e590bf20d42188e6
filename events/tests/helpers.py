"""Building EPCIS events and documents for the events tests."""

from __future__ import annotations

import json
from typing import Any

from accounts.permissions import SYSTEM
from accounts.services import create_api_token
from events.epcis import CONTEXT_URL

GTIN_A = "08938501000014"  # valid check digits
GLN_FARM = "8938501000007"


def lgtin(gtin: str, lot: str) -> str:
    """Digital Link of a lot on id.gs1.org."""
    return f"https://id.gs1.org/01/{gtin}/10/{lot}"


def object_event(
    classes: list[str] | None = None,
    epcs: list[str] | None = None,
    *,
    biz_step: str = "commissioning",
    action: str = "ADD",
    time: str = "2026-11-01T08:00:00+07:00",
    location: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "ObjectEvent",
        "eventTime": time,
        "eventTimeZoneOffset": time[-6:],
        "epcList": epcs or [],
        "action": action,
        "bizStep": biz_step,
    }
    if classes:
        event["quantityList"] = [{"epcClass": c, "quantity": 100, "uom": "KGM"} for c in classes]
    if location:
        event["bizLocation"] = {"id": location}
        event["readPoint"] = {"id": location}
    event.update(extra)
    return event


def transformation(inputs: list[str], outputs: list[str], *, time: str = "2026-11-05T08:00:00+07:00") -> dict[str, Any]:
    return {
        "type": "TransformationEvent",
        "eventTime": time,
        "eventTimeZoneOffset": time[-6:],
        "inputQuantityList": [{"epcClass": c, "quantity": 10, "uom": "KGM"} for c in inputs],
        "outputQuantityList": [{"epcClass": c, "quantity": 8, "uom": "KGM"} for c in outputs],
        "bizStep": "commissioning",
    }


def aggregation(parent: str, children: list[str], *, time: str = "2026-11-06T08:00:00+07:00") -> dict[str, Any]:
    return {
        "type": "AggregationEvent",
        "eventTime": time,
        "eventTimeZoneOffset": time[-6:],
        "parentID": parent,
        "childEPCs": [],
        "childQuantityList": [{"epcClass": c, "quantity": 1, "uom": "KGM"} for c in children],
        "action": "ADD",
        "bizStep": "packing",
    }


def document(events: list[dict[str, Any]], context: list[Any] | None = None) -> dict[str, Any]:
    return {
        "@context": context or [CONTEXT_URL],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-11-20T08:00:00Z",
        "epcisBody": {"eventList": events},
    }


def body(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc).encode()


def token_for(organization: Any) -> str:
    _token, plain = create_api_token(actor=SYSTEM, organization=organization, name="test")
    return plain


def names_found(named: dict[str, str], params: dict[str, str]) -> set[str]:
    """The names of `named` ({name: eventID}) whose events the EPCIS query `params` returns (`filter_events`)."""
    from events.models import Event
    from events.query import filter_events

    ids = set(filter_events(params, Event.objects.all()).values_list("event_id", flat=True))
    return {name for name, eid in named.items() if eid in ids}

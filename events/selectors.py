"""Reads shared by the EPCIS endpoints, the trace API and CLI, and other apps (ledger proofs, recalls)."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import QuerySet

from catalog.selectors import digital_link
from events.models import Event
from events.query import Page, page
from events.services import corrections
from events.trace import TraceResult, trace
from events.visibility import visibility_for

__all__ = ["TraceResult", "event_json", "events_for", "get_event", "ledger_refs_for_lot", "query", "trace"]


def events_for(viewer: Any) -> QuerySet[Event]:
    """Events the viewer may see (a producer its own and published ones; an agency its province; the
    public events of published lots)."""
    return Event.objects.filter(visibility_for(viewer).event_filter())


def query(params: Any, viewer: Any) -> Page:
    """A page of the SimpleEventQuery `params` over what `viewer` may see (raises `QueryError`)."""
    result = page(params, events_for(viewer).select_related("capture"))
    corrections.attach(result.events)  # their error declarations, in one read
    return result


def get_event(event_id: str, viewer: Any) -> Event | None:
    return events_for(viewer).select_related("capture").filter(event_id=event_id).first()


def event_json(event: Event) -> dict[str, Any]:
    """The event as stored: what was captured, plus eventID and recordTime where they were absent, and the
    `errorDeclaration` recorded against it since (EPCIS 2.0 §7.4.1.2: queries return the event as corrected)."""
    body: dict[str, Any] = json.loads(event.body)
    if "errorDeclaration" not in body:
        declaration = corrections.declaration_json(event)
        if declaration is not None:
            body["errorDeclaration"] = declaration
    return body


def ledger_refs_for_lot(lot: Any) -> list[tuple[str, str]]:
    """(record_type, record_id) of every event in the public trace of a catalogue lot, for proof bundles."""
    from core.errors import NotFound
    from events.records import RECORD_TYPE

    try:
        result = trace(digital_link(lot.product.gtin, lot.lot_code), direction="both", viewer=None)
    except NotFound:
        return []
    return [(RECORD_TYPE, str(pk)) for pk in result.event_pks]

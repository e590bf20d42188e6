"""Reads shared by the EPCIS endpoints, the trace API and CLI, and other apps (ledger proofs, recalls)."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from catalog.selectors import digital_link
from core.errors import NotFound
from events import epc_format
from events.epcis import CONTEXT_URL
from events.epcis.schema import CONTEXT_URLS
from events.models import Capture, Event
from events.query import Page, page
from events.services import corrections
from events.trace import TraceResult, trace
from events.visibility import Visibility, visibility_for

__all__ = [
    "TraceResult",
    "event_json",
    "events_for",
    "get_event",
    "ledger_refs_for_lot",
    "page_contexts",
    "query",
    "query_document",
    "query_visible",
    "trace",
]


def events_for(viewer: Any) -> QuerySet[Event]:
    """Events the viewer may see (a producer its own and published ones; an agency its province; the
    public events of published lots)."""
    return Event.objects.filter(visibility_for(viewer).event_filter())


def query(params: Any, viewer: Any) -> Page:
    """A page of the SimpleEventQuery `params` over what `viewer` may see (raises `QueryError`)."""
    result = page(params, events_for(viewer).select_related("capture"))
    corrections.attach(result.events)  # their error declarations, in one read
    return result


def query_visible(params: Any, visibility: Visibility) -> Page:
    """A page of the SimpleEventQuery `params` over the events of `visibility` (a viewer that is not a person or a
    token: a federated peer node, `federation.selectors.peer_visibility`)."""
    result = page(params, Event.objects.filter(visibility.event_filter()).select_related("capture"))
    corrections.attach(result.events)
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


def page_contexts(captures: list[Capture]) -> tuple[list[Any], dict[int, list[Any]]]:
    """The `@context` of a query page holding events of `captures` (in page order), and the captures whose
    events carry their own: each capture's entries join the page's unless one binds a term the page already
    binds otherwise (two documents naming `ex` differently); those events then keep their capture's @context
    (JSON-LD scopes it to the event), so no event's terms change meaning and its event hash recomputes from the
    page as from the document it came in."""
    document: list[Any] = [CONTEXT_URL]
    bound: dict[str, Any] = {}
    own: dict[int, list[Any]] = {}
    for capture in captures:
        entries = [e for e in capture.context or [] if not (isinstance(e, str) and e in CONTEXT_URLS)]
        terms = {k: v for e in entries if isinstance(e, dict) for k, v in e.items()}
        if any(k in bound and bound[k] != v for k, v in terms.items()):
            own[capture.pk] = entries
            continue
        document += [e for e in entries if e not in document]
        bound.update(terms)
    return document, own


def query_document(rows: list[Event], fmt: str = "Never_Translates") -> dict[str, Any]:
    """A page of events as the binding's `EPCISQueryDocument` (JSON-LD), its EPCs in `fmt`
    (`events.epc_format`), each event with its own @context where the page's would change its meaning."""
    context, own = page_contexts(list({e.capture_id: e.capture for e in rows}.values()))
    events = []
    for row in rows:
        body = epc_format.apply(event_json(row), fmt)
        if row.capture_id in own and "@context" not in body:
            body = {"@context": own[row.capture_id], **body}
        events.append(body)
    return {
        "@context": context,
        "type": "EPCISQueryDocument",
        "schemaVersion": "2.0",
        "creationDate": timezone.now().isoformat(),
        "epcisBody": {"queryResults": {"queryName": "SimpleEventQuery", "resultsBody": {"eventList": events}}},
    }


def ledger_refs_for_lot(lot: Any) -> list[tuple[str, str]]:
    """(record_type, record_id) of every event in the public trace of a catalogue lot, for proof bundles."""
    from events.records import RECORD_TYPE

    try:
        result = trace(digital_link(lot.product.gtin, lot.lot_code), direction="both", viewer=None)
    except NotFound:
        return []
    return [(RECORD_TYPE, str(pk)) for pk in result.event_pks]

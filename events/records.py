"""What of an event goes into the ledger: its stored canonical JSON, unchanged; an error declaration made later
is a leaf of its own (the eventID and the declaration)."""

from __future__ import annotations

import json
from typing import Any

from events.models import ErrorDeclaration, Event
from ledger.choices import LeafKind
from ledger.records import register

RECORD_TYPE = "events.event"
DECLARATION_TYPE = "events.errordeclaration"


def event_payload(event: Event) -> dict[str, Any]:
    """The event exactly as stored (and as `GET /epcis/events/{eventID}` returns it)."""
    return json.loads(event.body)


def declaration_payload(declaration: ErrorDeclaration) -> dict[str, Any]:
    """An error declaration as declared: the eventID it declares in error and its `errorDeclaration` member."""
    return {"eventID": declaration.event.event_id, "errorDeclaration": json.loads(declaration.body)}


def register_all() -> None:
    register(LeafKind.EVENT, Event, event_payload)
    register(LeafKind.EVENT, ErrorDeclaration, declaration_payload)

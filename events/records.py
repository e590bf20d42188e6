"""What of an event goes into the ledger: its stored canonical JSON, unchanged."""

from __future__ import annotations

import json
from typing import Any

from events.models import Event
from ledger.choices import LeafKind
from ledger.records import register

RECORD_TYPE = "events.event"


def event_payload(event: Event) -> dict[str, Any]:
    """The event exactly as stored (and as `GET /epcis/events/{eventID}` returns it)."""
    return json.loads(event.body)


def register_all() -> None:
    register(LeafKind.EVENT, Event, event_payload)

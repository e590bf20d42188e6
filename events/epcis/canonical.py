"""Canonical JSON bytes (defined once, in the ledger's pure core), and server-side defaults for captured events."""

from __future__ import annotations

import copy
from typing import Any

from gs1.canonical import canonical_bytes  # one definition for events and ledger leaves

__all__ = ["canonical_bytes", "with_defaults"]


def with_defaults(event: dict[str, Any], record_time: str, event_id: str | None = None) -> dict[str, Any]:
    """Return a copy of ``event`` with ``eventID`` and ``recordTime`` added where absent.

    ``eventID`` defaults to ``event_id`` or, when that is None, to the event hash
    (computed with the event's own ``@context`` or the standard EPCIS context).
    Everything that was sent is kept exactly as sent (recordTime set by the client is kept).
    """
    out = copy.deepcopy(event)
    if "eventID" not in out:
        if event_id is None:
            from .hashing import event_hash

            event_id = event_hash(out, out.get("@context"))
        out["eventID"] = event_id
    out.setdefault("recordTime", record_time)
    return out

"""Trace API: `GET /api/v1/trace?id=<EPC URN or Digital Link>&direction=backward|forward|both&max_depth=N`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError

from core.errors import NotFound
from events import selectors
from events.auth import bearer_token, require_scope, token_actor
from events.models import Event

router = Router(tags=["trace"])
MAX_EVENTS = 1000


def trace_json(result: selectors.TraceResult, *, events_limit: int = MAX_EVENTS) -> dict[str, Any]:
    """The trace as the API answers it; events ordered by eventTime, at most `events_limit` of them."""
    rows = Event.objects.filter(pk__in=result.event_pks[:50_000]).order_by("event_time", "pk")[:events_limit]
    return {
        "root": result.root,
        "lots": result.lots,
        "edges": result.edges,
        "shipments": result.shipments,
        "events": [selectors.event_json(e) for e in rows],
        "event_count": len(result.event_pks),
        "events_truncated": len(result.event_pks) > events_limit,
    }


@router.get("/trace", summary="Trace a lot backward to its farms and forward to every shop")
def trace(
    request: HttpRequest,
    id: str,
    direction: str = "both",
    max_depth: int | None = None,
    events_limit: int = MAX_EVENTS,
) -> Any:
    """One step back and one step forward (TCVN 12850), repeated to the whole chain.

    `id` is an EPC class URN (`urn:epc:class:lgtin:…`) or a GS1 Digital Link (`…/01/<gtin>/10/<lot>`, any host);
    both name the same lot. Each caller sees what the EPCIS query would show it.
    """
    if direction not in ("backward", "forward", "both"):
        raise HttpError(
            400, "direction phải là backward, forward hoặc both / direction must be backward, forward or both"
        )
    if max_depth is not None and max_depth < 0:
        raise HttpError(400, "max_depth phải ≥ 0 / max_depth must be ≥ 0")
    if not 0 <= events_limit <= 10_000:
        raise HttpError(400, "events_limit phải từ 0 đến 10000 / events_limit must be 0..10000")
    viewer = token_actor(request) if bearer_token(request) else request.user
    if viewer is None:
        raise HttpError(401, "Khoá API không hợp lệ / Invalid API token")
    require_scope(viewer, "read")
    try:
        result = selectors.trace(id, direction=direction, max_depth=max_depth, viewer=viewer)
    except NotFound:
        raise
    return trace_json(result, events_limit=events_limit)

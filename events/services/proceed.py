"""`GS1-Capture-Error-Behaviour: proceed` (EPCIS 2.0 REST binding, "greedy capture"): store the valid events of a
document and report the others, event by event, on the capture job."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from accounts.permissions import Actor
from events.epcis import EpcisDocument, EpcisError
from events.epcis.problems import Problem
from events.services.authority import CaptureForbidden
from events.services.capture import AfterCapture, CaptureResult, capture_events
from events.services.corrections import EventIdTaken

_EVENT_POINTER = re.compile(r"^/epcisBody/eventList/(\d+)")


_TYPES: dict[type, str] = {
    CaptureForbidden: "epcisException:SecurityException",
    EventIdTaken: "epcisException:ResourceAlreadyExistsException",
}


def job_errors(problems: list[Problem], events: list[Any], types: dict[Any, str] | None = None) -> list[dict[str, Any]]:
    """The problems as a capture job keeps them: each with its exception type (when known) and, where the event it
    names has one, that event's `eventID` (so a partner finds the event without counting the document)."""
    out: list[dict[str, Any]] = []
    for p in problems:
        entry: dict[str, Any] = p.as_dict()
        if types is not None:
            entry["type"] = types[(p.event_index, p.pointer)]
        event = events[p.event_index] if p.event_index is not None and 0 <= p.event_index < len(events) else None
        if isinstance(event, dict) and isinstance(event.get("eventID"), str):
            entry["eventID"] = event["eventID"]
        out.append(entry)
    return out


def _renumbered(problem: Problem, originals: list[int]) -> Problem:
    """The problem of the `problem.event_index`-th event sent in this round, numbered as in the document."""
    assert problem.event_index is not None
    index = originals[problem.event_index]
    pointer = _EVENT_POINTER.sub(f"/epcisBody/eventList/{index}", problem.pointer, count=1)
    return Problem(index, pointer, problem.message)


def capture_proceed(
    *,
    actor: Actor,
    organization: Any,
    document: EpcisDocument,
    source: str = "api",
    after: Sequence[AfterCapture] = (),
) -> tuple[CaptureResult | None, list[Problem]]:
    """Capture the events of `document` that can be stored, leaving out those refused (invalid, naming goods
    outside the organisation's chain, or a different event under a taken eventID), as one capture job that
    reports every refused event (`errors`, pointers into the document as sent) with `success: false`.

    Returns (the capture, the refused events' problems); (None, problems) when no event could be stored (nothing
    written; the caller records the refusal). A problem of the document itself (no event index: its header,
    its size, who may capture) refuses it whole, by raising as `capture_events` does."""
    pairs = list(enumerate(document.events))
    refused: list[Problem] = []
    types: dict[tuple[int | None, str], str] = {}  # each refusal's exception type, as the job reports it
    header = {k: v for k, v in document.raw.items() if k != "epcisBody"} if isinstance(document.raw, dict) else None
    while pairs:  # each round leaves out at least one event
        try:
            result = capture_events(
                actor=actor,
                organization=organization,
                events=[event for _i, event in pairs],
                context=document.context,
                source=source,
                validate=True,
                header=header,
                error_behaviour="proceed",
                errors=job_errors(sorted(refused, key=_order), document.events, types),
                event_count=len(document.events),
                after=after,
            )
        except (EpcisError, CaptureForbidden) as exc:
            problems = exc.problems
            if not problems or any(p.event_index is None for p in problems):
                raise
            originals = [i for i, _event in pairs]
            kind = _TYPES.get(type(exc), "epcisException:ValidationException")
            found = [_renumbered(p, originals) for p in problems]
            types.update({(p.event_index, p.pointer): kind for p in found})
            refused += found
            bad = {p.event_index for p in problems}
            pairs = [pair for n, pair in enumerate(pairs) if n not in bad]
            continue  # next round: the chain check and taken eventIDs are known only once the rest is valid
        return result, sorted(refused, key=_order)
    return None, sorted(refused, key=_order)


def _order(problem: Problem) -> tuple[int, str]:
    return (problem.event_index if problem.event_index is not None else -1, problem.pointer)

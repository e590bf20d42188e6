"""Everything capture computes from the events alone, before it touches the database.

:func:`prepare` validates a document's events against the EPCIS 2.0 schema, computes their event
hashes, completes each event (``eventID`` — its hash when absent — and ``recordTime``), reads its index
columns and writes its canonical JSON. It is a pure function of its arguments, so a large document can
be prepared in parts on several cores (:mod:`.parallel`) with exactly the result of one call: each part
is validated as a document of its own, with the same header, and its problems are renumbered to the
event's place in the whole document.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .canonical import canonical_bytes
from .extract import EventIndex, extract
from .hashing import event_hash, event_hashes
from .limits import nodes
from .problems import EpcisError, Problem, pointer
from .validation import validate_document
from .values import Value, values_from

__all__ = ["Prepared", "PreparedEvent", "document", "merge", "prepare"]

EVENT_LIST = "/epcisBody/eventList/"


@dataclass(slots=True)
class PreparedEvent:
    """One event ready to store: its index columns (eventID and recordTime included), hash, canonical JSON and
    the values its `EventValue` rows hold (`events.epcis.values`)."""

    index: EventIndex
    hash: str | None
    body: str
    values: list[Value] = field(default_factory=list)


@dataclass(slots=True)
class Prepared:
    """The outcome of :func:`prepare` for a part of a document.

    `invalid`: schema problems (then nothing else was computed); `too_long`: identifiers or locations longer
    than the database takes; `events`: when both are empty, one :class:`PreparedEvent` per event, in order.
    """

    invalid: list[Problem] = field(default_factory=list)
    too_long: list[Problem] = field(default_factory=list)
    events: list[PreparedEvent] = field(default_factory=list)


def document(events: Sequence[dict[str, Any]], header: dict[str, Any]) -> dict[str, Any]:
    """The EPCISDocument holding `events` under `header` (every member of a document but its epcisBody)."""
    return {**header, "epcisBody": {"eventList": list(events)}}


def _hashes(events: Sequence[dict[str, Any]], context: Any) -> list[str | None]:
    """Event hashes; an event whose hash cannot be computed gets None (it is then stored under a UUID)."""
    try:
        return list(event_hashes(list(events), context))
    except EpcisError:
        out: list[str | None] = []
        for event in events:
            try:
                out.append(event_hash(event, context))
            except EpcisError:
                out.append(None)
        return out


def _renumber(problem: Problem, offset: int) -> Problem:
    """A problem of a part starting at `offset`, as found in the whole document."""
    if problem.event_index is None or not offset:
        return problem
    index = problem.event_index + offset
    pointer = problem.pointer
    local = f"{EVENT_LIST}{problem.event_index}"
    if pointer == local or pointer.startswith(local + "/"):
        pointer = f"{EVENT_LIST}{index}{pointer[len(local) :]}"
    return Problem(index, pointer, problem.message)


def _where(event: dict[str, Any], value: str) -> str:
    """The JSON pointer (within the event) of the first string in `event` equal to `value`, or ""."""
    path = next((p for p, v, _depth in nodes(event) if v == value), ())
    return pointer(path)


def _too_long(index: int, idx: EventIndex, key_max: int, event: dict[str, Any] | None = None) -> list[Problem]:
    problems = []
    for name, value in (
        ("eventID", idx.event_id),
        ("readPoint/id", idx.read_point),
        ("bizLocation/id", idx.biz_location),
    ):
        if value and len(value) > key_max:
            problems.append(Problem(index, f"{EVENT_LIST}{index}/{name}", f"longer than {key_max} characters"))
    for value in idx.epcs + idx.epc_classes + idx.input_epcs + idx.output_epcs + idx.input_classes + idx.output_classes:
        if len(value) > key_max:
            where = _where(event, value) if event is not None else ""
            problems.append(
                Problem(index, f"{EVENT_LIST}{index}{where}", f"identifier longer than {key_max} characters")
            )
    return problems


def prepare(
    events: Sequence[dict[str, Any]],
    header: dict[str, Any],
    context: list[Any],
    record_time: str,
    *,
    validate: bool = True,
    offset: int = 0,
    key_max: int = 1000,
) -> Prepared:
    """Prepare `events` (the part of a document's event list that starts at `offset`).

    `header` is the document around them (``@context``, ``type``, ``schemaVersion``, ``creationDate``…;
    validated with them), `context` its ``@context`` as a list (for the event hashes).
    Problems (validation against the schema when `validate`, then identifiers and locations longer than
    `key_max`) are numbered as in the whole document. Events are not modified: each is completed on a copy with
    ``eventID`` (its event hash, or a new ``urn:uuid`` when no hash can be computed) and ``recordTime``
    (`record_time`) where absent.
    """
    if validate:
        problems = validate_document(document(events, header))
        if problems:
            return Prepared(invalid=[_renumber(p, offset) for p in problems])
    hashes = _hashes(events, context)
    problems = []
    out: list[PreparedEvent] = []
    for i, (event, h) in enumerate(zip(events, hashes, strict=True)):
        full = dict(event)
        full.setdefault("eventID", h or f"urn:uuid:{uuid.uuid4()}")
        full.setdefault("recordTime", record_time)
        idx = extract(full)
        problems += _too_long(offset + i, idx, key_max, event)
        out.append(PreparedEvent(idx, h, canonical_bytes(full).decode(), values_from(full, idx)))
    return Prepared(too_long=problems) if problems else Prepared(events=out)


def merge(parts: Sequence[Prepared]) -> list[PreparedEvent]:
    """The prepared events of a whole document from its parts, in order, or :class:`EpcisError` with the
    problems of the whole document, as one :func:`prepare` call finds them: schema problems (sorted, each
    document-level one once) and then no others, or else the identifiers that are too long."""
    invalid: dict[tuple[int | None, str], Problem] = {}
    for part in parts:
        for p in part.invalid:
            invalid.setdefault((p.event_index, p.pointer), p)
    if invalid:
        raise EpcisError(
            sorted(invalid.values(), key=lambda p: (p.event_index if p.event_index is not None else -1, p.pointer))
        )
    too_long = [p for part in parts for p in part.too_long]
    if too_long:
        raise EpcisError(too_long)
    return [e for part in parts for e in part.events]

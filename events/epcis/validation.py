"""Validate EPCIS 2.0 JSON documents and events against GS1's JSON schema.

A compiled copy of the schema (:mod:`.fastschema`) accepts valid input fast; only what it
refuses goes through ``jsonschema``, which decides and explains. That validator is built once
(draft-07, with our own offline ``uri`` and ``date-time`` format checks, since jsonschema
checks formats only when extra packages are installed) and every schema error is turned into
a :class:`~events.epcis.problems.Problem` whose pointer names the offending field, e.g.
``/epcisBody/eventList/3/eventTime`` for a missing ``eventTime``.  The schema's ``anyOf``
constructs (bizStep, disposition, ...) give vague top-level errors; the best matching
sub-error supplies the message.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from typing import Any

from jsonschema import Draft7Validator, FormatChecker
from jsonschema.exceptions import ValidationError, best_match

from .fastschema import document_validator, event_validator, is_valid
from .formats import is_date_time, is_uri
from .problems import Problem, pointer
from .schema import epcis_schema

__all__ = ["is_date_time", "is_uri", "validate_document", "validate_event", "validator"]

_MAX_MESSAGE = 300
_MAX_VALUE = 80  # characters of a quoted value kept in a message

EVENT_LIST_PATHS: tuple[tuple[str, ...], ...] = (
    ("epcisBody", "eventList"),
    ("epcisBody", "queryResults", "resultsBody", "eventList"),
)
"""Where the event list sits in an EPCISDocument and an EPCISQueryDocument."""


@cache
def validator() -> Draft7Validator:
    """The cached draft-07 validator for the inlined EPCIS 2.0 schema."""
    checker = FormatChecker(formats=())
    checker.checks("uri")(is_uri)
    checker.checks("date-time")(is_date_time)
    schema = epcis_schema()
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema, format_checker=checker)


def _event_index(path: Sequence[object], base: Sequence[str]) -> int | None:
    for prefix in EVENT_LIST_PATHS:
        full = (*base, *prefix)
        n = len(full)
        if tuple(path[:n]) == full and len(path) > n and isinstance(path[n], int):
            index = path[n]
            return index if isinstance(index, int) else None
    return None


def _leaf(error: ValidationError) -> ValidationError:
    """Descend from an ``anyOf``/``oneOf`` error to the sub-error that explains it best."""
    while error.context:
        best = best_match(error.context)
        if best is None or best is error:
            break
        error = best
    return error


def _shorten(text: str, instance: object = None) -> str:
    """The message within `_MAX_MESSAGE` characters, never cut before its reason: the offending value it quotes
    is shortened in the middle first, and then, if it is still too long, the middle of the message."""
    if len(text) <= _MAX_MESSAGE:
        return text
    shown = repr(instance)
    if len(shown) > _MAX_VALUE and shown in text:
        text = text.replace(shown, shown[: _MAX_VALUE - 12] + "…" + shown[-11:], 1)
    if len(text) <= _MAX_MESSAGE:
        return text
    half = (_MAX_MESSAGE - 3) // 2
    return text[:half] + " … " + text[-half:]


def _problem(error: ValidationError, base: Sequence[str], index: int | None) -> Problem:
    top_path = list(error.absolute_path)
    leaf = _leaf(error)
    path = list(leaf.absolute_path) if len(leaf.absolute_path) >= len(top_path) else top_path
    message = leaf.message
    if leaf.validator == "required":
        # "'eventTime' is a required property": point at the missing field itself.
        missing = next((p for p in leaf.validator_value if p not in (leaf.instance or {})), None)
        if missing is not None:
            path = [*path, missing]
            message = f"'{missing}' is required"
    elif "propertyNames" in leaf.absolute_schema_path or "propertyNames" in error.absolute_schema_path:
        # propertyNames errors have the object as path and the bad name as instance.
        name = leaf.instance if isinstance(leaf.instance, str) else error.instance
        path = [*top_path, name]
        message = f"unknown property '{name}' (extension properties must be namespaced URIs/CURIEs)"
    elif (leaf.validator == "enum" and error.validator in ("anyOf", "oneOf")) or (
        leaf.validator == "format" and error.validator in ("anyOf", "oneOf") and leaf is not error
    ):
        message = f"{leaf.instance!r} is neither a standard (CBV) value nor a URI"
    elif leaf.validator == "pattern" and "urn:epcglobal:cbv" in str(leaf.validator_value):
        message = (
            f"{leaf.instance!r}: EPCIS 2.0 JSON writes CBV values as bare names "
            "(e.g. 'shipping'), not in URN or ns.gs1.org form"
        )
    if base:
        path = [*base, *path] if path[: len(base)] != list(base) else path
    event_index = _event_index(path, ()) if index is None else index
    return Problem(event_index=event_index, pointer=pointer(path), message=_shorten(message, leaf.instance))


def _problems(errors: Iterable[ValidationError], index: int | None = None) -> list[Problem]:
    found = [_problem(e, (), index) for e in errors]
    by_pointer: dict[tuple[int | None, str], Problem] = {}
    for problem in found:  # keep the first problem per field
        by_pointer.setdefault((problem.event_index, problem.pointer), problem)
    unique = list(by_pointer.values())
    unique.sort(key=lambda p: (p.event_index if p.event_index is not None else -1, p.pointer))
    return unique


def _iter(instance: Any) -> Iterator[ValidationError]:
    return validator().iter_errors(instance)


def validate_document(document: Any) -> list[Problem]:
    """Validate an EPCISDocument or EPCISQueryDocument (parsed JSON); return its problems.

    An empty list means the document is valid.  ``event_index`` is set for problems
    inside the event list.
    """
    if not isinstance(document, dict):
        return [Problem(None, "", "an EPCIS document must be a JSON object")]
    if document.get("type") not in ("EPCISDocument", "EPCISQueryDocument"):
        return [
            Problem(
                None,
                "/type",
                f"expected 'EPCISDocument' or 'EPCISQueryDocument', got {document.get('type')!r}",
            )
        ]
    if is_valid(document_validator(), document):
        return []
    return _problems(_iter(document))


def validate_event(event: Any, index: int | None = None, *, standalone: bool = False) -> list[Problem]:
    """Validate one event; return its problems with pointers into the event.

    With ``standalone=True`` the event must carry its own ``@context`` (as when an event is
    posted on its own); otherwise it is checked as a member of a document's event list.
    ``index`` is copied into each problem's ``event_index``.
    """
    if not isinstance(event, dict):
        return [Problem(index, "", "an EPCIS event must be a JSON object")]
    if is_valid(document_validator() if standalone else event_validator(), event):
        return []
    if standalone:
        return _problems(_iter(event), index)
    wrapper = validator().schema["definitions"]["EPCIS-Document-Event"]
    sub = validator().evolve(schema={**wrapper, "definitions": validator().schema["definitions"]})
    return _problems(sub.iter_errors(event), index)

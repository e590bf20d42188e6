"""Parse EPCIS 2.0 documents and single events (JSON / JSON-LD, and XML via :mod:`.xml`).

:func:`parse_document` decodes, checks the JSON schema, and returns an
:class:`EpcisDocument` with the events exactly as sent; anything wrong raises
:class:`~events.epcis.problems.EpcisError` listing every problem, so a capture can be
refused whole.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

from .limits import MAX_DEPTH, decode_float, decode_int, quantity_problems, scan, tree_problems
from .problems import EpcisError, Problem
from .validation import validate_document, validate_event
from .xml import xml_to_json_document

__all__ = ["EpcisDocument", "decode_json", "document_from_json", "parse_document", "parse_event"]

DocumentKind = Literal["EPCISDocument", "EPCISQueryDocument", "event"]


@dataclass(slots=True)
class EpcisDocument:
    """An accepted EPCIS document.

    ``events`` are the event dicts as sent (for an XML document: their JSON form);
    ``context`` is the ``@context`` as sent (always a list); ``header`` holds the
    document-level fields other than the body (``epcisHeader``, ``sender``,
    ``receiver``, ``instanceIdentifier``, ``id`` and extension fields).
    """

    kind: DocumentKind
    context: list[Any]
    events: list[dict[str, Any]]
    schema_version: str | None = None
    creation_date: str | None = None
    header: dict[str, Any] = field(default_factory=dict)
    query_name: str | None = None
    subscription_id: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _too_deep() -> EpcisError:
    return EpcisError(
        [Problem(None, "", f"JSON nested deeper than {MAX_DEPTH} levels / JSON lồng sâu quá {MAX_DEPTH} mức")]
    )


def decode_json(body: bytes | str) -> Any:
    """Decode strict JSON or raise EpcisError: UTF-8; nesting at most MAX_DEPTH levels (checked before decoding);
    finite numbers only (no NaN/Infinity/1e999); no lone surrogates or strings over the limit (see
    :mod:`.limits`). A duplicate key keeps its last value, as one GS1 sample, AssociationEvent-h, has a
    duplicate ``eventID``."""
    raw = body if isinstance(body, bytes) else body.encode("utf-8", "surrogatepass")
    deep, suspect = scan(raw)
    if deep:
        raise _too_deep()
    try:
        text = body.decode("utf-8-sig") if isinstance(body, bytes) else body
        data = json.loads(text, parse_constant=_reject_constant, parse_float=decode_float, parse_int=decode_int)
    except UnicodeDecodeError as exc:
        raise EpcisError(
            [Problem(None, "", f"body is not UTF-8 / nội dung không phải UTF-8: {exc.reason} at byte {exc.start}")]
        ) from exc
    except json.JSONDecodeError as exc:
        raise EpcisError(
            [Problem(None, "", f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}")]
        ) from exc
    except RecursionError as exc:  # unbalanced and deep: the byte check leaves malformed text to the decoder
        raise _too_deep() from exc
    except ValueError as exc:
        raise EpcisError([Problem(None, "", f"malformed JSON: {exc}")]) from exc
    if suspect or not isinstance(body, bytes):
        problems = tree_problems(data)
        if problems:
            raise EpcisError(problems)
    return data


def _as_list(context: Any) -> list[Any]:
    if context is None:
        return []
    return list(context) if isinstance(context, list) else [context]


_HEADER_SKIP = frozenset({"@context", "type", "schemaVersion", "creationDate", "epcisBody"})


def document_from_json(data: Any, *, validate: bool = True) -> EpcisDocument:
    """Build an :class:`EpcisDocument` from already-decoded JSON (raises EpcisError)."""
    if validate:
        problems = validate_document(data)
        if problems:
            raise EpcisError(problems)
    if not isinstance(data, dict):
        raise EpcisError([Problem(None, "", "an EPCIS document must be a JSON object")])
    kind = data.get("type")
    body = data.get("epcisBody") or {}
    if kind == "EPCISDocument":
        _check_body(data)
    query_name = subscription_id = None
    if kind == "EPCISQueryDocument":
        results = body.get("queryResults") or {}
        query_name = results.get("queryName")
        subscription_id = results.get("subscriptionID")
        events = (results.get("resultsBody") or {}).get("eventList") or []
    elif kind == "EPCISDocument":
        events = body.get("eventList") or []
    else:
        raise EpcisError([Problem(None, "/type", f"not an EPCIS document type: {kind!r}")])
    return EpcisDocument(
        kind=kind,
        context=_as_list(data.get("@context")),
        events=list(events),
        schema_version=data.get("schemaVersion"),
        creation_date=data.get("creationDate"),
        header={k: v for k, v in data.items() if k not in _HEADER_SKIP},
        query_name=query_name,
        subscription_id=subscription_id,
        raw=data,
    )


def _check_body(data: dict[str, Any]) -> None:
    """An EPCISDocument has an ``epcisBody`` object with an ``eventList`` array (the EPCIS 2.0 JSON schema
    requires both; checked also when the events are validated later, one part at a time, without the body);
    its quantities are finite and not negative."""
    body = data.get("epcisBody")
    if not isinstance(body, dict):
        message = "'epcisBody' is required" if body is None else "'epcisBody' must be an object"
        raise EpcisError([Problem(None, "/epcisBody", f"{message} / thiếu hoặc sai 'epcisBody'")])
    events = body.get("eventList")
    if not isinstance(events, list):
        message = "'eventList' is required" if events is None else "'eventList' must be an array"
        raise EpcisError([Problem(None, "/epcisBody/eventList", f"{message} / thiếu hoặc sai 'eventList'")])
    problems = quantity_problems(events)
    if problems:
        raise EpcisError(problems)


def _is_xml(body: bytes, content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    if media:
        return media.endswith("/xml") or media.endswith("+xml")
    return body.lstrip()[:1] == b"<"


def parse_document(body: bytes, content_type: str = "application/ld+json", *, validate: bool = True) -> EpcisDocument:
    """Parse an EPCIS 2.0 document sent as JSON/JSON-LD or XML.

    ``content_type`` chooses the syntax (``application/xml``/``text/xml`` -> XML,
    anything else -> JSON); when empty, the first byte decides.  Raises
    :class:`EpcisError` with every problem found (bad syntax, schema violations).
    """
    try:
        if _is_xml(body, content_type):
            data = xml_to_json_document(body)
            problems = tree_problems(data)
            if problems:
                raise EpcisError(problems)
        else:
            data = decode_json(body)
        return document_from_json(data, validate=validate)
    except RecursionError as exc:  # never expected after the limits; still a refusal, not a server error
        raise _too_deep() from exc


def parse_event(body: bytes | dict[str, Any], content_type: str = "application/ld+json") -> EpcisDocument:
    """Parse a single EPCIS event posted on its own (it must carry its ``@context``).

    Returns a document of kind ``event`` holding that one event (as sent, including its
    ``@context``).  Raises :class:`EpcisError` when it is not a valid event.
    """
    if isinstance(body, dict):
        data: Any = body
        problems = tree_problems(data)
        if problems:
            raise EpcisError(problems)
    elif _is_xml(body, content_type):
        raise EpcisError([Problem(None, "", "a single event must be sent as JSON; use an XML EPCISDocument")])
    else:
        data = decode_json(body)
    if isinstance(data, dict) and data.get("type") in ("EPCISDocument", "EPCISQueryDocument"):
        raise EpcisError([Problem(None, "/type", "expected a single event, got a document")])
    try:
        problems = validate_event(data, 0, standalone=True) or quantity_problems([data], base="")
    except RecursionError as exc:
        raise _too_deep() from exc
    if problems:
        raise EpcisError(problems)
    return EpcisDocument(kind="event", context=_as_list(data.get("@context")), events=[data], raw=data)

"""GS1's EPCIS event-hash pre-hash string (CBV 2.0 §8.9), computed directly for ordinary events.

The reference implementation (``epcis-event-hash-generator``) expands the whole document as
JSON-LD to learn what the bare CBV values (``shipping``, ``in_transit``, ``owning_party``) stand for,
and converts the event to an XML-like tree before writing the pre-hash string, milliseconds per event.
For events that use the standard EPCIS context (plus simple namespace prefixes) and only the
standard fields below, the same string is written here from the JSON directly:

``eventType=<type>`` then, in the algorithm's order, ``eventTime`` (UTC, milliseconds),
``eventTimeZoneOffset``, ``parentID``, ``epcList``, ``inputEPCList``, ``childEPCs``, the quantity
lists (``epcClass``, ``quantity``, ``uom`` per element), ``outputEPCList``, ``outputQuantityList``,
``action``, ``transformationID``, ``bizStep``, ``disposition``, ``readPoint``, ``bizLocation``,
each list's entries sorted; then the source, destination and business-transaction lists (each entry
``type=…`` and its party in the order written, entries sorted, lists sorted by name). Values are
canonicalised as the reference does: CBV names become ``https://ref.gs1.org/cbv/…`` URIs (also any
other value of the event equal to the tail of exactly one of them, as the reference's heuristic
does), numbers lose trailing zeros, GS1 identifiers become canonical Digital Links.

:func:`prehash` returns None for anything else (extensions, sensor data, ILMD, certification or
error declarations, unusual contexts…): the caller then asks the reference implementation.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import cache, lru_cache
from typing import Any

from .schema import CONTEXT_URLS, epcis_context

__all__ = ["canonical_value", "namespaces_of", "prehash"]

CBV = "https://ref.gs1.org/cbv/"
_EVENT_TYPES = frozenset(
    {"ObjectEvent", "AggregationEvent", "TransformationEvent", "AssociationEvent", "TransactionEvent"}
)
_EPC_LISTS = ("epcList", "inputEPCList", "childEPCs", "outputEPCList")
_QUANTITY_LISTS = ("quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList")
_PARTY_LISTS = {"sourceList": "source", "destinationList": "destination", "bizTransactionList": "bizTransaction"}
_SIMPLE = ("eventTimeZoneOffset", "parentID", "action", "transformationID", "bizStep", "disposition")
_IGNORED = frozenset({"@context", "eventID", "recordTime"})
_ALLOWED = frozenset(
    {"type", "eventTime", *_SIMPLE, *_EPC_LISTS, *_QUANTITY_LISTS, *_PARTY_LISTS, "readPoint", "bizLocation"} | _IGNORED
)
# the order in which the algorithm writes the fields it knows
_ORDER = (
    "eventTime",
    "eventTimeZoneOffset",
    "parentID",
    "epcList",
    "inputEPCList",
    "childEPCs",
    "quantityList",
    "childQuantityList",
    "inputQuantityList",
    "outputEPCList",
    "outputQuantityList",
    "action",
    "transformationID",
    "bizStep",
    "disposition",
    "readPoint",
    "bizLocation",
)
_LEGACY_CBV = (
    ("urn:epcglobal:cbv:bizstep:", CBV + "BizStep-"),
    ("urn:epcglobal:cbv:disp:", CBV + "Disp-"),
    ("urn:epcglobal:cbv:btt:", CBV + "BTT-"),
    ("urn:epcglobal:cbv:sdt:", CBV + "SDT-"),
    ("urn:epcglobal:cbv:er:", CBV + "ER-"),
)
_DL_CHAR = r"[\x22\x27\x2D\x2E\x30-\x39\x3B-\x3E\x41-\x5A\x5F\x61-\x7A]"  # GS1 AI 82 chars, no "?"
_CANONICAL_DL = re.compile(
    rf"^https://id\.gs1\.org/(?:01/\d{{14}}(?:/(?:10|21)/{_DL_CHAR}{{1,20}})?|414/\d{{13}}|417/\d{{13}}|00/\d{{18}})$"
)


_NUMBER_START = frozenset("0123456789+-.iInN")  # what float() accepts starts with one of these


class _Unsupported(Exception):
    """The event is outside what this module writes; use the reference implementation."""


@cache
def _vocabularies() -> dict[str, dict[str, str]]:
    """Bare CBV names → URIs, per field, from the EPCIS context's scoped contexts."""
    ctx = epcis_context()

    def terms(scoped: Any) -> dict[str, str]:
        out: dict[str, str] = {}
        for part in scoped if isinstance(scoped, list) else [scoped]:
            for name, value in (part or {}).items():
                if isinstance(value, str) and value.startswith("cbv:"):
                    out[name] = CBV + value[4:]
        return out

    return {
        "bizStep": terms(ctx["bizStep"]["@context"]),
        "disposition": terms(ctx["disposition"]["@context"]),
        "sourceList": terms(ctx["sourceList"]["@context"]["type"]["@context"]),
        "destinationList": terms(ctx["destinationList"]["@context"]["type"]["@context"]),
        "bizTransactionList": terms(ctx["bizTransactionList"]["@context"]["type"]["@context"]),
    }


@cache
def _reserved_prefixes() -> frozenset[str]:
    """Prefixes the EPCIS context defines (cbv:, gs1:…): values using them go to the reference."""
    return frozenset(k for k, v in epcis_context().items() if isinstance(v, str) and v.startswith("http"))


def namespaces_of(context: list[Any]) -> dict[str, str] | None:
    """Prefix → IRI of a document context, or None when it is not the EPCIS context plus simple prefixes."""
    found: dict[str, str] = {}
    protected = epcis_context()
    for entry in context:
        if isinstance(entry, str):
            if entry not in CONTEXT_URLS:
                return None
        elif isinstance(entry, dict):
            for key, value in entry.items():
                if not isinstance(value, str) or ":" in key or key.startswith("@") or key in protected:
                    return None
                if not value.startswith(("http://", "https://", "urn:")):
                    return None
                found[key] = value
        else:
            return None
    return found


@lru_cache(maxsize=65536)
def _digital_link(text: str) -> str | None:
    if _CANONICAL_DL.match(text):
        return text
    from epcis_event_hash_generator.dl_normaliser import normaliser

    result: str | None = normaliser(text)
    return result


def canonical_value(text: str) -> str:
    """The reference's value canonicalisation: CBV URNs → web URIs, numbers without zeros, GS1 keys → DL."""
    if "urn:epcglobal:cbv:" in text:
        for old, new in _LEGACY_CBV:
            text = text.replace(old, new)
    if text.lstrip()[:1] not in _NUMBER_START:  # float() cannot parse it: spare the exception
        return _digital_link(text) or text
    try:
        number = float(text)
    except ValueError:
        pass
    else:
        if number != number or number in (float("inf"), float("-inf")):
            raise _Unsupported(text)
        text = str(int(number)) if int(number) == number else str(number)
    return _digital_link(text) or text


def _time(text: str) -> str:
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise _Unsupported(text) from exc
    if moment.tzinfo is None:
        raise _Unsupported(text)
    micro = round(moment.microsecond, -3)
    if micro >= 1_000_000:
        raise _Unsupported(text)
    moment = moment.astimezone(UTC).replace(microsecond=micro)
    return moment.isoformat(timespec="milliseconds")[:-6] + "Z"


def _string(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise _Unsupported(value)
    text = str(value).strip() if isinstance(value, str) else str(value)
    if not text:
        raise _Unsupported(value)
    return text


@lru_cache(maxsize=1024)
def _tails(expanded: frozenset[str]) -> frozenset[str]:
    return frozenset(x[i + 1 :] for x in expanded for i, c in enumerate(x) if c in "-/")


@lru_cache(maxsize=1 << 16)
def _plain_value(text: str, namespaces: tuple[tuple[str, str], ...]) -> str:
    """A string value (stripped, not a CBV name) with its namespace prefix expanded, canonicalised."""
    prefix, sep, rest = text.partition(":")
    if sep:
        if prefix in _reserved_prefixes():
            raise _Unsupported(text)
        for name, iri in namespaces:
            if name == prefix:
                text = iri + rest
                break
    return canonical_value(text)


def prehash(event: dict[str, Any], namespaces: dict[str, str]) -> str | None:
    """The pre-hash string of `event`, or None when the reference implementation must compute it.

    `namespaces` comes from :func:`namespaces_of` (the document's simple prefixes).
    """
    try:
        return _prehash(event, namespaces)
    except _Unsupported:
        return None


def _prehash(event: dict[str, Any], namespaces: dict[str, str]) -> str:
    if not isinstance(event, dict) or event.get("type") not in _EVENT_TYPES or not _ALLOWED.issuperset(event):
        raise _Unsupported(event)
    vocab = _vocabularies()
    expanded: set[str] = set()

    def expand(text: str, field: str) -> str:
        full = vocab[field].get(text, text)
        if full.startswith((CBV, "https://gs1.org/voc")):
            expanded.add(full)
        return full

    # the CBV values JSON-LD expansion would find
    for field in ("bizStep", "disposition"):
        if field in event:
            expand(_string(event[field]), field)
    for field in _PARTY_LISTS:
        for entry in event.get(field) or []:
            if isinstance(entry, dict) and "type" in entry:
                expand(_string(entry["type"]), field)

    # the tails of the expanded CBV URIs (after any "-" or "/"): a value equal to none of them is not
    # rewritten to one, so it canonicalises the same in every event of the document (memoised)
    tails = _tails(frozenset(expanded))
    ns_key = tuple(namespaces.items())

    def value(raw: Any) -> str:
        if isinstance(raw, str):
            text = raw.strip()
            if text and text not in tails:
                return _plain_value(text, ns_key)
        text = _string(raw)
        if isinstance(raw, str):
            matches = [x for x in expanded if x.endswith("-" + text) or x.endswith("/" + text)]
            if len(matches) == 1:
                text = matches[0]
            return _plain_value(text, ns_key)
        return canonical_value(text)

    parts = ["eventType=" + event["type"]]
    for field in _ORDER:
        if field not in event:
            continue
        raw = event[field]
        if field == "eventTime":
            parts.append("eventTime=" + _time(_string(raw)))
        elif field in _EPC_LISTS:
            if not isinstance(raw, list):
                raise _Unsupported(raw)
            if raw:
                parts.append(field + "".join(sorted("epc=" + value(v) for v in raw)))
        elif field in _QUANTITY_LISTS:
            if not isinstance(raw, list):
                raise _Unsupported(raw)
            elements = []
            for item in raw:
                if not isinstance(item, dict) or not item or not {"epcClass", "quantity", "uom"}.issuperset(item):
                    raise _Unsupported(item)
                elements.append(
                    "quantityElement"
                    + "".join(f"{k}={value(item[k])}" for k in ("epcClass", "quantity", "uom") if k in item)
                )
            if elements:
                parts.append(field + "".join(sorted(elements)))
        elif field in ("readPoint", "bizLocation"):
            if not isinstance(raw, dict) or set(raw) != {"id"}:
                raise _Unsupported(raw)
            parts.append(f"{field}id={value(raw['id'])}")
        else:
            parts.append(f"{field}={value(raw)}")
    lists = []
    for field, party in _PARTY_LISTS.items():
        if field not in event:
            continue
        raw = event[field]
        if not isinstance(raw, list):
            raise _Unsupported(raw)
        entries = []
        for item in raw:
            if not isinstance(item, dict) or set(item) != {"type", party}:
                raise _Unsupported(item)
            entries.append("".join(f"{k}={value(v)}" for k, v in item.items()))
        if entries:
            lists.append(field + "".join(sorted(entries)))
    return "".join(parts) + "".join(sorted(lists))

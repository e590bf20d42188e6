"""The GS1 EPCIS event hash (CBV 2.0 section 8.9): ``ni:///sha-256;<hex>?ver=CBV2.0``.

Ordinary events (standard context plus simple prefixes, standard fields) get their pre-hash
string from :mod:`.prehash`, written directly from the JSON (no JSON-LD expansion: about a
hundred times faster); the tests check it equals the reference's for every conformance event and
for generated ones. Every other event is hashed by the reference implementation:

Computed with the ``epcis-event-hash-generator`` package (the reference implementation),
wrapped so that it never touches the network and is safe to call from threads:

* its JSON-LD expansion runs with our own document loader: the EPCIS context URLs are
  served from the package's copy; any other remote context is treated as empty (it could
  only define extension terms) instead of being fetched;
* local context entries that redefine a protected EPCIS term (one conformance sample maps
  ``cbvmda`` to an example URL) are left out of the expansion, which pyld would otherwise
  refuse; they still name extension namespaces, so hashes are unaffected;
* context entries whose value is a term definition object (``{"@type": "@id"}``) are
  skipped when collecting namespaces (the library crashes on them);
* sensor types written as ``gs1:`` CURIEs are expanded (JSON-LD makes ``gs1:Temperature``
  and ``Temperature`` the same IRI, but the library only expands bare names);
* the library's module-level state (namespace map, join string, pyld's global loader) is
  reset and guarded by a lock.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import threading
from typing import Any

from .prehash import namespaces_of, prehash
from .problems import EpcisError, Problem
from .schema import CONTEXT_URL, CONTEXT_URLS, epcis_context, epcis_context_document

__all__ = ["event_hash", "event_hashes", "prehash_string", "reference_event_hash", "reference_prehash_string"]

_LOCK = threading.Lock()


def _quiet_library(record: logging.LogRecord) -> bool:
    """The library logs every event it hashes at INFO on the root logger: drop that (keep its warnings)."""
    return not (record.levelno < logging.WARNING and "epcis_event_hash_generator" in record.pathname)


logging.getLogger().addFilter(_quiet_library)


def _loader(url: str, options: Any = None) -> dict[str, Any]:
    document = epcis_context_document() if url in CONTEXT_URLS else {"@context": {}}
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": document}


def _as_list(context: Any) -> list[Any]:
    if context is None:
        return [CONTEXT_URL]
    return list(context) if isinstance(context, list) else [context]


def _expansion_context(context: list[Any]) -> list[Any]:
    protected = epcis_context()
    out: list[Any] = []
    for entry in context:
        if isinstance(entry, dict):
            entry = {k: v for k, v in entry.items() if k not in protected or protected[k] == v}
        out.append(entry)
    return out


def _namespaces(context: list[Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    for entry in context:
        if isinstance(entry, str):
            found[entry] = "{" + entry + "}"
        elif isinstance(entry, dict):
            for key, value in entry.items():
                if isinstance(value, str):
                    found[key] = "{" + value + "}"
                elif isinstance(value, dict) and isinstance(value.get("@id"), str):
                    found[key] = "{" + value["@id"] + "}"
    return found


_GS1_VOC = "https://gs1.org/voc/"


def _expand_gs1_curies(event: dict[str, Any]) -> None:
    """Write ``gs1:Temperature``-style sensor types as IRIs (the library leaves CURIE values alone)."""
    for element in event.get("sensorElementList") or []:
        for report in (element or {}).get("sensorReport") or []:
            for attr in ("type", "exception"):
                value = report.get(attr) if isinstance(report, dict) else None
                if isinstance(value, str) and value.startswith("gs1:"):
                    report[attr] = _GS1_VOC + value[4:]


def _simple_events(events: list[dict[str, Any]], context: list[Any]) -> tuple[str, str, list[Any]]:
    from epcis_event_hash_generator import json_to_py, json_xml_model_mismatch_correction

    stripped = [{k: v for k, v in copy.deepcopy(e).items() if k != "@context"} for e in events]
    for event in stripped:
        _expand_gs1_curies(event)
    doc = {
        "@context": _expansion_context(context),
        "type": "EPCISDocument",
        "epcisBody": {"eventList": stripped},
    }
    doc = json_to_py._bare_string_pre_preocessing(doc)
    json_to_py._namespaces.clear()
    json_to_py._namespaces.update(_namespaces(context))
    converted = [
        json_xml_model_mismatch_correction.deep_structure_correction(json_to_py._json_to_py(event))
        for event in doc["epcisBody"]["eventList"]
    ]
    return ("EventList", "", converted)


def _run(events: list[dict[str, Any]], context: Any, want_prehash: bool) -> list[str]:
    # GS1's reference generator and pyld load on the first reference hash (the capture path hashes with
    # .prehash): a quarter of a second off every process start
    from epcis_event_hash_generator import hash_generator, json_to_py
    from pyld import jsonld

    ctx = _as_list(context)
    with _LOCK:
        previous = jsonld.get_document_loader()
        jsonld.set_document_loader(_loader)
        try:
            simple = _simple_events(events, ctx)
            prehashes = hash_generator.derive_prehashes_from_events(simple, "")
        except Exception as exc:  # the library raises bare exceptions of many kinds
            raise EpcisError([Problem(None, "", f"cannot compute the event hash: {exc}")]) from exc
        finally:
            jsonld.set_document_loader(previous)
            json_to_py._namespaces.clear()
    if len(prehashes) != len(events):  # the library logs and drops events it cannot read
        raise EpcisError([Problem(None, "", "cannot compute the event hash of every event")])
    return prehashes if want_prehash else hash_generator.calculate_hashes_from_pre_hashes(prehashes)


def _prehashes(events: list[dict[str, Any]], context: Any) -> list[str]:
    """Pre-hash strings: written directly where :mod:`.prehash` can, by the reference library otherwise."""
    namespaces = namespaces_of(_as_list(context))
    out: list[str | None] = [prehash(e, namespaces) if namespaces is not None else None for e in events]
    rest = [i for i, p in enumerate(out) if p is None]
    if rest:
        for i, p in zip(rest, _run([events[i] for i in rest], context, want_prehash=True), strict=True):
            out[i] = p
    return [p for p in out if p is not None]


def _ni(prehash_text: str) -> str:
    return "ni:///sha-256;" + hashlib.sha256(prehash_text.encode("utf-8")).hexdigest() + "?ver=CBV2.0"


def event_hashes(events: list[dict[str, Any]], context: Any = None) -> list[str]:
    """The event hashes of several events sharing one ``@context`` (default: EPCIS only)."""
    return [_ni(p) for p in _prehashes(events, context)] if events else []


def reference_event_hash(event: dict[str, Any], context: Any = None) -> str:
    """The event hash as the reference implementation computes it (for tests and debugging)."""
    if context is None:
        context = event.get("@context")
    return _run([event], context, want_prehash=False)[0]


def event_hash(event: dict[str, Any], context: Any = None) -> str:
    """The EPCIS event hash of one event (JSON form) under ``context`` (the document's @context).

    ``context`` may be the list/str/dict as sent; when None, the event's own
    ``@context`` (or else the standard EPCIS context) is used.
    """
    if context is None:
        context = event.get("@context")
    return event_hashes([event], context)[0]


def prehash_string(event: dict[str, Any], context: Any = None) -> str:
    """The normalised pre-hash string of an event (for debugging hash mismatches)."""
    if context is None:
        context = event.get("@context")
    return _prehashes([event], context)[0]


def reference_prehash_string(event: dict[str, Any], context: Any = None) -> str:
    """The reference implementation's pre-hash string (for tests and debugging)."""
    if context is None:
        context = event.get("@context")
    return _run([event], context, want_prehash=True)[0]

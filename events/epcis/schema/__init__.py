"""The EPCIS 2.0 JSON schema and JSON-LD context, shipped with the package.

Both files are unmodified copies of GS1's (gs1/EPCIS at commit 2b888bef); they are read
from the package, never from the network, and parsed once.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib import resources
from typing import Any

__all__ = [
    "CONTEXT_URL",
    "CONTEXT_URLS",
    "epcis_context",
    "epcis_context_document",
    "epcis_schema",
]

CONTEXT_URL = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
"""The URL by which EPCIS 2.0 documents name the standard JSON-LD context."""

CONTEXT_URLS: frozenset[str] = frozenset(
    {
        CONTEXT_URL,
        "https://ref.gs1.org/standards/epcis/epcis-context.jsonld",
        "https://gs1.github.io/EPCIS/epcis-context.jsonld",
        "http://gs1.github.io/EPCIS/epcis-context.jsonld",
    }
)
"""URLs that all mean the EPCIS 2.0 context and are served from the local copy.

(GS1's ``ref.gs1.org/.../2.0.0`` file and the ``gs1.github.io`` file differ in one
term only: ``xsd:decimal`` vs ``xsd:double`` for one datatype.)"""


@cache
def _load(name: str) -> Any:
    with resources.files(__name__).joinpath(name).open("rb") as fh:
        return json.load(fh)


def epcis_schema() -> dict[str, Any]:
    """Return the inlined EPCIS 2.0 JSON schema (draft-07). Do not mutate it."""
    schema: dict[str, Any] = _load("EPCIS-JSON-Schema.json")
    return schema


def epcis_context_document() -> dict[str, Any]:
    """Return a fresh copy of the whole EPCIS context document (``{"@context": {...}}``)."""
    doc: dict[str, Any] = copy.deepcopy(_load("epcis-context.jsonld"))
    return doc


def epcis_context() -> dict[str, Any]:
    """Return the term definitions of the EPCIS context (read-only; copy before changing)."""
    ctx: dict[str, Any] = _load("epcis-context.jsonld")["@context"]
    return ctx

"""GS1's XML schemas (XSD) for EPCIS 2.0 and 1.2 documents, shipped with the package and loaded from it.

The files under ``schema/xsd/`` are unmodified copies of GS1's (gs1/EPCIS at commit 2b888bef:
``XSD/`` for 2.0, ``XSL/1.2/XSD/`` for 1.2 — GS1's 1.2 schema with a deterministic event list and a nillable
quantity, as its 1.2 → 2.0 tools need). Their imports and includes are relative paths resolved in the same
folder; nothing is read from the network (a resolver refuses any other location).

:func:`validate` checks a parsed document and returns :class:`~.problems.Problem` objects naming the event
(its index in the document) and the element, with the line and libxml2's reason.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from lxml import etree

from .problems import Problem

__all__ = [
    "EPCIS_1_NS",
    "EPCIS_NS",
    "EPCIS_QUERY_NS",
    "SchemaName",
    "event_elements",
    "event_pointer",
    "schema",
    "validate",
]

EPCIS_1_NS = "urn:epcglobal:epcis:xsd:1"
EPCIS_NS = "urn:epcglobal:epcis:xsd:2"
EPCIS_QUERY_NS = "urn:epcglobal:epcis-query:xsd:2"

SchemaName = Literal["epcis-2.0", "epcis-query-2.0", "epcis-1.2"]

_FILES: dict[str, tuple[str, str]] = {
    "epcis-2.0": ("epcis-2.0", "EPCglobal-epcis-2_0.xsd"),
    "epcis-query-2.0": ("epcis-2.0", "EPCglobal-epcis-query-2_0.xsd"),
    "epcis-1.2": ("epcis-1.2", "EPCglobal-epcis-1_2.xsd"),
}
# Elements that are items of a list in the JSON form (their position becomes the pointer's index).
_ITEMS = frozenset(
    {
        "epc",
        "quantityElement",
        "bizTransaction",
        "source",
        "destination",
        "sensorElement",
        "sensorReport",
        "correctiveEventID",
        "set",
        "unset",
    }
)
_STEP = re.compile(r"^(?:[^:/\[]+:)?([^/\[]+)(?:\[(\d+)\])?$")


class _LocalOnly(etree.Resolver):
    """Resolve schema imports inside the schema's own folder; refuse everything else (no network, no files
    elsewhere)."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder.resolve()

    def resolve(self, system_url: str, public_id: str, context: Any) -> Any:
        name = system_url.rsplit("/", 1)[-1]
        candidate = (self.folder / name).resolve()
        if candidate.parent == self.folder and candidate.is_file():
            return self.resolve_filename(str(candidate), context)
        raise OSError(f"schema location outside the shipped schemas refused: {system_url}")


def _folder(name: str) -> Path:
    return Path(str(resources.files(__package__ or "events.epcis").joinpath("schema", "xsd", name)))


@cache
def schema(name: SchemaName) -> etree.XMLSchema:
    """The compiled schema (loaded once per process, from the package's own files)."""
    folder_name, file_name = _FILES[name]
    folder = _folder(folder_name)
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    parser.resolvers.add(_LocalOnly(folder))
    tree = etree.parse(str(folder / file_name), parser)
    return etree.XMLSchema(tree)


def event_pointer(rest: str) -> str:
    """The JSON-pointer-like form of an element path below an event (``quantityList/quantityElement[2]/quantity``
    → ``/quantityList/1/quantity``)."""
    out: list[str] = []
    for step in (s for s in rest.split("/") if s):
        match = _STEP.match(step)
        if match is None:
            out.append(step)
            continue
        name, position = match.group(1), match.group(2)
        if name in _ITEMS:
            out.append(str(int(position or 1) - 1))
        else:
            out.append(name)
    return "".join(f"/{s}" for s in out)


def validate(root: etree._Element, name: SchemaName, events: list[etree._Element] | None = None) -> list[Problem]:
    """Validate `root` against the named schema; each error as a Problem with the index of the event it lies in
    (`events`: the document's event elements in order) and the element's path from that event."""
    xsd = schema(name)
    if xsd.validate(root):
        return []
    tree = root.getroottree()
    paths = [(tree.getpath(e), i) for i, e in enumerate(events or [])]
    problems: list[Problem] = []
    for entry in xsd.error_log:
        where = entry.path or ""
        index, pointer = None, f"xml:line {entry.line}"
        for path, i in paths:
            if where == path or where.startswith(path + "/"):
                index = i
                pointer = f"/epcisBody/eventList/{i}" + event_pointer(where[len(path) :])
                break
        problems.append(Problem(index, pointer, f"XSD ({name}), line {entry.line}: {entry.message}"))
    return problems


def find_event_list(body: etree._Element) -> etree._Element | None:
    for element in body.iter():
        if isinstance(element.tag, str) and etree.QName(element).localname == "EventList":
            return element
    return None


def event_elements(root: etree._Element) -> list[etree._Element]:
    """The event elements of an EPCIS 2.0 document, in order (for naming the event of an XSD error)."""
    body = next((c for c in root if isinstance(c.tag, str) and etree.QName(c).localname == "EPCISBody"), None)
    event_list = find_event_list(body) if body is not None else None
    return [c for c in (event_list if event_list is not None else []) if isinstance(c.tag, str)]

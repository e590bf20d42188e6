"""EPCIS 1.x XML documents (namespace ``urn:epcglobal:epcis:xsd:1``: what most ERPs still send), mapped to 2.0.

:func:`upgrade` validates the document against GS1's EPCIS 1.2 XSD (which also accepts 1.0 and 1.1 documents)
and returns the same document as an EPCIS 2.0 XML tree, as GS1's 1.2 → 2.0 mapping (its XSL tool
``convert-1.2-to-2.0.xsl`` in gs1/EPCIS, and the 2.0 XSD, which drops the 1.x wrappers) describes:

* ``baseExtension/eventID`` and ``baseExtension/errorDeclaration`` become the event's ``eventID`` and
  ``errorDeclaration``;
* the ``<extension>`` of ObjectEvent (``quantityList``, ``sourceList``, ``destinationList``, ``ilmd``),
  AggregationEvent (``childQuantityList``, ``sourceList``, ``destinationList``) and TransactionEvent
  (``quantityList``, ``sourceList``, ``destinationList``) is unwrapped into the event, and so are the 2.0 fields a
  down-converted document carries one level deeper (``extension/extension/sensorElementList`` and
  ``persistentDisposition``; ``extension/sensorElementList`` of TransformationEvent and AssociationEvent);
* ``EventList/extension/TransformationEvent`` and ``EventList/extension/extension/AssociationEvent`` become
  events of the list, in document order;
* the header keeps its SBDH and master data; its user extensions (1.2's ``##other`` wildcard after
  ``extension``, e.g. GS1 US's ``guidelineVersion``) are left out: 2.0's header has no place for them;
* user extensions (elements and attributes in their own namespaces) stay where they are; values (CBV URNs,
  EPC URIs) are kept as sent and normalised with every XML document by :mod:`.xml`.

What 2.0 cannot express is refused, naming the event: ``QuantityEvent`` (removed in 2.0; an ObjectEvent with a
``quantityList`` says the same), and elements without a namespace inside the ``<extension>`` wrappers (the 1.x
XSD keeps them for future versions of the standard; 2.0 defines none of them). The result is validated against
the 2.0 XSD too, so a time without a time zone (1.x allowed it, 2.0 does not) is refused with the reason.
"""

from __future__ import annotations

from copy import deepcopy

from lxml import etree

from . import xsd
from .problems import EpcisError, Problem
from .xsd import EPCIS_1_NS, EPCIS_NS, event_elements

__all__ = ["events_1x", "upgrade"]

_SBDH_NS = "http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader"

_BASE = (
    "eventTime",
    "recordTime",
    "eventTimeZoneOffset",
    "baseExtension/eventID",
    "baseExtension/errorDeclaration",
    "baseExtension/extension/certificationInfo",
)
_FIELDS: dict[str, tuple[str, ...]] = {  # 2.0 order: where each field is in a 1.x event
    "ObjectEvent": (
        "epcList",
        "action",
        "bizStep",
        "disposition",
        "readPoint",
        "bizLocation",
        "bizTransactionList",
        "extension/quantityList",
        "extension/sourceList",
        "extension/destinationList",
        "extension/extension/sensorElementList",
        "extension/extension/persistentDisposition",
        "extension/ilmd",
    ),
    "AggregationEvent": (
        "parentID",
        "childEPCs",
        "action",
        "bizStep",
        "disposition",
        "readPoint",
        "bizLocation",
        "bizTransactionList",
        "extension/childQuantityList",
        "extension/sourceList",
        "extension/destinationList",
        "extension/extension/sensorElementList",
        "extension/extension/persistentDisposition",
    ),
    "TransactionEvent": (
        "bizTransactionList",
        "parentID",
        "epcList",
        "action",
        "bizStep",
        "disposition",
        "readPoint",
        "bizLocation",
        "extension/quantityList",
        "extension/sourceList",
        "extension/destinationList",
        "extension/extension/sensorElementList",
        "extension/extension/persistentDisposition",
    ),
    "TransformationEvent": (
        "inputEPCList",
        "inputQuantityList",
        "outputEPCList",
        "outputQuantityList",
        "transformationID",
        "bizStep",
        "disposition",
        "readPoint",
        "bizLocation",
        "bizTransactionList",
        "sourceList",
        "destinationList",
        "extension/sensorElementList",
        "extension/persistentDisposition",
        "ilmd",
    ),
    "AssociationEvent": (
        "parentID",
        "childEPCs",
        "childQuantityList",
        "action",
        "bizStep",
        "disposition",
        "readPoint",
        "bizLocation",
        "bizTransactionList",
        "sourceList",
        "destinationList",
        "sensorElementList",
        "extension/sensorElementList",
        "persistentDisposition",
        "extension/persistentDisposition",
    ),
}
_WRAPPERS = ("baseExtension", "baseExtension/extension", "extension", "extension/extension")


def _plain(element: object) -> bool:
    return isinstance(element, etree._Element) and isinstance(element.tag, str) and "}" not in element.tag


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _at(element: etree._Element, path: str) -> etree._Element | None:
    """The element at `path` (names without a namespace, first match at each step), or None."""
    node: etree._Element | None = element
    for step in path.split("/"):
        if node is None:
            return None
        node = next((c for c in node if _plain(c) and c.tag == step), None)
    return node


def events_1x(root: etree._Element) -> list[etree._Element]:
    """The event elements of a 1.x document in document order, unwrapped from ``EventList``'s ``<extension>``s
    (the unknown ones too, so that each problem names its event)."""
    out: list[etree._Element] = []

    def walk(container: etree._Element) -> None:
        for child in container:
            if not isinstance(child.tag, str):
                continue
            if _plain(child) and child.tag == "extension":
                walk(child)
            else:
                out.append(child)

    body = _at(root, "EPCISBody")
    event_list = _at(body, "EventList") if body is not None else None
    if event_list is not None:
        walk(event_list)
    return out


def _event(old: etree._Element, index: int, problems: list[Problem]) -> etree._Element | None:
    name = _local(old) if isinstance(old.tag, str) else ""
    where = f"/epcisBody/eventList/{index}"
    if name == "QuantityEvent" and _plain(old):
        problems.append(
            Problem(
                index,
                where,
                "QuantityEvent was removed in EPCIS 2.0: send an ObjectEvent with a quantityList / "
                "QuantityEvent không còn trong EPCIS 2.0: hãy gửi ObjectEvent có quantityList",
            )
        )
        return None
    if name not in _FIELDS or not _plain(old):
        problems.append(Problem(index, where, f"unknown EPCIS event type {name!r} / loại sự kiện không biết"))
        return None
    new = etree.Element(name)
    for key, value in old.attrib.items():
        new.set(key, value)
    used: set[etree._Element] = set()
    for path in _BASE + _FIELDS[name]:
        found = _at(old, path)
        if found is not None:
            new.append(deepcopy(found))
            used.add(found)
    containers: list[tuple[etree._Element, str]] = [(old, "")]
    for path in _WRAPPERS:
        wrapper = _at(old, path)
        if wrapper is not None:
            containers.append((wrapper, path))
            used.add(wrapper)
            for key, value in wrapper.attrib.items():
                new.set(key, value)
    for container, path in containers:
        for child in container:
            if _plain(child) and child not in used:
                problems.append(
                    Problem(
                        index,
                        f"{where}/{path + '/' if path else ''}{child.tag}",
                        f"element {child.tag!r} inside <{path or name}> has no namespace: EPCIS 1.x reserves such "
                        "elements for later versions of the standard and EPCIS 2.0 defines none of this name "
                        "(user extensions need a namespace) / "
                        "phần tử không có namespace, EPCIS 2.0 không có trường này",
                    )
                )
    for child in old:  # user extensions (in their own namespaces), after the standard fields as in 2.0
        if isinstance(child.tag, str) and not _plain(child):
            new.append(deepcopy(child))
    return new


def _header(old: etree._Element) -> etree._Element:
    """The 1.x ``EPCISHeader`` as 2.0 has it: the SBDH and ``extension`` (master data) kept, the header's user
    extensions left out. EPCIS 1.2's ``EPCISHeaderType`` ends with ``<xsd:any namespace="##other">`` (GS1 US's
    ``gs1ushc:guidelineVersion`` goes there); 2.0's (EPCglobal-epcis-2_0.xsd) has no such place, and GS1's own
    mapping, ``convert-1.2-to-2.0.xsl``, carries no header at all. They stay in the original kept with the capture."""
    new = etree.Element(old.tag, dict(old.attrib))
    for child in old:
        if not isinstance(child.tag, str):
            continue
        if _plain(child) or child.tag == f"{{{_SBDH_NS}}}StandardBusinessDocumentHeader":
            new.append(deepcopy(child))
    return new


def upgrade(root: etree._Element) -> etree._Element:
    """Validate an EPCIS 1.x ``EPCISDocument`` against GS1's 1.2 XSD and return it as a validated EPCIS 2.0
    document tree (raises :class:`EpcisError`, each problem naming its event)."""
    old_events = events_1x(root)
    problems = xsd.validate(root, "epcis-1.2", old_events)
    if problems:
        raise EpcisError(problems)
    nsmap = {p: ns for p, ns in root.nsmap.items() if ns != EPCIS_1_NS and p != "epcis"}
    nsmap["epcis"] = EPCIS_NS
    new_root = etree.Element(f"{{{EPCIS_NS}}}EPCISDocument", nsmap=nsmap)  # type: ignore[arg-type]
    for key, value in root.attrib.items():
        new_root.set(key, value)
    new_root.set("schemaVersion", "2.0")
    events: list[etree._Element] = []
    for i, old in enumerate(old_events):
        new = _event(old, i, problems)
        if new is not None:
            events.append(new)
    if problems:
        raise EpcisError(problems)
    for child in root:
        if not isinstance(child.tag, str):
            continue
        if _plain(child) and child.tag == "EPCISBody":
            body = etree.SubElement(new_root, "EPCISBody", dict(child.attrib))
            for part in child:
                if not isinstance(part.tag, str):
                    continue
                if _plain(part) and part.tag == "EventList":
                    event_list = etree.SubElement(body, "EventList", dict(part.attrib))
                    event_list.extend(events)
                else:
                    body.append(deepcopy(part))
        elif _plain(child) and child.tag == "EPCISHeader":
            new_root.append(_header(child))
        else:
            new_root.append(deepcopy(child))
    problems = xsd.validate(new_root, "epcis-2.0", event_elements(new_root))
    if problems:
        raise EpcisError(problems)
    return new_root

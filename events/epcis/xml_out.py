"""EPCIS 2.0 events (JSON form) written as an XML ``EPCISQueryDocument`` (namespace
``urn:epcglobal:epcis-query:xsd:2``), valid against GS1's query XSD: the query answers' XML form.

The reverse of :mod:`.xml`: standard fields in the XSD's order, CBV bare names as URNs
(``shipping`` → ``urn:epcglobal:cbv:bizstep:shipping``), sensor measurement types as ``gs1:`` names, numbers as
XML decimals; each user extension key ``p:name`` becomes an element in the namespace ``p`` stands for in the
event's own ``@context`` (the context it was captured under), declared on the event element, so events captured
under different contexts keep their own meaning on one page. A full IRI key is split at its last ``/``, ``#`` or
``:`` into namespace and name; keys without a prefix inside an extension value stay without a namespace, as the
XML form allowed them. Extension objects become child elements (``#text`` / ``@value`` their text), lists repeated
elements. Names that are not valid XML names have their other characters replaced by ``_``, and characters XML
cannot carry (control characters that JSON strings may hold) by U+FFFD.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from lxml import etree

from . import cbv
from .schema import CONTEXT_URLS, epcis_context

__all__ = ["EPCIS_QUERY_NS", "event_element", "query_document"]

EPCIS_QUERY_NS = "urn:epcglobal:epcis-query:xsd:2"
_GS1_VOC = "https://gs1.org/voc/"
_FIELDS: dict[str, tuple[str, ...]] = {
    "ObjectEvent": (
        "epcList",
        "action",
        "bizStep",
        "disposition",
        "readPoint",
        "bizLocation",
        "bizTransactionList",
        "quantityList",
        "sourceList",
        "destinationList",
        "sensorElementList",
        "persistentDisposition",
        "ilmd",
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
        "childQuantityList",
        "sourceList",
        "destinationList",
        "sensorElementList",
        "persistentDisposition",
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
        "quantityList",
        "sourceList",
        "destinationList",
        "sensorElementList",
        "persistentDisposition",
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
        "sensorElementList",
        "persistentDisposition",
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
        "persistentDisposition",
    ),
}
_BASE = ("eventTime", "recordTime", "eventTimeZoneOffset", "eventID", "errorDeclaration", "certificationInfo")
_SKIP = frozenset({"type", "@context"})
_EPC_LISTS = frozenset({"epcList", "childEPCs", "inputEPCList", "outputEPCList"})
_QUANTITY_LISTS = frozenset({"quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList"})
_CBV_TEXT: dict[str, cbv.Kind] = {"bizStep": "bizstep", "disposition": "disp"}
_TYPED_LISTS: dict[str, tuple[str, cbv.Kind]] = {
    "bizTransactionList": ("bizTransaction", "btt"),
    "sourceList": ("source", "sdt"),
    "destinationList": ("destination", "sdt"),
}
_NOT_NAME = re.compile(r"[^\w.\-]", re.UNICODE)
_NOT_ASCII_NAME = re.compile(r"[^A-Za-z0-9_.\-]")
_NOT_XML_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _standard_prefixes() -> dict[str, str]:
    return {k: v for k, v in epcis_context().items() if isinstance(v, str) and v[-1:] in ("/", "#", ":")}


def _xml_namespace(iri: str) -> str:
    """The XML namespace of a JSON-LD prefix: URN prefixes end with ':' in JSON-LD and not in XML
    (``cbvmda``: ``urn:epcglobal:cbv:mda:`` / ``urn:epcglobal:cbv:mda``)."""
    return iri[:-1] if iri.startswith("urn:") and iri.endswith(":") else iri


def _ncname(name: str) -> str:
    name = _NOT_NAME.sub("_", name) or "_"
    name = name if name[0].isalpha() or name[0] == "_" else "_" + name
    try:
        etree.QName(name)
    except ValueError:  # a letter or digit XML names do not allow
        name = _NOT_ASCII_NAME.sub("_", name)
    return name


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float | int | Decimal):
        return format(Decimal(str(value)), "f")
    return "" if value is None else _NOT_XML_CHAR.sub("\ufffd", str(value))  # JSON allows what XML cannot carry


class _Writer:
    """Writes one event; `prefixes` maps its context's prefixes to IRIs, `used` collects the XML namespaces it
    declares on the event element."""

    def __init__(self, context: Iterable[Any]) -> None:
        self.prefixes = _standard_prefixes()
        for entry in context:
            if isinstance(entry, dict):
                for key, value in entry.items():
                    if isinstance(value, str) and not key.startswith("@"):
                        self.prefixes[key] = value
        self.used: dict[str, str] = {}

    def _declare(self, prefix: str | None, namespace: str) -> str:
        for known, ns in self.used.items():
            if ns == namespace:
                return known
        name = prefix if prefix and prefix not in self.used and prefix not in ("xml", "xmlns") else None
        name = _ncname(name) if name else f"ns{len(self.used) + 1}"
        while name in self.used:
            name += "_"
        self.used[name] = namespace
        return name

    def qname(self, key: str, nested: bool) -> str:
        """The Clark name ``{ns}local`` (or a plain name) for a JSON key."""
        if ":" in key:
            prefix, local = key.split(":", 1)
            if prefix in self.prefixes and "/" not in local:
                namespace = _xml_namespace(self.prefixes[prefix])
                self._declare(prefix, namespace)
                return f"{{{namespace}}}{_ncname(local)}"
            cut = max(key.rfind("/"), key.rfind("#"), key.rfind(":"))
            namespace, local = key[: cut + 1], key[cut + 1 :]
            namespace = namespace[:-1] if namespace.endswith(":") else namespace
            self._declare(None, namespace)
            return f"{{{namespace}}}{_ncname(local)}"
        return _ncname(key) if nested else f"{{urn:truyxuat:unnamed}}{_ncname(key)}"

    # ---- values --------------------------------------------------------------------
    def extension(self, parent: etree._Element, key: str, value: Any, nested: bool = False) -> None:
        for item in value if isinstance(value, list) else [value]:
            element = etree.SubElement(parent, self.qname(key, nested))
            if isinstance(item, dict):
                for sub_key, sub_value in item.items():
                    if sub_key in ("#text", "@value"):
                        element.text = _text(sub_value)
                    elif not sub_key.startswith("@"):
                        self.extension(element, sub_key, sub_value, nested=True)
            else:
                element.text = _text(item)

    def extensions(self, parent: etree._Element, data: dict[str, Any], known: Iterable[str]) -> None:
        skip = set(known) | _SKIP
        for key, value in data.items():
            if key not in skip:
                self.extension(parent, key, value)

    def _attributes(self, element: etree._Element, data: dict[str, Any], measurement: bool = False) -> None:
        for key, value in data.items():
            if measurement and key in ("type", "exception") and isinstance(value, str) and ":" not in value:
                self._declare("gs1", _GS1_VOC)
                value = f"gs1:{value}"
            name = self.qname(key, nested=True) if ":" in key else key
            element.set(name, _text(value))

    def _sensor_element(self, parent: etree._Element, data: dict[str, Any]) -> None:
        element = etree.SubElement(parent, "sensorElement")
        if isinstance(data.get("sensorMetadata"), dict):
            self._attributes(etree.SubElement(element, "sensorMetadata"), data["sensorMetadata"])
        for report in data.get("sensorReport") or []:
            self._attributes(etree.SubElement(element, "sensorReport"), report, measurement=True)
        self.extensions(element, data, ("sensorMetadata", "sensorReport"))

    def _error_declaration(self, parent: etree._Element, data: dict[str, Any]) -> None:
        element = etree.SubElement(parent, "errorDeclaration")
        etree.SubElement(element, "declarationTime").text = _text(data.get("declarationTime"))
        if data.get("reason"):
            etree.SubElement(element, "reason").text = _text(cbv.to_urn(str(data["reason"]), "er"))
        if "correctiveEventIDs" in data:
            ids = etree.SubElement(element, "correctiveEventIDs")
            for event_id in data["correctiveEventIDs"] or []:
                etree.SubElement(ids, "correctiveEventID").text = _text(event_id)
        self.extensions(element, data, ("declarationTime", "reason", "correctiveEventIDs"))

    def field(self, parent: etree._Element, name: str, value: Any) -> None:
        """One standard field of an event."""
        if name in _EPC_LISTS:
            element = etree.SubElement(parent, name)
            for epc in value or []:
                etree.SubElement(element, "epc").text = _text(epc)
        elif name in _QUANTITY_LISTS:
            element = etree.SubElement(parent, name)
            for item in value or []:
                quantity = etree.SubElement(element, "quantityElement")
                etree.SubElement(quantity, "epcClass").text = _text(item.get("epcClass"))
                if item.get("quantity") is not None:
                    etree.SubElement(quantity, "quantity").text = _text(item["quantity"])
                    if item.get("uom"):
                        etree.SubElement(quantity, "uom").text = _text(item["uom"])
        elif name in _CBV_TEXT:
            etree.SubElement(parent, name).text = _text(cbv.to_urn(str(value), _CBV_TEXT[name]))
        elif name in _TYPED_LISTS:
            child_name, kind = _TYPED_LISTS[name]
            element = etree.SubElement(parent, name)
            for item in value or []:
                child = etree.SubElement(element, child_name)
                if item.get("type"):
                    child.set("type", _text(cbv.to_urn(str(item["type"]), kind)))
                child.text = _text(item.get(child_name))
        elif name in ("readPoint", "bizLocation"):
            element = etree.SubElement(parent, name)
            etree.SubElement(element, "id").text = _text(value.get("id"))
            self.extensions(element, value, ("id",))
        elif name == "persistentDisposition":
            element = etree.SubElement(parent, name)
            for part in ("unset", "set"):  # the XSD's order
                for disposition in value.get(part) or []:
                    etree.SubElement(element, part).text = _text(cbv.to_urn(str(disposition), "disp"))
        elif name == "sensorElementList":
            element = etree.SubElement(parent, name)
            for sensor in value or []:
                self._sensor_element(element, sensor)
        elif name == "ilmd":
            self.extensions(etree.SubElement(parent, name), value, ())
        elif name == "errorDeclaration":
            self._error_declaration(parent, value)
        elif name == "certificationInfo":  # one in XML
            first = value[0] if isinstance(value, list) and value else value
            etree.SubElement(parent, name).text = _text(first)
        else:
            etree.SubElement(parent, name).text = _text(value)


def event_element(event: dict[str, Any], context: Iterable[Any]) -> etree._Element:
    """One event as its XML element, its extension namespaces declared on it."""
    kind = str(event.get("type"))
    own = event.get("@context")
    contexts = [*context, *(own if isinstance(own, list) else [own] if own is not None else [])]
    writer = _Writer(c for c in contexts if not (isinstance(c, str) and c in CONTEXT_URLS))
    scratch = etree.Element(kind)
    fields = _BASE + _FIELDS.get(kind, ())
    for name in fields:
        if name in event:
            writer.field(scratch, name, event[name])
    writer.extensions(scratch, event, fields)
    element = etree.Element(kind, nsmap=writer.used)  # type: ignore[arg-type]
    element.extend(list(scratch))
    return element


def query_document(
    events: Iterable[tuple[dict[str, Any], Iterable[Any]]],
    *,
    creation_date: str,
    query_name: str = "SimpleEventQuery",
    subscription_id: str | None = None,
) -> bytes:
    """An ``EPCISQueryDocument`` holding `events` (each with the @context it was captured under), as UTF-8 XML."""
    root = etree.Element(f"{{{EPCIS_QUERY_NS}}}EPCISQueryDocument", nsmap={"epcisq": EPCIS_QUERY_NS})
    root.set("schemaVersion", "2.0")
    root.set("creationDate", creation_date)
    body = etree.SubElement(root, "EPCISBody")
    results = etree.SubElement(body, f"{{{EPCIS_QUERY_NS}}}QueryResults")
    etree.SubElement(results, "queryName").text = query_name
    if subscription_id:
        etree.SubElement(results, "subscriptionID").text = subscription_id
    event_list = etree.SubElement(etree.SubElement(results, "resultsBody"), "EventList")
    for event, context in events:
        event_list.append(event_element(event, context))
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))

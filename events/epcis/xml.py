"""EPCIS XML documents (2.0, and 1.x through :mod:`.xml12`), converted to the EPCIS 2.0 JSON(-LD) form.

:func:`xml_to_json_document` reads an ``EPCISDocument`` (namespace ``urn:epcglobal:epcis:xsd:2``, or
``urn:epcglobal:epcis:xsd:1`` for EPCIS 1.0-1.2, first mapped to 2.0 as GS1's 1.2 → 2.0 tool does) or an
``EPCISQueryDocument`` (``urn:epcglobal:epcis-query:xsd:2``) with a safe lxml parser (no network, no entity
expansion, no DTD loading; a DTD declaring entities is refused), validates it against GS1's XSD
(:mod:`.xsd`), and returns the JSON document the JSON binding would have carried: CBV URNs become bare names
(``urn:epcglobal:cbv:bizstep:shipping`` -> ``shipping``), quantities and sensor values become numbers,
``gs1:Temperature`` becomes ``Temperature``, and each user extension element ``<p:name>`` becomes the key
``p:name`` with ``p`` declared in the returned ``@context``. Inside a user extension element, children without
a namespace (which the XSD's lax wildcards accept) keep their plain names, and its attributes become keys beside
its children (its text then under ``#text``). Extension text stays a string (XML carries no JSON types);
repeated extension elements become lists. Extension elements' ``<extension>``/``<baseExtension>`` wrappers
(2.0: namespaced content only) are flattened into the event.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from . import cbv, xsd
from .problems import EpcisError, Problem
from .schema import CONTEXT_URL
from .xml12 import upgrade
from .xsd import EPCIS_1_NS, EPCIS_NS, EPCIS_QUERY_NS, event_elements, find_event_list

__all__ = ["EPCIS_1_NS", "EPCIS_NS", "EPCIS_QUERY_NS", "event_elements", "parse_xml", "xml_to_json_document"]

_MASTERDATA_NS = "urn:epcglobal:epcis-masterdata:xsd:2"
_SBDH_NS = "http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader"
_XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
_XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
_TEXT_KEY = "#text"
_EVENT_TYPES = frozenset(
    {"ObjectEvent", "AggregationEvent", "TransactionEvent", "TransformationEvent", "AssociationEvent"}
)
_TEXT_FIELDS = frozenset(
    {"eventTime", "recordTime", "eventTimeZoneOffset", "eventID", "action", "parentID", "transformationID"}
)
_EPC_LISTS = frozenset({"epcList", "childEPCs", "inputEPCList", "outputEPCList"})
_QUANTITY_LISTS = frozenset({"quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList"})
_NUMERIC_SENSOR_ATTRS = frozenset({"value", "minValue", "maxValue", "meanValue", "sDev", "percRank", "percValue"})
_CBV_SENSOR_TYPE_PREFIXES = ("gs1:", "https://gs1.org/voc/", "https://ref.gs1.org/voc/")


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
        huge_tree=False,
    )


class _Converter:
    """Stateful XML -> JSON conversion of one document (collects namespace prefixes)."""

    def __init__(self) -> None:
        self.prefixes: dict[str, str] = {}
        self.allow_plain = False  # un-namespaced names are accepted in master data only

    # ---- helpers -------------------------------------------------------------------
    def _fail(self, element: etree._Element, message: str) -> EpcisError:
        return EpcisError([Problem(None, f"xml:line {element.sourceline}", message)])

    def _ext_key(self, qname: str, element: etree._Element, nested: bool = False) -> str:
        q = etree.QName(qname)
        if q.namespace is None and (self.allow_plain or nested):
            return q.localname
        if q.namespace is None:
            raise self._fail(
                element,
                f"element/attribute {q.localname!r} has no namespace: EPCIS 2.0 reserves names without a namespace "
                "for its own fields and has none of this name (user extensions need a namespace)",
            )
        prefix = next(
            (p for p, ns in (element.nsmap or {}).items() if ns == q.namespace and p),
            None,
        )
        if prefix is None:
            return q.namespace + q.localname
        known = self.prefixes.get(prefix)
        if known is not None and known != q.namespace:
            return q.namespace + q.localname  # prefix reused for another namespace
        self.prefixes[prefix] = q.namespace
        return f"{prefix}:{q.localname}"

    @staticmethod
    def _text(element: etree._Element) -> str:
        return (element.text or "").strip()

    @staticmethod
    def _number(text: str) -> int | float:
        try:
            return int(text)
        except ValueError:
            return float(text)

    @staticmethod
    def _local(element: etree._Element) -> str:
        return etree.QName(element).localname

    def _is_epcis(self, element: etree._Element) -> bool:
        return etree.QName(element).namespace in (None, EPCIS_NS, EPCIS_QUERY_NS)

    # ---- extensions ----------------------------------------------------------------
    def _extension_value(self, element: etree._Element) -> Any:
        """A user extension element's value: its text, or an object of its children (plain names allowed, as the
        XSD's lax wildcards allow them) and attributes."""
        children = [c for c in element if isinstance(c.tag, str)]
        attributes = {
            self._ext_key(name, element, nested=True): value
            for name, value in element.attrib.items()
            if name not in (_XSI_TYPE, _XSI_NIL)
        }
        if not children and not attributes:
            return self._text(element)
        out = {**attributes, **self._extensions(children, nested=True)}
        if not children and self._text(element):
            out[_TEXT_KEY] = self._text(element)
        return out

    def _extensions(self, elements: list[etree._Element], nested: bool = False) -> dict[str, Any]:
        grouped: dict[str, list[Any]] = {}
        for child in elements:
            if not isinstance(child.tag, str):
                continue
            grouped.setdefault(self._ext_key(child.tag, child, nested), []).append(self._extension_value(child))
        return {key: values[0] if len(values) == 1 else values for key, values in grouped.items()}

    def _attrs(self, element: etree._Element, numeric: frozenset[str] = frozenset()) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, value in element.attrib.items():
            if name == _XSI_TYPE:
                continue
            if etree.QName(name).namespace is None:
                if name in numeric:
                    out[name] = self._number(value)
                elif name == "booleanValue":
                    out[name] = value.strip() in ("true", "1")
                else:
                    out[name] = value
            else:
                out[self._ext_key(name, element)] = value
        return out

    # ---- event fields --------------------------------------------------------------
    def _quantity(self, element: etree._Element) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for child in element:
            name = self._local(child)
            text = self._text(child)
            if child.get(_XSI_NIL) in ("true", "1") or not text:
                continue  # <quantity xsi:nil="true"/>: no quantity
            out[name] = self._number(text) if name == "quantity" else text
        return out

    def _sensor_report(self, element: etree._Element) -> dict[str, Any]:
        out = self._attrs(element, _NUMERIC_SENSOR_ATTRS)
        for attr in ("type", "exception"):
            value = out.get(attr)
            if isinstance(value, str):
                for prefix in _CBV_SENSOR_TYPE_PREFIXES:
                    if value.startswith(prefix):
                        out[attr] = value[len(prefix) :]
        return out

    def _sensor_element(self, element: etree._Element) -> dict[str, Any]:
        out: dict[str, Any] = {}
        extensions: list[etree._Element] = []
        for child in element:
            name = self._local(child)
            if self._is_epcis(child) and name == "sensorMetadata":
                out["sensorMetadata"] = self._attrs(child)
            elif self._is_epcis(child) and name == "sensorReport":
                out.setdefault("sensorReport", []).append(self._sensor_report(child))
            else:
                extensions.append(child)
        out.update(self._extensions(extensions))
        return out

    def _with_id(self, element: etree._Element) -> dict[str, Any]:
        out: dict[str, Any] = {}
        extensions = []
        for child in element:
            if self._is_epcis(child) and self._local(child) == "id":
                out["id"] = self._text(child)
            else:
                extensions.append(child)
        out.update(self._extensions(extensions))
        return out

    def _error_declaration(self, element: etree._Element) -> dict[str, Any]:
        out: dict[str, Any] = {}
        extensions = []
        for child in element:
            name = self._local(child)
            if not self._is_epcis(child):
                extensions.append(child)
            elif name == "reason":
                out["reason"] = cbv.normalise(self._text(child), "er")
            elif name == "correctiveEventIDs":
                out["correctiveEventIDs"] = [self._text(c) for c in child]
            else:
                out[name] = self._text(child)
        out.update(self._extensions(extensions))
        return out

    def _typed_list(self, element: etree._Element, field: str, kind: cbv.Kind) -> list[dict[str, Any]]:
        out = []
        for child in element:
            item: dict[str, Any] = {}
            if "type" in child.attrib:
                item["type"] = cbv.normalise(child.attrib["type"], kind)
            item[field] = self._text(child)
            out.append(item)
        return out

    def event(self, element: etree._Element) -> dict[str, Any]:
        """Convert one event element to its JSON form."""
        event: dict[str, Any] = {"type": self._local(element)}
        extensions: list[etree._Element] = []
        attributes = self._attrs(element)
        for child in element:
            name = self._local(child)
            if not self._is_epcis(child):
                extensions.append(child)
            elif name in _TEXT_FIELDS:
                event[name] = self._text(child)
            elif name == "bizStep":
                event[name] = cbv.normalise(self._text(child), "bizstep")
            elif name == "disposition":
                event[name] = cbv.normalise(self._text(child), "disp")
            elif name == "persistentDisposition":
                pd: dict[str, list[str]] = {}
                for item in child:
                    pd.setdefault(self._local(item), []).append(cbv.normalise(self._text(item), "disp"))
                event[name] = pd
            elif name in _EPC_LISTS:
                event[name] = [self._text(c) for c in child]
            elif name in _QUANTITY_LISTS:
                event[name] = [self._quantity(c) for c in child]
            elif name in ("readPoint", "bizLocation"):
                event[name] = self._with_id(child)
            elif name == "bizTransactionList":
                event[name] = self._typed_list(child, "bizTransaction", "btt")
            elif name == "sourceList":
                event[name] = self._typed_list(child, "source", "sdt")
            elif name == "destinationList":
                event[name] = self._typed_list(child, "destination", "sdt")
            elif name == "sensorElementList":
                event[name] = [self._sensor_element(c) for c in child]
            elif name == "ilmd":
                event[name] = self._extensions(list(child))
            elif name == "errorDeclaration":
                event[name] = self._error_declaration(child)
            elif name == "certificationInfo":
                existing = event.get(name)
                value = self._text(child)
                event[name] = (
                    value if existing is None else [*([existing] if isinstance(existing, str) else existing), value]
                )
            elif name in ("extension", "baseExtension"):  # wrappers of namespaced extensions: flattened
                attributes.update(self._attrs(child))
                for sub in child:
                    if self._is_epcis(sub):  # a field of a future version (the 2.0 XSD refuses it too)
                        self._ext_key(sub.tag, sub)
                    extensions.append(sub)
            else:
                raise self._fail(child, f"unexpected element {name!r} in {event['type']}")
        event.update(attributes)
        event.update(self._extensions(extensions))
        return event

    # ---- master data ---------------------------------------------------------------
    def vocabulary(self, element: etree._Element) -> dict[str, Any]:
        """Convert a ``<Vocabulary>`` of the EPCIS header's master data."""
        self.allow_plain = True
        elements = []
        container = next((c for c in element if self._local(c) == "VocabularyElementList"), None)
        for ve in container if container is not None else []:
            item: dict[str, Any] = {"id": ve.get("id")}
            attributes = []
            for child in ve:
                name = self._local(child)
                if name == "attribute":
                    nested = [c for c in child if isinstance(c.tag, str)]
                    value: Any = self._extensions(nested) if nested else self._text(child)
                    attributes.append({"id": child.get("id"), "attribute": value})
                elif name == "children":
                    item["children"] = [self._text(c) for c in child]
            if attributes:
                item["attributes"] = attributes
            elements.append(item)
        self.allow_plain = False
        return {"type": element.get("type"), "vocabularyElementList": elements}


def parse_xml(data: bytes) -> etree._Element:
    """Parse XML safely (no network, no DTD loading, no entity expansion) or raise EpcisError: a DTD that
    declares entities (billion laughs, external entities) and any entity reference are refused."""
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise EpcisError([Problem(None, "", f"malformed XML: {exc}")]) from exc
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise EpcisError([Problem(None, "", "XML entity declarations are not accepted / không nhận khai báo entity")])
    for node in root.iter():
        if isinstance(node, etree._Entity):
            raise EpcisError([Problem(None, "", "XML entities are not accepted / không nhận entity XML")])
    return root


def _checked(root: etree._Element) -> tuple[etree._Element, str]:
    """The document as an EPCIS 2.0 tree, validated against GS1's XSD, and its kind; an EPCIS 1.x document is
    validated against the 1.2 XSD and mapped to 2.0 first (:mod:`.xml12`)."""
    q = etree.QName(root)
    if (q.namespace, q.localname) == (EPCIS_1_NS, "EPCISDocument"):
        return upgrade(root), "EPCISDocument"
    schema_name: xsd.SchemaName
    if (q.namespace, q.localname) == (EPCIS_NS, "EPCISDocument"):
        kind, schema_name = "EPCISDocument", "epcis-2.0"
    elif (q.namespace, q.localname) == (EPCIS_QUERY_NS, "EPCISQueryDocument"):
        kind, schema_name = "EPCISQueryDocument", "epcis-query-2.0"
    else:
        raise EpcisError(
            [
                Problem(
                    None,
                    "",
                    f"not an EPCIS document: root element {{{q.namespace}}}{q.localname} "
                    f"(expected {{{EPCIS_NS}}}EPCISDocument, {{{EPCIS_1_NS}}}EPCISDocument "
                    f"or {{{EPCIS_QUERY_NS}}}EPCISQueryDocument)",
                )
            ]
        )
    problems = xsd.validate(root, schema_name, event_elements(root))
    if problems:
        raise EpcisError(problems)
    return root, kind


def xml_to_json_document(data: bytes) -> dict[str, Any]:
    """Parse an EPCIS XML document (2.0, or 1.x mapped to 2.0), validate it against GS1's XSD and return its
    EPCIS 2.0 JSON form (a dict).

    Raises :class:`EpcisError` for XML that is malformed, declares or uses entities, is not an EPCIS document,
    or is not valid under GS1's XSD (each problem naming the event and the element).
    """
    root, kind = _checked(parse_xml(data))
    return json_document(root, kind)


def json_document(root: etree._Element, kind: str) -> dict[str, Any]:
    """The JSON form of a (validated) EPCIS 2.0 XML document tree."""
    conv = _Converter()
    doc: dict[str, Any] = {"type": kind}
    for attr in ("schemaVersion", "creationDate"):
        if root.get(attr) is not None:
            doc[attr] = root.get(attr)
    body = next((c for c in root if isinstance(c.tag, str) and etree.QName(c).localname == "EPCISBody"), None)
    if body is None:
        raise EpcisError([Problem(None, "/epcisBody", "the document has no EPCISBody")])
    event_list = find_event_list(body)
    events = []
    for i, element in enumerate(c for c in (event_list if event_list is not None else []) if isinstance(c.tag, str)):
        name = etree.QName(element).localname
        if name not in _EVENT_TYPES:
            raise EpcisError([Problem(i, f"/epcisBody/eventList/{i}", f"unknown event type {name!r}")])
        try:
            events.append(conv.event(element))
        except EpcisError as exc:  # named by the event it is in
            raise EpcisError(
                [Problem(i, f"/epcisBody/eventList/{i}", f"{p.pointer}: {p.message}") for p in exc.problems]
            ) from exc
    header = next((c for c in root if isinstance(c.tag, str) and etree.QName(c).localname == "EPCISHeader"), None)
    if header is not None:
        vocabularies = [v for v in header.iter() if isinstance(v.tag, str) and etree.QName(v).localname == "Vocabulary"]
        if vocabularies:
            doc["epcisHeader"] = {"epcisMasterData": {"vocabularyList": [conv.vocabulary(v) for v in vocabularies]}}
    context: list[Any] = [CONTEXT_URL]
    context.extend({prefix: ns} for prefix, ns in sorted(conv.prefixes.items()))
    doc["@context"] = context
    if kind == "EPCISQueryDocument":
        query_name = next(
            (e.text for e in body.iter() if isinstance(e.tag, str) and etree.QName(e).localname == "queryName"), None
        )
        doc["epcisBody"] = {
            "queryResults": {"queryName": (query_name or "").strip(), "resultsBody": {"eventList": events}}
        }
    else:
        doc["epcisBody"] = {"eventList": events}
    return doc

"""Index columns of an EPCIS event: what, when, where, why, and the normalised keys.

:func:`extract` reads one event (EPCIS 2.0 JSON form, as sent) and returns an
:class:`EventIndex` that the Django side stores in indexed columns; the event JSON itself
stays untouched.  Each EPC/class is also given as its canonical
:attr:`~gs1.identifiers.GS1Key.key`, so URN and Digital Link forms meet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from gs1.identifiers import key_of

from . import cbv

__all__ = ["EventIndex", "Party", "extract", "parse_time"]


@dataclass(frozen=True, slots=True)
class Party:
    """A source, destination or business transaction: its type (normalised) and id."""

    type: str | None
    id: str
    key: str

    def __reduce__(self) -> tuple[Any, ...]:  # pickled as its constructor call (capture's helper process)
        return (Party, (self.type, self.id, self.key))


@dataclass(slots=True)
class EventIndex:
    """The searchable facts of one event (see :func:`extract`)."""

    type: str
    event_time: datetime
    event_time_zone_offset: str
    record_time: datetime | None = None
    event_id: str | None = None
    action: str | None = None
    biz_step: str | None = None
    disposition: str | None = None
    read_point: str | None = None
    biz_location: str | None = None
    parent_id: str | None = None
    parent_key: str | None = None
    transformation_id: str | None = None
    epcs: list[str] = field(default_factory=list)
    epc_keys: list[str] = field(default_factory=list)
    epc_classes: list[str] = field(default_factory=list)
    epc_class_keys: list[str] = field(default_factory=list)
    input_epcs: list[str] = field(default_factory=list)
    input_epc_keys: list[str] = field(default_factory=list)
    input_classes: list[str] = field(default_factory=list)
    input_class_keys: list[str] = field(default_factory=list)
    output_epcs: list[str] = field(default_factory=list)
    output_epc_keys: list[str] = field(default_factory=list)
    output_classes: list[str] = field(default_factory=list)
    output_class_keys: list[str] = field(default_factory=list)
    sources: list[Party] = field(default_factory=list)
    destinations: list[Party] = field(default_factory=list)
    biz_transactions: list[Party] = field(default_factory=list)
    certification_info: list[str] = field(default_factory=list)
    error_declaration: dict[str, Any] | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its constructor call: a third of the time of the dataclass default (field by field),
        for the thousands of these the capture's helper process sends back (`events.epcis.parallel`)."""
        return (EventIndex, tuple(getattr(self, f) for f in _INDEX_FIELDS))


_INDEX_FIELDS = tuple(EventIndex.__dataclass_fields__)


def parse_time(value: str) -> datetime:
    """Parse an EPCIS timestamp into an aware datetime (``Z`` means UTC); raise ValueError if naive."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        raise ValueError(f"timestamp without a time zone: {value!r}")
    return parsed


def _strings(values: Any) -> list[str]:
    return [v for v in values or [] if isinstance(v, str)]


def _classes(items: Any) -> list[str]:
    return [q["epcClass"] for q in items or [] if isinstance(q, dict) and isinstance(q.get("epcClass"), str)]


def _keys(values: list[str]) -> list[str]:
    return [key_of(v) for v in values]


def _parties(items: Any, field_name: str, kind: cbv.Kind) -> list[Party]:
    out = []
    for item in items or []:
        if isinstance(item, dict) and isinstance(item.get(field_name), str):
            raw_type = item.get("type")
            typ = cbv.normalise(raw_type, kind) if isinstance(raw_type, str) else None
            out.append(Party(type=typ, id=item[field_name], key=key_of(item[field_name])))
    return out


def _location(value: Any) -> str | None:
    return value.get("id") if isinstance(value, dict) and isinstance(value.get("id"), str) else None


def extract(event: dict[str, Any]) -> EventIndex:
    """Compute the index columns of a (valid) event.

    ``epcs`` holds epcList + childEPCs (and parentID is separate); ``epc_classes`` the
    epcClass of quantityList + childQuantityList; transformation inputs and outputs go to
    ``input_*`` / ``output_*``.  biz_step and disposition are in normal form (bare CBV
    name, or the full URI of an extension such as our farm steps).
    """
    epcs = _strings(event.get("epcList")) + _strings(event.get("childEPCs"))
    classes = _classes(event.get("quantityList")) + _classes(event.get("childQuantityList"))
    inputs, outputs = _strings(event.get("inputEPCList")), _strings(event.get("outputEPCList"))
    in_classes, out_classes = _classes(event.get("inputQuantityList")), _classes(event.get("outputQuantityList"))
    cert = event.get("certificationInfo")
    biz_step, disposition = event.get("bizStep"), event.get("disposition")
    record_time = event.get("recordTime")
    parent = event.get("parentID")
    return EventIndex(
        type=str(event.get("type")),
        event_time=parse_time(event["eventTime"]),
        event_time_zone_offset=str(event.get("eventTimeZoneOffset", "")),
        record_time=parse_time(record_time) if isinstance(record_time, str) else None,
        event_id=event.get("eventID"),
        action=event.get("action"),
        biz_step=cbv.normalise_biz_step(biz_step) if isinstance(biz_step, str) else None,
        disposition=cbv.normalise_disposition(disposition) if isinstance(disposition, str) else None,
        read_point=_location(event.get("readPoint")),
        biz_location=_location(event.get("bizLocation")),
        parent_id=parent if isinstance(parent, str) else None,
        parent_key=key_of(parent) if isinstance(parent, str) else None,
        transformation_id=event.get("transformationID"),
        epcs=epcs,
        epc_keys=_keys(epcs),
        epc_classes=classes,
        epc_class_keys=_keys(classes),
        input_epcs=inputs,
        input_epc_keys=_keys(inputs),
        input_classes=in_classes,
        input_class_keys=_keys(in_classes),
        output_epcs=outputs,
        output_epc_keys=_keys(outputs),
        output_classes=out_classes,
        output_class_keys=_keys(out_classes),
        sources=_parties(event.get("sourceList"), "source", "sdt"),
        destinations=_parties(event.get("destinationList"), "destination", "sdt"),
        biz_transactions=_parties(event.get("bizTransactionList"), "bizTransaction", "btt"),
        certification_info=[cert] if isinstance(cert, str) else _strings(cert),
        error_declaration=event.get("errorDeclaration") if isinstance(event.get("errorDeclaration"), dict) else None,
    )

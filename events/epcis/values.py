"""The `EventValue` projection: the values of an event that query parameters filter on beyond `Event`'s columns.

Computed when an event is prepared (`events.epcis.prepare`, in the helper process for half of a large document,
from the parsed event rather than its JSON read again; about even in time, bench/README.md), written at
capture in the capture's transaction (`events.services.keys.write_values`), and once for the events stored
before it (migration 0009). Pure: `Field` numbers the values as `events.models.ValueField` does. Only what a
query asks is kept:

* sensor data (`sensorElementList`): one `SENSOR` row per event; per sensor report its `type` (GS1's
  measurement types bare: `gs1:Temperature` and `https://gs1.org/voc/Temperature` are `Temperature`), the URIs
  and strings it names (deviceID, dataProcessingMethod, microorganism, chemicalSubstance, bizRules,
  stringValue, booleanValue, hexBinaryValue, uriValue), its numbers with their unit (value, minValue, maxValue,
  meanValue, sDev, percValue; percRank has none) and its time; the metadata's deviceID, dataProcessingMethod,
  bizRules, time, startTime and endTime;
* every quantity (quantityList, childQuantityList, inputQuantityList, outputQuantityList) with its unit;
* `persistentDisposition` set and unset (normal form, as `Event.disposition`);
* sources, destinations and business transactions: type (normal form) and canonical key;
* the canonical key of `readPoint`/`bizLocation` where the event wrote another spelling (a URN, a Digital Link
  on another host, a compressed one), so that every spelling of a place finds it (`events.query`).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from gs1.identifiers import canonical_key

from .cbv import normalise_disposition
from .extract import EventIndex, parse_time


class Field:
    """Which value an `EventValue` row holds: `events.models.ValueField`'s numbers (a test keeps them equal)."""

    SENSOR = 1
    TYPE = 2
    DEVICE_ID = 3
    DATA_PROCESSING_METHOD = 4
    MICROORGANISM = 5
    CHEMICAL_SUBSTANCE = 6
    BIZ_RULES = 7
    STRING_VALUE = 8
    BOOLEAN_VALUE = 9
    HEX_BINARY_VALUE = 10
    URI_VALUE = 11
    START_TIME = 12
    END_TIME = 13
    TIME = 14
    VALUE = 15
    MIN_VALUE = 16
    MAX_VALUE = 17
    MEAN_VALUE = 18
    S_DEV = 19
    PERC_RANK = 20
    PERC_VALUE = 21
    QUANTITY = 22
    PERSISTENT_SET = 23
    PERSISTENT_UNSET = 24
    SOURCE = 25
    DESTINATION = 26
    BIZ_TRANSACTION = 27
    READ_POINT = 28
    BIZ_LOCATION = 29


# (field, sub, text, number, time)
Value = tuple[int, str, str, float | None, datetime | None]

TEXT_MAX = 300  # `EventValue.text`; longer strings are kept as their SHA-256
SUB_MAX = 200
GS1_VOC = ("gs1:", "https://gs1.org/voc/", "http://gs1.org/voc/")

_REPORT_TEXT = (
    ("deviceID", Field.DEVICE_ID),
    ("dataProcessingMethod", Field.DATA_PROCESSING_METHOD),
    ("microorganism", Field.MICROORGANISM),
    ("chemicalSubstance", Field.CHEMICAL_SUBSTANCE),
    ("bizRules", Field.BIZ_RULES),
    ("stringValue", Field.STRING_VALUE),
    ("uriValue", Field.URI_VALUE),
)
_REPORT_NUMBERS = (
    ("value", Field.VALUE),
    ("minValue", Field.MIN_VALUE),
    ("maxValue", Field.MAX_VALUE),
    ("meanValue", Field.MEAN_VALUE),
    ("sDev", Field.S_DEV),
    ("percValue", Field.PERC_VALUE),
)
_METADATA_TEXT = (
    ("deviceID", Field.DEVICE_ID),
    ("dataProcessingMethod", Field.DATA_PROCESSING_METHOD),
    ("bizRules", Field.BIZ_RULES),
)
_METADATA_TIMES = (("time", Field.TIME), ("startTime", Field.START_TIME), ("endTime", Field.END_TIME))
QUANTITY_LISTS = ("quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList")
# substrings of the canonical JSON that tell whether it needs reading at all (most events have none)
_MARKERS = ('"sensorElementList"', 'uantityList"', '"persistentDisposition"')


def text_of(value: str, limit: int = TEXT_MAX) -> str:
    """A string as `EventValue` keeps it: itself, or `sha256:<hex>` when longer than `limit` (queries ask it the
    same way, so equality still holds)."""
    if len(value) <= limit:
        return value
    return "sha256:" + hashlib.sha256(value.encode()).hexdigest()


def measurement_type(value: str) -> str:
    """GS1's measurement types bare (`Temperature`), other types as written."""
    for prefix in GS1_VOC:
        if value.startswith(prefix):
            return value[len(prefix) :]
    return value


def hex_binary(value: str) -> str:
    return value.strip().upper()


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return parse_time(value)
    except ValueError:
        return None


def _sensor(element: dict[str, Any], out: set[Value]) -> None:
    metadata = element.get("sensorMetadata")
    if isinstance(metadata, dict):
        for name, field in _METADATA_TEXT:
            if isinstance(metadata.get(name), str):
                out.add((field, "", text_of(metadata[name]), None, None))
        for name, field in _METADATA_TIMES:
            when = _time(metadata.get(name))
            if when is not None:
                out.add((field, "", "", None, when))
    reports = element.get("sensorReport")
    for report in reports if isinstance(reports, list) else []:
        if not isinstance(report, dict):
            continue
        if isinstance(report.get("type"), str):
            out.add((Field.TYPE, "", text_of(measurement_type(report["type"])), None, None))
        for name, field in _REPORT_TEXT:
            if isinstance(report.get(name), str):
                out.add((field, "", text_of(report[name]), None, None))
        if isinstance(report.get("hexBinaryValue"), str):
            out.add((Field.HEX_BINARY_VALUE, "", text_of(hex_binary(report["hexBinaryValue"])), None, None))
        if isinstance(report.get("booleanValue"), bool):
            out.add((Field.BOOLEAN_VALUE, "", "true" if report["booleanValue"] else "false", None, None))
        uom = text_of(report["uom"], SUB_MAX) if isinstance(report.get("uom"), str) else ""
        for name, field in _REPORT_NUMBERS:
            number = _number(report.get(name))
            if number is not None:
                out.add((field, uom, "", number, None))
        rank = _number(report.get("percRank"))
        if rank is not None:
            out.add((Field.PERC_RANK, "", "", rank, None))
        when = _time(report.get("time"))
        if when is not None:
            out.add((Field.TIME, "", "", None, when))


def _from_body(event: dict[str, Any], out: set[Value]) -> None:
    elements = event.get("sensorElementList")
    if isinstance(elements, list) and elements:
        out.add((Field.SENSOR, "", "", None, None))
        for element in elements:
            if isinstance(element, dict):
                _sensor(element, out)
    for name in QUANTITY_LISTS:
        items = event.get(name)
        for item in items if isinstance(items, list) else []:
            number = _number(item.get("quantity")) if isinstance(item, dict) else None
            if number is not None:
                uom = item.get("uom")
                out.add((Field.QUANTITY, text_of(uom, SUB_MAX) if isinstance(uom, str) else "", "", number, None))
    persistent = event.get("persistentDisposition")
    if isinstance(persistent, dict):
        for name, field in (("set", Field.PERSISTENT_SET), ("unset", Field.PERSISTENT_UNSET)):
            values = persistent.get(name)
            for value in values if isinstance(values, list) else []:
                if isinstance(value, str):
                    out.add((field, "", text_of(normalise_disposition(value)), None, None))


def values_of(body: str, idx: EventIndex) -> list[Value]:
    """The `EventValue` rows (without the event) of one event: its canonical JSON `body` and its index."""
    event = json.loads(body) if any(marker in body for marker in _MARKERS) else None
    return values_from(event, idx)


def values_from(event: dict[str, Any] | None, idx: EventIndex) -> list[Value]:
    """`values_of` an event given as parsed JSON (None: one with no sensor data, quantities or persistent
    disposition), as it is prepared."""
    out: set[Value] = set()
    if event is not None:
        _from_body(event, out)
    for parties, field in (
        (idx.sources, Field.SOURCE),
        (idx.destinations, Field.DESTINATION),
        (idx.biz_transactions, Field.BIZ_TRANSACTION),
    ):
        for party in parties:
            out.add((field, text_of(party.type or "", SUB_MAX), text_of(canonical_key(party.id)), None, None))
    for place, field in ((idx.read_point, Field.READ_POINT), (idx.biz_location, Field.BIZ_LOCATION)):
        if place and canonical_key(place) != place:
            out.add((field, "", text_of(canonical_key(place)), None, None))
    return sorted(out, key=lambda v: (v[0], v[1], v[2], v[3] or 0.0, v[4].timestamp() if v[4] else 0.0))

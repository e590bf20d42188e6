"""SimpleEventQuery parameters beyond an event's own columns (EPCIS 2.0 §8.2.7.1; the REST binding's
`/events` parameters and GS1's query schema, `EPCIS-Query-JSON-Schema-root.json`).

Sensor data, quantities, persistent dispositions, sources, destinations and business transactions are read
from the `EventValue` projection (`events.epcis.values`); error declarations from `ErrorDeclaration`. Every
identifier is compared by its canonical key (`gs1.identifiers.canonical_key`: an EPC URN, a Digital Link on any host
and a compressed Digital Link of one key are the same).

`WD_readPoint` / `WD_bizLocation` ("with descendants", §8.2.7.1 and §6.5): master data here is the
catalogue. A place is "within" a listed one when it is that place, or the same GLN with a GLN extension
(`…/414/<gln>/254/<extension>`: a plot or room inside it, as the workspace names growing areas), or, for an
organisation's GLN (as `/414/` or `/417/`), one of its facilities (`catalog.Facility`) with their extensions.

Parameters on extension fields (`EQ_<prefix>:<field>`, `EQ_ILMD_…`, `EQ_INNER_…`, `EXISTS_…`, `HASATTR_…`,
`EQ_ATTR_…`, `…_ERROR_DECLARATION_…`, `…_SENSORELEMENT_…`, `…_SENSORMETADATA_…`, `…_SENSORREPORT_…`) are
refused with a `QueryParameterException` saying so: extension members are not indexed here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

from catalog.models import Facility
from events.epcis import normalise, normalise_disposition, parse_time
from events.epcis.values import hex_binary, measurement_type, text_of
from events.models import ErrorDeclaration, EventValue, ValueField
from gs1.identifiers import GS1Key, InvalidIdentifier, canonical_key, digital_link, parse_key


class QueryError(ValueError):
    """A query parameter the server cannot accept (answered with 400 and the parameter's name)."""

    status = 400
    exception = "epcisException:QueryParameterException"

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message


class QueryTooLarge(QueryError):
    """More events than `maxEventCount` (the binding's 413 `QueryTooLargeException`)."""

    status = 413
    exception = "epcisException:QueryTooLargeException"


def values(raw: str) -> list[str]:
    return [v.strip() for v in raw.split("|") if v.strip()]


def time(name: str, raw: str) -> datetime:
    try:
        return parse_time(raw.replace(" ", "+"))  # a '+' in a query string may arrive as a space
    except ValueError as exc:
        raise QueryError(name, f"not a timestamp with a time zone: {raw!r}") from exc


def number(name: str, raw: str) -> float:
    try:
        value = float(raw.strip())
    except ValueError as exc:
        raise QueryError(name, f"not a number: {raw!r}") from exc
    if not math.isfinite(value):
        raise QueryError(name, f"not a finite number: {raw!r}")
    return value


def boolean(name: str, raw: str) -> bool:
    text = raw.strip().lower()
    if text not in ("true", "false"):
        raise QueryError(name, f"must be true or false, not {raw!r}")
    return text == "true"


def whole(name: str, raw: str) -> int:
    try:
        value = int(raw.strip())
    except ValueError as exc:
        raise QueryError(name, f"must be a whole number, not {raw!r}") from exc
    if value < 1:
        raise QueryError(name, "must be at least 1")
    return value


def _having(field: int, **lookups: Any) -> Q:
    """Events with an `EventValue` of `field` matching `lookups`."""
    return Q(pk__in=EventValue.objects.filter(field=field, **lookups).values("event_id"))


def keys(raw_values: list[str]) -> list[str]:
    """Canonical keys of identifiers however written (`gs1.identifiers.canonical_key`), in order, without repeats."""
    return list(dict.fromkeys(canonical_key(v) for v in raw_values))


def starting(column: str, prefix: str) -> Q:
    """`column` starts with `prefix` (which ends with '/'), exactly (case-sensitively) on either database."""
    if connection.vendor == "postgresql":
        return Q(**{f"{column}__startswith": prefix})
    return Q(**{f"{column}__gte": prefix, f"{column}__lt": prefix[:-1] + "0"})  # bytewise: '/' + 1 is '0'


def within(raw_values: list[str]) -> tuple[list[str], list[str]]:
    """(places, prefixes) for `WD_*`: the canonical keys of the listed places and of the facilities of listed
    organisations, and the prefixes of their GLN extensions (see the module's note)."""

    places: list[str] = []
    glns: list[str] = []
    for value in raw_values:
        key = canonical_key(value)
        places.append(key)
        try:
            parsed = parse_key(key)
        except InvalidIdentifier:
            continue
        if parsed.gln and (parsed.kind == "pgln" or (parsed.kind == "sgln" and not parsed.extension)):
            glns.append(parsed.gln)
    facility_glns = list(Facility.objects.filter(organization__gln__in=glns).values_list("gln", flat=True))
    sites = [digital_link(GS1Key("sgln", "", gln=gln)) for gln in [*glns, *facility_glns]]
    places.extend(sites)
    prefixes = [f"{site}/254/" for site in dict.fromkeys(sites)]
    return list(dict.fromkeys(places)), prefixes


def _texts(field: int, normal: Callable[[str], str] = lambda v: v) -> Callable[[str, str], Q]:
    def build(_name: str, raw: str) -> Q:
        return _having(field, text__in=[text_of(normal(v)) for v in values(raw)])

    return build


def _boolean_value(name: str, raw: str) -> Q:
    return _having(ValueField.BOOLEAN_VALUE, text="true" if boolean(name, raw) else "false")


def _exists_sensor(name: str, raw: str) -> Q:
    return _having(ValueField.SENSOR) if raw.strip() == "" or boolean(name, raw) else Q()


def _persistent(field: int) -> Callable[[str, str], Q]:
    def build(_name: str, raw: str) -> Q:
        return _having(field, text__in=[text_of(normalise_disposition(v)) for v in values(raw)])

    return build


def _declared(name: str, raw: str) -> Q:
    return Q(error_declaration__isnull=False) if boolean(name, raw) else Q()


def _declared_at(op: str) -> Callable[[str, str], Q]:
    def build(name: str, raw: str) -> Q:
        return Q(**{f"error_declaration__declaration_time__{op}": time(name, raw)})

    return build


def _reason(_name: str, raw: str) -> Q:
    """`EQ_errorReason`: a CBV reason in any of its spellings (bare, web URI, URN); the declaration keeps it as sent."""
    spellings: set[str] = set()
    for value in values(raw):
        bare = normalise(value, "er")
        spellings |= {value, bare, f"https://ref.gs1.org/cbv/ER-{bare}", f"urn:epcglobal:cbv:er:{bare}"}
    return Q(error_declaration__reason__in=sorted(spellings))


def _corrective(_name: str, raw: str) -> Q:
    """`EQ_correctiveEventID`: one of the declaration's correctiveEventIDs (a JSON list) is one of the values."""
    wanted = values(raw)
    if not wanted:
        return Q(pk__in=[])
    params: list[Any]
    if connection.vendor == "postgresql":
        where, params = "corrective_event_ids ?| %s::text[]", [wanted]
    else:
        marks = ", ".join(["%s"] * len(wanted))
        where = f"EXISTS (SELECT 1 FROM json_each(corrective_event_ids) AS c WHERE c.value IN ({marks}))"
        params = list(wanted)
    found = ErrorDeclaration.objects.filter(RawSQL(where, params, output_field=BooleanField())).values("event_id")
    return Q(pk__in=found)


_OPS = {"EQ": "exact", "GT": "gt", "GE": "gte", "LT": "lt", "LE": "lte"}
SENSOR_TIMES = {"startTime": ValueField.START_TIME, "endTime": ValueField.END_TIME, "time": ValueField.TIME}
REPORT_NUMBERS = {
    "value": ValueField.VALUE,
    "minValue": ValueField.MIN_VALUE,
    "maxValue": ValueField.MAX_VALUE,
    "meanValue": ValueField.MEAN_VALUE,
    "sDev": ValueField.S_DEV,
    "percValue": ValueField.PERC_VALUE,
}
PARTIES = {"source": ("sdt", ValueField.SOURCE), "destination": ("sdt", ValueField.DESTINATION)}
PARTIES["bizTransaction"] = ("btt", ValueField.BIZ_TRANSACTION)

FIXED: dict[str, Callable[[str, str], Q]] = {
    "EQ_type": _texts(ValueField.TYPE, measurement_type),
    "EQ_deviceID": _texts(ValueField.DEVICE_ID),
    "EQ_dataProcessingMethod": _texts(ValueField.DATA_PROCESSING_METHOD),
    "EQ_microorganism": _texts(ValueField.MICROORGANISM),
    "EQ_chemicalSubstance": _texts(ValueField.CHEMICAL_SUBSTANCE),
    "EQ_bizRules": _texts(ValueField.BIZ_RULES),
    "EQ_stringValue": _texts(ValueField.STRING_VALUE),
    "EQ_hexBinaryValue": _texts(ValueField.HEX_BINARY_VALUE, hex_binary),
    "EQ_uriValue": _texts(ValueField.URI_VALUE),
    "EQ_booleanValue": _boolean_value,
    "EXISTS_sensorElementList": _exists_sensor,
    "EQ_persistentDisposition_set": _persistent(ValueField.PERSISTENT_SET),
    "EQ_persistentDisposition_unset": _persistent(ValueField.PERSISTENT_UNSET),
    "EXISTS_errorDeclaration": _declared,
    "GE_errorDeclarationTime": _declared_at("gte"),
    "LT_errorDeclarationTime": _declared_at("lt"),
    "GE_errorDeclaration_Time": _declared_at("gte"),  # the query schema's spelling of the binding's parameter
    "LT_errorDeclaration_Time": _declared_at("lt"),
    "EQ_errorReason": _reason,
    "EQ_correctiveEventID": _corrective,
}

_SENSOR_TIME = re.compile(r"^(GE|LT)_(startTime|endTime|time)$")
_PERC_RANK = re.compile(r"^(GT|GE|LT|LE)_percRank$")
_REPORT_NUMBER = re.compile(r"^(EQ|GT|GE|LT|LE)_(value|minValue|maxValue|meanValue|sDev|percValue)_([A-Z0-9]{2,4})$")
_QUANTITY = re.compile(r"^(EQ|GT|GE|LT|LE)_quantity(?:_([A-Z0-9]{2,4}))?$")
_PARTY = re.compile(r"^EQ_(source|destination|bizTransaction)_([a-z][a-zA-Z0-9_]+)$")
EXTENSION = re.compile(
    r"^(EQ|GT|GE|LT|LE|EXISTS|HASATTR)_(INNER_)?"
    r"(ILMD_|ERROR_DECLARATION_|SENSORELEMENT_|SENSORMETADATA_|SENSORREPORT_|readPoint_|bizLocation_)?"
    r"[a-z][a-zA-Z0-9]*:\w+$|^EQ_ATTR_\w+_\w+$"
)


def _numbers(name: str, raw: str, op: str) -> list[float]:
    if op == "EQ":
        found = [number(name, v) for v in values(raw)]
        if not found:
            raise QueryError(name, "needs at least one number")
        return found
    return [number(name, raw)]


def _compare(field: int, name: str, raw: str, op: str, sub: str | None) -> Q:
    found = _numbers(name, raw, op)
    lookups: dict[str, Any] = {"sub": sub} if sub is not None else {}
    if op == "EQ":
        lookups["number__in"] = found
    else:
        lookups[f"number__{_OPS[op]}"] = found[0]
    return _having(field, **lookups)


def value_filter(name: str, raw: str) -> Q | None:
    """The filter of a parameter this module answers, None for one it does not know (raises `QueryError` for a
    bad value or an extension field)."""
    if name in FIXED:
        return FIXED[name](name, raw)
    if match := _SENSOR_TIME.match(name):
        return _having(SENSOR_TIMES[match[2]], **{f"time__{_OPS[match[1]]}": time(name, raw)})
    if match := _PERC_RANK.match(name):
        return _having(ValueField.PERC_RANK, **{f"number__{_OPS[match[1]]}": number(name, raw)})
    if match := _REPORT_NUMBER.match(name):
        if match[1] == "EQ" and match[2] != "value":
            return None
        return _compare(REPORT_NUMBERS[match[2]], name, raw, match[1], match[3])
    if match := _QUANTITY.match(name):
        return _compare(ValueField.QUANTITY, name, raw, match[1], match[2])
    if match := _PARTY.match(name):
        kind, field = PARTIES[match[1]]
        typ = normalise(match[2], kind)  # type: ignore[arg-type]
        return _having(field, sub=text_of(typ, 200), text__in=[text_of(k) for k in keys(values(raw))])
    if EXTENSION.match(name):
        raise QueryError(
            name,
            "truy vấn theo trường mở rộng chưa được hỗ trợ: trường mở rộng không được lập chỉ mục / "
            "queries on extension fields are not supported: extension members are not indexed here",
        )
    return None

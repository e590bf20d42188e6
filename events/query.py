"""The EPCIS 2.0 SimpleEventQuery over stored events: parameters, filters, ordering and keyset pages.

The event's own columns are filtered here; sensor data, quantities, error declarations, parties, persistent
dispositions and `WD_*` in `events.query_filters`. Identifiers (MATCH_*, EQ_readPoint, EQ_bizLocation, WD_*,
EQ_source_*, …) are compared by canonical key: a URN, a Digital Link and a compressed Digital Link of one key
find the same events."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import RawSQL

from events.choices import EpcRole
from events.epcis import normalise_biz_step, normalise_disposition, parse_time
from events.epcis.values import text_of
from events.models import EpcKey, Event, EventEpc, EventValue, ValueField
from events.query_filters import QueryError, QueryTooLarge, keys, starting, value_filter, whole, within
from events.query_filters import time as _time
from events.query_filters import values as _values
from events.services.keys import gtin_keys
from gs1.identifiers import InvalidIdentifier, parse_key

DEFAULT_PER_PAGE = 100
MAX_PER_PAGE = 1000
EVENT_TYPES = ("ObjectEvent", "AggregationEvent", "TransactionEvent", "TransformationEvent", "AssociationEvent")

MATCH_ROLES: dict[str, tuple[int, ...]] = {
    "MATCH_epc": (EpcRole.EPC,),
    "MATCH_parentID": (EpcRole.PARENT,),
    "MATCH_inputEPC": (EpcRole.INPUT,),
    "MATCH_outputEPC": (EpcRole.OUTPUT,),
    "MATCH_anyEPC": (EpcRole.EPC, EpcRole.PARENT, EpcRole.INPUT, EpcRole.OUTPUT),
    "MATCH_epcClass": (EpcRole.EPC_CLASS,),
    "MATCH_inputEPCClass": (EpcRole.INPUT_CLASS,),
    "MATCH_outputEPCClass": (EpcRole.OUTPUT_CLASS,),
    "MATCH_anyEPCClass": (EpcRole.EPC_CLASS, EpcRole.INPUT_CLASS, EpcRole.OUTPUT_CLASS),
}
TIME_FIELDS = {
    "GE_eventTime": "event_time__gte",
    "LT_eventTime": "event_time__lt",
    "GE_recordTime": "record_time__gte",
    "LT_recordTime": "record_time__lt",
}
EQ_FIELDS = {
    "EQ_eventID": "event_id",
    "EQ_transformationID": "transformation_id",
}
ACTIONS = ("ADD", "OBSERVE", "DELETE")
PAGING = ("orderBy", "orderDirection", "perPage", "nextPageToken", "eventCountLimit", "maxEventCount")
SPLIT_READ_POINTS = 16  # EQ_readPoint values asked one by one (two index ranges each); more are asked together
TOKEN_SALT = "events.query.page"


@dataclass
class Page:
    events: list[Event]
    next_token: str | None


__all__ = ["Page", "QueryError", "QueryTooLarge", "filter_events", "page", "read_point_branches", "read_point_in"]


def _raw(params: Any, name: str) -> str:
    """A parameter's value as the REST binding writes it: a named query's JSON lists joined with '|',
    numbers and booleans as text."""
    value = params.get(name, "")
    if isinstance(value, list | tuple):
        return "|".join(_raw({name: v}, name) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _key_filter(values: list[str]) -> Q:
    """EpcKey rows matching identifiers (URN or Digital Link) or patterns (urn:epc:idpat:…:*)."""
    exact: list[str] = []
    query = Q()
    for value in keys(values):  # canonical keys: compressed Digital Links too
        try:
            gk = parse_key(value)
        except InvalidIdentifier:
            exact.append(value)
            continue
        if gk.kind == "gtin" and gk.gtin14:
            query |= gtin_keys(gk.gtin14)
        else:
            exact.append(value)
    if exact:
        query |= Q(key__in=exact)
    return query


def _read_point_pair(values: list[str]) -> tuple[Q, Q]:
    return Q(biz_location__in=values, read_point__in=values), Q(read_point__in=values) & ~Q(
        read_point=F("biz_location")
    )


def read_point_in(values: list[str]) -> Q:
    """`read_point IN values`, asked so that both location indexes serve it: events read where they happen
    (readPoint = bizLocation) through the biz_location index, the others through the partial read_point
    index (`Event.Meta.indexes`), whose condition the second branch repeats word for word."""
    same, other = _read_point_pair(values)
    return same | other


def _spelled(field: int, wanted: list[str], prefixes: list[str] | None = None) -> Q | None:
    """Events whose place (`field`: READ_POINT or BIZ_LOCATION) was written in another spelling of one of the
    canonical keys `wanted` (or of a key starting with one of `prefixes`); None when there is none (the usual
    case: the column's index alone answers, and the plans `by_branches` chooses between stay as they are)."""
    match = Q(text__in=[text_of(k) for k in wanted])
    for prefix in prefixes or []:
        match |= starting("text", prefix)
    rows = EventValue.objects.filter(Q(field=field) & match)
    return Q(pk__in=rows.values("event_id")) if rows.exists() else None


def _read_point(raw: str) -> tuple[list[str], Q]:
    """(canonical keys, the filter) of `EQ_readPoint`."""
    wanted = keys(_values(raw))
    extra = _spelled(ValueField.READ_POINT, wanted)
    return wanted, read_point_in(wanted) | extra if extra is not None else read_point_in(wanted)


def _within(column: str, field: int, raw: str) -> Q:
    """`WD_readPoint` / `WD_bizLocation`: the places and those within them (`events.query_filters.within`)."""
    places, prefixes = within(_values(raw))
    query = read_point_in(places) if column == "read_point" else Q(biz_location__in=places)
    for prefix in prefixes:
        query |= starting(column, prefix)
    extra = _spelled(field, places, prefixes)
    return query | extra if extra is not None else query


def read_point_branches(values: list[str]) -> list[Q]:
    """`read_point IN values` as disjoint filters whose union it is, each one range of one location index: per
    value, the events read where they happen (the biz_location index, in capture order) and the others (ids
    from the partial read_point index, whose condition it repeats word for word).

    On SQLite (`by_branches`) `page` reads each branch in index order and stops after a page. The second branch
    is an id list because, beside another indexed filter (a producer's organisation), SQLite, without statistics,
    would drive it from the other index and read all of that producer's events to find the (usually few) read
    elsewhere; as ids it reads only the partial index's range. Many values are asked in one pair of branches
    (their matches sorted).
    """
    unique = list(dict.fromkeys(values))
    groups = [[v] for v in unique] if len(unique) <= SPLIT_READ_POINTS else [unique] if unique else []
    branches: list[Q] = []
    for group in groups:
        same, other = _read_point_pair(group)
        branches += [same, Q(pk__in=Event.objects.filter(other).values("pk"))]
    return branches


def filter_events(params: Any, queryset: QuerySet[Event], *, read_point: bool = True) -> QuerySet[Event]:
    """Apply the standard query parameters in `params` (a QueryDict or dict of strings); `EQ_readPoint` only
    if `read_point` (`page` asks it branch by branch)."""
    for name in params:
        raw = _raw(params, name)
        if name in PAGING or (name == "EQ_readPoint" and not read_point):
            continue
        if name == "eventType":
            types = _values(raw)
            bad = [t for t in types if t not in EVENT_TYPES]
            if bad:
                raise QueryError(name, f"unknown event type {bad[0]!r}")
            queryset = queryset.filter(type__in=types)
        elif name in TIME_FIELDS:
            queryset = queryset.filter(**{TIME_FIELDS[name]: _time(name, raw)})
        elif name == "EQ_readPoint":
            queryset = queryset.filter(_read_point(raw)[1])
        elif name == "EQ_bizLocation":
            wanted = keys(_values(raw))
            extra = _spelled(ValueField.BIZ_LOCATION, wanted)
            located = Q(biz_location__in=wanted)
            queryset = queryset.filter(located | extra if extra is not None else located)
        elif name == "WD_readPoint":
            queryset = queryset.filter(_within("read_point", ValueField.READ_POINT, raw))
        elif name == "WD_bizLocation":
            queryset = queryset.filter(_within("biz_location", ValueField.BIZ_LOCATION, raw))
        elif name == "EQ_action":
            actions = _values(raw)
            bad = [a for a in actions if a not in ACTIONS]
            if bad:
                raise QueryError(name, f"must be ADD, OBSERVE or DELETE, not {bad[0]!r}")
            queryset = queryset.filter(action__in=actions)
        elif name in EQ_FIELDS:
            queryset = queryset.filter(**{f"{EQ_FIELDS[name]}__in": _values(raw)})
        elif name == "EQ_bizStep":
            queryset = queryset.filter(biz_step__in=[normalise_biz_step(v) for v in _values(raw)])
        elif name == "EQ_disposition":
            queryset = queryset.filter(disposition__in=[normalise_disposition(v) for v in _values(raw)])
        elif name in MATCH_ROLES:
            # driven from the identifiers (their EventEpc rows, by the covering (key, role, event) index), never
            # by probing every event in query order: a product whose events are few and old made that a scan
            found = EpcKey.objects.filter(_key_filter(_values(raw))).values("pk")
            queryset = queryset.filter(
                pk__in=EventEpc.objects.filter(key__in=found, role__in=MATCH_ROLES[name]).values("event_id")
            )
        else:
            extra = value_filter(name, raw)
            if extra is None:
                raise QueryError(name, "tham số truy vấn không được hỗ trợ / unsupported query parameter")
            queryset = queryset.filter(extra)
    return queryset


def _per_page(params: Any) -> int:
    raw = params.get("perPage")
    if raw in (None, ""):
        return DEFAULT_PER_PAGE
    try:
        value = int(raw)
    except ValueError as exc:
        raise QueryError("perPage", "must be a whole number") from exc
    if not 1 <= value <= MAX_PER_PAGE:
        raise QueryError("perPage", f"must be between 1 and {MAX_PER_PAGE}")
    return value


def _signature(params: Any) -> str:
    return "&".join(f"{k}={params.get(k)}" for k in sorted(params) if k != "nextPageToken")


def _order(params: Any) -> tuple[str, bool]:
    """(column, descending) of `orderBy`/`orderDirection` (DESC by default when ordered, as the binding says)."""
    order_by = _raw(params, "orderBy")
    if ":" in order_by:
        raise QueryError(
            "orderBy", "ordering by an extension field is not supported: extension members are not indexed"
        )
    if order_by not in ("", "eventTime", "recordTime"):
        raise QueryError("orderBy", "must be eventTime or recordTime")
    direction = (_raw(params, "orderDirection") or ("DESC" if order_by else "ASC")).upper()
    if direction not in ("ASC", "DESC"):
        raise QueryError("orderDirection", "must be ASC or DESC")
    return {"eventTime": "event_time", "recordTime": "record_time", "": ""}[order_by], direction == "DESC"


def _limits(params: Any, ordered: bool) -> tuple[int | None, int | None]:
    """(eventCountLimit, maxEventCount): mutually exclusive; eventCountLimit only with orderBy."""
    limit = whole("eventCountLimit", _raw(params, "eventCountLimit")) if "eventCountLimit" in params else None
    most = whole("maxEventCount", _raw(params, "maxEventCount")) if "maxEventCount" in params else None
    if limit is not None and most is not None:
        raise QueryError("eventCountLimit", "eventCountLimit and maxEventCount cannot be used together")
    if limit is not None and not ordered:
        raise QueryError("eventCountLimit", "eventCountLimit needs orderBy (it keeps the first N in that order)")
    return limit, most


def page(params: Any, queryset: QuerySet[Event]) -> Page:
    """One page of `queryset` filtered by `params`, ordered by `orderBy`/`orderDirection` (default: capture
    order), continuing after `nextPageToken` (a signed keyset position valid only for the same parameters).

    `eventCountLimit` N keeps the first N events in that order across the pages (the token counts those
    served); `maxEventCount` N raises `QueryTooLarge` when more than N events match (asked on the first page)."""
    base = queryset
    queryset = filter_events(params, queryset, read_point=False)
    column, desc = _order(params)
    limit, most = _limits(params, bool(column))
    per_page = _per_page(params)
    token = params.get("nextPageToken")
    served = 0
    if token:
        try:
            data = signing.loads(token, salt=TOKEN_SALT)
        except signing.BadSignature as exc:
            raise QueryError("nextPageToken", "invalid or altered token") from exc
        if data.get("s") != _signature(params):
            raise QueryError("nextPageToken", "the token belongs to a query with other parameters")
        last_pk, last_value, served = data["p"], data.get("v"), data.get("n", 0)
        op = "lt" if desc else "gt"
        if column:
            value = parse_time(last_value)
            queryset = queryset.filter(Q(**{f"{column}__{op}": value}) | Q(**{column: value, f"pk__{op}": last_pk}))
        else:
            queryset = queryset.filter(**{f"pk__{op}": last_pk})
    elif most is not None:
        matching = (
            queryset.filter(_read_point(_raw(params, "EQ_readPoint"))[1]) if "EQ_readPoint" in params else queryset
        )
        if matching[: most + 1].count() > most:
            raise QueryTooLarge("maxEventCount", f"the query matches more than {most} events")
    if limit is not None:
        per_page = min(per_page, limit - served)
    sign = "-" if desc else ""
    ordering = [f"{sign}{column}", f"{sign}pk"] if column else [f"{sign}pk"]
    if "EQ_readPoint" in params:
        read_points, where = _read_point(_raw(params, "EQ_readPoint"))
        ordered = queryset.filter(where).order_by(*ordering)[: per_page + 1]
        if by_branches(ordered):
            extra = _spelled(ValueField.READ_POINT, read_points)
            branches = read_point_branches(read_points) + ([extra] if extra is not None else [])
            rows = _merged(base, queryset, branches, ordering, per_page + 1)
        else:
            rows = list(ordered)
    else:
        rows = list(queryset.order_by(*ordering)[: per_page + 1])
    next_token = None
    if len(rows) > per_page:
        rows = rows[:per_page]
        if limit is None or served + per_page < limit:
            last = rows[-1]
            position = getattr(last, column).isoformat() if column else None
            held: dict[str, Any] = {"p": last.pk, "v": position, "s": _signature(params)}
            if limit is not None:
                held["n"] = served + per_page
            next_token = signing.dumps(held, salt=TOKEN_SALT)
    return Page(events=rows, next_token=next_token)


def by_branches(ordered: QuerySet[Event]) -> bool:
    """Whether this `EQ_readPoint` page (`ordered`: the query with the OR, `read_point_in`, ordered and
    sliced) is better read branch by branch (`read_point_branches`, `_merged`). Only correctness-neutral
    plan choices here: both ways give the same page.

    SQLite: where its plan for the OR reads both location indexes (MULTI-INDEX OR), collecting every match
    to sort them, as for the admin or an officer; each branch, by contrast, is an index range in rowid order
    and stops after a page. Beside a more selective indexed filter (a producer's organisation) SQLite walks
    that index in order with the OR as a filter and stops after a page; branches would each walk it on their
    own, the whole of it for a value the producer has no event at (figures: bench/README.md, "Read points").
    PostgreSQL: never. Its index lists a value's rows in heap order, so no branch can stop early; it reads
    the OR as a BitmapOr of both indexes (the heap once) or walks the pk index with the filter, as for
    EQ_bizLocation. As branches it did worse: it takes `read_point <> biz_location` to hold for 99.5 % of
    rows, so it expected the partial index full and walked the pk index for the first ids of an empty branch.
    """
    connection = connections[ordered.db]
    if connection.vendor != "sqlite":
        return False
    try:
        sql, params = ordered.query.get_compiler(using=ordered.db).as_sql()
    except EmptyResultSet:
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return any(str(row[-1]).startswith("MULTI-INDEX OR") for row in cursor.fetchall())


def _merged(
    base: QuerySet[Event], queryset: QuerySet[Event], branches: list[Q], ordering: list[str], limit: int
) -> list[Event]:
    """The first `limit` events of `queryset` matching any of the disjoint `branches`, in `ordering`.

    One statement: each branch's first `limit` ids in `ordering` (read in index order and stopped early, where
    an OR of the branches made SQLite collect and sort every match), their UNION ALL, then those rows (at most
    `limit` per branch) fetched by id and ordered, with `base`'s select_related and none of its filters again.
    """
    parts: list[str] = []
    params: list[Any] = []
    for branch in branches:
        first = queryset.filter(branch).order_by(*ordering).values("pk")[:limit]
        try:
            sql, branch_params = first.query.get_compiler(using=first.db).as_sql()
        except EmptyResultSet:
            continue
        parts.append(f"SELECT * FROM ({sql}) AS b{len(parts)}")
        params.extend(branch_params)
    if not parts:
        return []
    rows = base.model._base_manager.using(base.db).filter(pk__in=RawSQL(" UNION ALL ".join(parts), params))
    rows.query.select_related = base.query.select_related
    return list(rows.order_by(*ordering)[:limit])

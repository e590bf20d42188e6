"""The EPCIS 2.0 SimpleEventQuery over stored events: parameters, filters, ordering and keyset pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import RawSQL

from events.choices import EpcRole
from events.epcis import InvalidIdentifier, key_of, normalise_biz_step, normalise_disposition, parse_key, parse_time
from events.models import EpcKey, Event, EventEpc
from events.services.keys import gtin_keys

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
    "EQ_action": "action",
    "EQ_bizLocation": "biz_location",
    "EQ_eventID": "event_id",
    "EQ_transformationID": "transformation_id",
}
PAGING = ("orderBy", "orderDirection", "perPage", "nextPageToken")
SPLIT_READ_POINTS = 16  # EQ_readPoint values asked one by one (two index ranges each); more are asked together
TOKEN_SALT = "events.query.page"


class QueryError(ValueError):
    """A query parameter the server cannot accept (answered with 400 and the parameter's name)."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message


@dataclass
class Page:
    events: list[Event]
    next_token: str | None


def _values(raw: str) -> list[str]:
    return [v.strip() for v in raw.split("|") if v.strip()]


def _time(name: str, raw: str) -> Any:
    try:
        return parse_time(raw.replace(" ", "+"))  # a '+' in a query string may arrive as a space
    except ValueError as exc:
        raise QueryError(name, f"not a timestamp with a time zone: {raw!r}") from exc


def _key_filter(values: list[str]) -> Q:
    """EpcKey rows matching identifiers (URN or Digital Link) or patterns (urn:epc:idpat:…:*)."""
    exact: list[str] = []
    query = Q()
    for value in values:
        try:
            gk = parse_key(value)
        except InvalidIdentifier:
            exact.append(value)
            continue
        if gk.kind == "gtin" and gk.gtin14:
            query |= gtin_keys(gk.gtin14)
        else:
            exact.append(key_of(value))
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
        raw = params.get(name, "")
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
            queryset = queryset.filter(read_point_in(_values(raw)))
        elif name in EQ_FIELDS:
            queryset = queryset.filter(**{f"{EQ_FIELDS[name]}__in": _values(raw)})
        elif name == "EQ_bizStep":
            queryset = queryset.filter(biz_step__in=[normalise_biz_step(v) for v in _values(raw)])
        elif name == "EQ_disposition":
            queryset = queryset.filter(disposition__in=[normalise_disposition(v) for v in _values(raw)])
        elif name in MATCH_ROLES:
            # driven from the identifiers (their EventEpc rows, by the covering (key, role, event) index), never
            # by probing every event in query order: a product whose events are few and old made that a scan
            keys = EpcKey.objects.filter(_key_filter(_values(raw))).values("pk")
            queryset = queryset.filter(
                pk__in=EventEpc.objects.filter(key__in=keys, role__in=MATCH_ROLES[name]).values("event_id")
            )
        else:
            raise QueryError(name, "tham số truy vấn không được hỗ trợ / unsupported query parameter")
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


def page(params: Any, queryset: QuerySet[Event]) -> Page:
    """One page of `queryset` filtered by `params`, ordered by `orderBy`/`orderDirection` (default: capture
    order), continuing after `nextPageToken` (a signed keyset position valid only for the same parameters)."""
    base = queryset
    queryset = filter_events(params, queryset, read_point=False)
    order_by = params.get("orderBy") or ""
    if order_by not in ("", "eventTime", "recordTime"):
        raise QueryError("orderBy", "must be eventTime or recordTime")
    direction = (params.get("orderDirection") or ("DESC" if order_by else "ASC")).upper()
    if direction not in ("ASC", "DESC"):
        raise QueryError("orderDirection", "must be ASC or DESC")
    column = {"eventTime": "event_time", "recordTime": "record_time", "": ""}[order_by]
    per_page = _per_page(params)
    desc = direction == "DESC"
    token = params.get("nextPageToken")
    if token:
        try:
            data = signing.loads(token, salt=TOKEN_SALT)
        except signing.BadSignature as exc:
            raise QueryError("nextPageToken", "invalid or altered token") from exc
        if data.get("s") != _signature(params):
            raise QueryError("nextPageToken", "the token belongs to a query with other parameters")
        last_pk, last_value = data["p"], data.get("v")
        op = "lt" if desc else "gt"
        if column:
            value = parse_time(last_value)
            queryset = queryset.filter(Q(**{f"{column}__{op}": value}) | Q(**{column: value, f"pk__{op}": last_pk}))
        else:
            queryset = queryset.filter(**{f"pk__{op}": last_pk})
    sign = "-" if desc else ""
    ordering = [f"{sign}{column}", f"{sign}pk"] if column else [f"{sign}pk"]
    if "EQ_readPoint" in params:
        read_points = _values(params.get("EQ_readPoint", ""))
        ordered = queryset.filter(read_point_in(read_points)).order_by(*ordering)[: per_page + 1]
        if by_branches(ordered):
            rows = _merged(base, queryset, read_point_branches(read_points), ordering, per_page + 1)
        else:
            rows = list(ordered)
    else:
        rows = list(queryset.order_by(*ordering)[: per_page + 1])
    next_token = None
    if len(rows) > per_page:
        rows = rows[:per_page]
        last = rows[-1]
        position = getattr(last, column).isoformat() if column else None
        next_token = signing.dumps({"p": last.pk, "v": position, "s": _signature(params)}, salt=TOKEN_SALT)
    return Page(events=rows, next_token=next_token)


def by_branches(ordered: QuerySet[Event]) -> bool:
    """Whether this `EQ_readPoint` page (`ordered`: the query with the OR, `read_point_in`, ordered and
    sliced) is better read branch by branch (`read_point_branches`, `_merged`). Only correctness-neutral
    plan choices here: both ways give the same page.

    SQLite: where its plan for the OR reads both location indexes (MULTI-INDEX OR), collecting every match
    to sort them, as for the admin or an officer; each branch, by contrast, is an index range in rowid order
    and stops after a page. Beside a more selective indexed filter (a producer's organisation) SQLite walks
    that index in order with the OR as a filter and stops after a page; branches would each walk it on their
    own, the whole of it for a value the producer has no event at (31 ms against 5 ms at 1M events).
    PostgreSQL: never. Its index lists a value's rows in heap order, so no branch can stop early; it reads
    the OR as a BitmapOr of both indexes (the heap once) or walks the pk index with the filter, as for
    EQ_bizLocation. As branches it did worse: it takes `read_point <> biz_location` to hold for 99.5 % of
    rows, so it expected the partial index full and walked the pk index for the first ids of an empty branch
    (124 ms against 10 ms at 200,000 events).
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

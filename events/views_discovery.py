"""The top-level discovery resources of the EPCIS 2.0 REST binding: /epcis/eventTypes, /epcs, /bizSteps,
/bizLocations, /readPoints, /dispositions (Collections, paged like the events), each value's sub-resources
(`["events"]`) and its `/events` (`/epcis/events` with that value as the filter). Only what the caller may see
is listed: values of events it sees (`events.visibility`), plus the standard event types and CBV vocabularies."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from core.problems import problem
from events import epc_format, views
from events.auth import bearer_token, scope_error, token_actor
from events.choices import INSTANCE_ROLES
from events.epcis import CONTEXT_URL, normalise_biz_step, normalise_disposition
from events.epcis.cbv import biz_steps, dispositions
from events.models import EpcKey, Event, EventEpc
from events.query import EVENT_TYPES
from events.selectors import events_for
from events.views_queries import _allow, _json, _no_such, _not_allowed, paged, run_with, with_next

KINDS = ("eventTypes", "epcs", "bizSteps", "bizLocations", "readPoints", "dispositions")
FILTER = {
    "eventTypes": "eventType",
    "epcs": "MATCH_anyEPC",
    "bizSteps": "EQ_bizStep",
    "bizLocations": "EQ_bizLocation",
    "readPoints": "EQ_readPoint",
    "dispositions": "EQ_disposition",
}
COLUMN = {
    "bizSteps": "biz_step",
    "bizLocations": "biz_location",
    "readPoints": "read_point",
    "dispositions": "disposition",
}
NO_SUCH = "epcisException:NoSuchResourceException"


def _viewer(request: HttpRequest) -> tuple[Any, HttpResponse | None]:
    viewer = token_actor(request) if bearer_token(request) else request.user
    if viewer is None:
        return None, views._unauthorized()
    return viewer, scope_error(viewer, "read")


def _collection(members: list[str]) -> dict[str, Any]:
    return {"@context": CONTEXT_URL, "type": "Collection", "member": members}


def _standard(kind: str) -> list[str]:
    if kind == "eventTypes":
        return list(EVENT_TYPES)
    if kind == "bizSteps":
        return sorted(biz_steps())
    if kind == "dispositions":
        return sorted(dispositions())
    return []


def _values(kind: str, viewer: Any) -> Any:
    """The distinct values of events the viewer sees, as a queryset of one column named `v` (or EpcKey rows)."""
    seen = events_for(viewer)
    if kind == "epcs":
        mentioned = EventEpc.objects.filter(role__in=INSTANCE_ROLES, event__in=seen.values("pk")).values("key_id")
        return EpcKey.objects.filter(pk__in=mentioned)
    column = COLUMN[kind]
    return seen.exclude(**{column: ""}).values_list(column, flat=True).distinct()


def _format(request: HttpRequest) -> tuple[str, HttpResponse | None]:
    """The GS1-EPC-Format asked for (identifiers in the lists: Digital Links, or EPC URNs), or a 400."""
    try:
        return epc_format.requested(request.headers.get(epc_format.HEADER)), None
    except epc_format.UnknownFormat as exc:
        return "", problem(
            400,
            "GS1-EPC-Format không hợp lệ / Invalid GS1-EPC-Format",
            f"{str(exc)[:60]!r}: {', '.join(epc_format.FORMATS)}",
            type_="epcisException:QueryParameterException",
            parameter=epc_format.HEADER,
        )


def collection(request: HttpRequest, kind: str) -> HttpResponse:
    """GET a top-level Collection, paged with perPage / nextPageToken (Link rel="next")."""
    if request.method == "OPTIONS":
        return _allow("OPTIONS, GET")
    if request.method != "GET":
        return _not_allowed("OPTIONS, GET")
    viewer, error = _viewer(request)
    if error is not None:
        return error
    fmt, error = _format(request)
    if error is not None:
        return error
    if kind == "epcs":
        items, error, token = paged(
            request, _values(kind, viewer), kind, "id", lambda k: epc_format.translated(k.key, fmt)
        )
    else:
        standard = _standard(kind)
        found = _values(kind, viewer) if kind in COLUMN else Event.objects.none().values_list("type", flat=True)
        custom = sorted(set(found) - set(standard)) if standard else None
        if custom is None:  # locations: as many as the events name, paged in the database
            items, error, token = paged(request, found, kind, COLUMN[kind], lambda v: epc_format.translated(v, fmt))
        else:  # a vocabulary: the standard values and the extensions the caller's events use
            items, error, token = _paged_list(request, kind, [*standard, *custom])
    if error is not None:
        return error
    return with_next(request, _json(_collection(items)), token)


def _paged_list(request: HttpRequest, kind: str, members: list[str]) -> tuple[list[str], Any, str | None]:
    """A page of a list held in memory (a vocabulary), after the member named in the token."""
    from django.core import signing

    from events.views_queries import PAGE_SALT, per_page

    size, error = per_page(request)
    if error is not None:
        return [], error, None
    start = 0
    token = request.GET.get("nextPageToken")
    if token:
        try:
            data = signing.loads(token, salt=PAGE_SALT)
        except signing.BadSignature:
            data = None
        if not isinstance(data, dict) or data.get("k") != kind or data.get("v") not in members:
            from events.views_queries import _bad_parameter

            return [], _bad_parameter("nextPageToken", "mã trang không hợp lệ / invalid or altered token"), None
        start = members.index(data["v"]) + 1
    page = members[start : start + size]
    more = start + size < len(members)
    return page, None, signing.dumps({"k": kind, "v": page[-1]}, salt=PAGE_SALT) if more and page else None


def _value(raw: str) -> str:
    """A value from the path: a URI whose '//' a proxy may have merged gets it back."""
    for scheme in ("https:/", "http:/"):
        if raw.startswith(scheme) and not raw.startswith(scheme + "/"):
            return scheme + "/" + raw[len(scheme) :]
    return raw


def _known(kind: str, value: str, viewer: Any) -> bool:
    if kind == "eventTypes":
        return value in EVENT_TYPES
    if kind == "bizSteps" and normalise_biz_step(value) in biz_steps():
        return True
    if kind == "dispositions" and normalise_disposition(value) in dispositions():
        return True
    if kind == "epcs":
        return _seen_epc(value, viewer)
    column = COLUMN[kind]
    if kind == "bizSteps":
        value = normalise_biz_step(value)
    elif kind == "dispositions":
        value = normalise_disposition(value)
    return events_for(viewer).filter(**{column: value}).exists()


def _seen_epc(value: str, viewer: Any) -> bool:
    from events.query import _key_filter

    keys = EpcKey.objects.filter(_key_filter([value])).values("pk")
    mentions = EventEpc.objects.filter(key__in=keys, role__in=INSTANCE_ROLES).values("event_id")
    return events_for(viewer).filter(pk__in=mentions).exists()


def resource(request: HttpRequest, kind: str, value: str) -> HttpResponse:
    """GET a value's sub-resources: `["events"]` (404 when the caller sees no such value)."""
    if request.method == "OPTIONS":
        return _allow("OPTIONS, GET")
    if request.method != "GET":
        return _not_allowed("OPTIONS, GET")
    viewer, error = _viewer(request)
    if error is not None:
        return error
    value = _value(value)
    if not _known(kind, value, viewer):
        return _no_such(f"{kind} {value}", NO_SUCH)
    return _json(_collection(["events"]))


def resource_events(request: HttpRequest, kind: str, value: str) -> HttpResponse:
    """GET the events of a value (paged, further filtered by the query parameters sent)."""
    if request.method == "OPTIONS":
        return _allow("OPTIONS, GET")
    if request.method != "GET":
        return _not_allowed("OPTIONS, GET")
    value = _value(value)
    if kind == "eventTypes" and value not in EVENT_TYPES:
        return _no_such(f"eventType {value}", NO_SUCH)
    return run_with(request, {FILTER[kind]: value})

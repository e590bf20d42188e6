"""Named queries and webhook subscriptions of the EPCIS 2.0 REST binding, under /epcis/queries.

A query belongs to the caller's scope (`events.subscriptions.Scope`): an API token's organisation; for a session,
the organisation named by `?organization=<tax code>` or the person's only organisation, else the person. Running it
(`/queries/{name}/events`) is `/epcis/events` with the query's parameters, seen as the caller sees events.
Subscriptions are webhooks (`events.webhooks` delivers them); WebSocket subscriptions are not offered: a WebSocket
handshake or the GET subscription parameters on `/queries/{name}/events` answer 400 SubscriptionControlsException.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.core import signing
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.views.decorators.csrf import csrf_exempt

from accounts import permissions
from catalog.models import Organization
from core.errors import Forbidden
from core.problems import problem
from events import subscriptions as subs
from events import views
from events.auth import bearer_token, scope_error, token_actor
from events.models import NamedQuery, Subscription, SubscriptionDelivery
from events.query_scope import subscriber

DEFAULT_PER_PAGE = 30  # the binding's default perPage
MAX_PER_PAGE = 1000
BODY_MAX = 64 * 1024
PAGE_SALT = "events.views_queries.page"
WEBSOCKET_PARAMS = frozenset(
    {"stream", "second", "minute", "hour", "dayOfMonth", "month", "dayOfWeek", "reportIfEmpty", "initialRecordTime"}
)


def _json(data: Any, status: int = 200) -> HttpResponse:
    return views._headers(JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False}))


def _allow(methods: str) -> HttpResponse:
    response = views._headers(HttpResponse(status=204))
    response["Allow"] = methods
    return response


def _not_allowed(methods: str) -> HttpResponse:
    response = problem(405, "Phương thức không được hỗ trợ / Method not allowed")
    response["Allow"] = methods
    return response


def _no_such(what: str, type_: str = "epcisException:NoSuchNameException") -> HttpResponse:
    return problem(404, "Không tìm thấy / Not found", what[:300], type_=type_)


def _forbidden() -> HttpResponse:
    return problem(403, "Không có quyền / Forbidden", str(Forbidden()), type_="epcisException:SecurityException")


def caller(request: HttpRequest, *, write: bool) -> tuple[Any, subs.Scope | None, HttpResponse | None]:
    """(actor, scope, error): who calls and whose queries they work with."""
    if bearer_token(request) is not None:
        actor = token_actor(request)
        if actor is None:
            return None, None, views._unauthorized()
        denied = scope_error(actor, "read")
        return actor, subs.Scope(organization=actor.organization), denied
    user = request.user
    if not permissions.is_authenticated(user):
        return None, None, views._unauthorized()
    if write and views._csrf_failed(request) is not None:
        return (
            None,
            None,
            problem(
                403,
                "Thiếu mã CSRF / CSRF check failed",
                "Gửi kèm mã CSRF khi dùng phiên đăng nhập. / Send the CSRF token with session requests.",
            ),
        )
    tax_code = request.GET.get("organization")
    if tax_code:
        organization = Organization.objects.filter(tax_code=tax_code[:20]).first()
        scope = subs.Scope(organization=organization)
        if organization is None or not subs.may_use(user, scope):
            return user, None, _forbidden()
        return user, scope, None
    own = list(Organization.objects.filter(memberships__user_id=user.pk or 0)[:2])
    if len(own) == 1:
        return user, subs.Scope(organization=own[0]), None
    return user, subs.Scope(owner=user), None


def per_page(request: HttpRequest) -> tuple[int, HttpResponse | None]:
    raw = request.GET.get("perPage") or ""
    if not raw:
        return DEFAULT_PER_PAGE, None
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PER_PAGE:
        return 0, _bad_parameter("perPage", f"một số nguyên 1–{MAX_PER_PAGE} / a whole number 1–{MAX_PER_PAGE}")
    return int(raw), None


def _bad_parameter(parameter: str, message: str) -> HttpResponse:
    return problem(
        400,
        "Tham số truy vấn không hợp lệ / Invalid query parameter",
        f"{parameter}: {message}",
        type_="epcisException:QueryParameterException",
        parameter=parameter,
    )


def paged(
    request: HttpRequest, rows: QuerySet[Any], kind: str, key: str, render: Callable[[Any], Any]
) -> tuple[list[Any], HttpResponse | None, str | None]:
    """A page of `rows` in `key` order after `nextPageToken` (signed for this `kind` of list):
    (the rendered items, an error, the next page's token)."""
    size, error = per_page(request)
    if error is not None:
        return [], error, None
    token = request.GET.get("nextPageToken")
    if token:
        try:
            data = signing.loads(token, salt=PAGE_SALT)
        except signing.BadSignature:
            return [], _bad_parameter("nextPageToken", "mã trang không hợp lệ / invalid or altered token"), None
        if not isinstance(data, dict) or data.get("k") != kind:
            return [], _bad_parameter("nextPageToken", "mã của danh sách khác / the token of another list"), None
        rows = rows.filter(**{f"{key}__gt": data.get("v")})
    items = list(rows.order_by(key)[: size + 1])
    following = None
    if len(items) > size:
        items = items[:size]
        last = items[-1]
        value = last[key] if isinstance(last, dict) else getattr(last, key) if isinstance(last, Model) else last
        following = signing.dumps({"k": kind, "v": value}, salt=PAGE_SALT)
    return [render(i) for i in items], None, following


def with_next(request: HttpRequest, response: HttpResponse, token: str | None) -> HttpResponse:
    if token:
        params = request.GET.copy()
        params["nextPageToken"] = token
        response["Link"] = f'<{request.path}?{params.urlencode()}>; rel="next"'
        response["GS1-Next-Page-Token"] = token
    return response


def _read_json(request: HttpRequest) -> tuple[Any, HttpResponse | None]:
    body = request.read(BODY_MAX + 1)
    if len(body) > BODY_MAX:
        return None, problem(413, "Nội dung quá lớn / Payload too large", f"at most {BODY_MAX} bytes")
    media = views._sniffed(views._media(request), body)
    if media not in views.JSON_TYPES:
        return None, views._unsupported("application/json")
    try:
        return json.loads(body.decode("utf-8")), None
    except (UnicodeDecodeError, ValueError):
        return None, problem(400, "JSON không hợp lệ / Malformed JSON", "", type_="epcisException:ValidationException")


def _query_json(query: NamedQuery) -> dict[str, Any]:
    return {"name": query.name, "query": query.query}


def _find(scope: subs.Scope, name: str) -> NamedQuery | None:
    return scope.queries().filter(name=name[:200]).first()


def _named(request: HttpRequest, name: str, *, write: bool) -> tuple[Any, NamedQuery | None, HttpResponse | None]:
    """(actor, the caller's named query `name`, None), or the answer that refuses: who may not, or no such query."""
    actor, scope, error = caller(request, write=write)
    if error is not None or scope is None:
        return actor, None, error or _forbidden()
    query = _find(scope, name)
    if query is None:
        return actor, None, _no_such(f"query {name}")
    return actor, query, None


@csrf_exempt
def queries(request: HttpRequest) -> HttpResponse:
    """GET: the caller's named queries (paged); POST {"name", "query"}: create one → 201 + Location."""
    if request.method == "OPTIONS":
        return _allow("OPTIONS, GET, POST")
    if request.method not in ("GET", "POST"):
        return _not_allowed("OPTIONS, GET, POST")
    actor, scope, error = caller(request, write=request.method == "POST")
    if error is not None or scope is None:
        return error or _forbidden()
    if request.method == "GET":
        items, error, token = paged(request, scope.queries(), "queries", "id", _query_json)
        return error or with_next(request, _json(items), token)
    data, error = _read_json(request)
    if error is not None:
        return error
    if not isinstance(data, dict) or "name" not in data or "query" not in data:
        return problem(
            400,
            "Cần name và query / name and query are required",
            'ví dụ / e.g. {"name": "myQuery", "query": {"EQ_bizStep": ["shipping"]}}',
            type_="epcisException:ValidationException",
        )
    try:
        query = subs.create_query(actor=actor, scope=scope, name=data["name"], definition=data["query"])
    except Forbidden:
        return _forbidden()
    except subs.QueryExists:
        return problem(
            409,
            "Tên truy vấn đã có / A query of that name exists",
            str(data["name"])[:200],
            type_="epcisException:ResourceAlreadyExistsException",
        )
    except subs.QueryInvalid as exc:
        if exc.parameter == "name":
            return problem(
                400,
                "Tên truy vấn không hợp lệ / Invalid query name",
                exc.message,
                type_="epcisException:ValidationException",
            )
        return _bad_parameter(exc.parameter, exc.message)
    response = views._headers(HttpResponse(status=201))
    response["Location"] = f"/epcis/queries/{quote(query.name, safe='')}"
    return response


@csrf_exempt
def query_detail(request: HttpRequest, name: str) -> HttpResponse:
    """GET the definition; DELETE the query and every subscription to it."""
    if request.method == "OPTIONS":
        return _allow("OPTIONS, GET, DELETE")
    if request.method not in ("GET", "DELETE"):
        return _not_allowed("OPTIONS, GET, DELETE")
    actor, query, error = _named(request, name, write=request.method == "DELETE")
    if error is not None or query is None:
        return error or _forbidden()
    if request.method == "GET":
        return _json(_query_json(query))
    try:
        subs.delete_query(actor=actor, query=query)
    except Forbidden:
        return _forbidden()
    return views._headers(HttpResponse(status=204))


def _websocket_refused(name: str) -> HttpResponse:
    where = f"POST /epcis/queries/{quote(name, safe='')}/subscriptions"
    return problem(
        400,
        "Không hỗ trợ đăng ký qua WebSocket / WebSocket subscriptions are not offered",
        f"Đăng ký nhận qua webhook: {where} với dest và stream=true hoặc schedule. / "
        f"Subscribe by webhook: {where} with dest and stream=true or a schedule.",
        type_="epcisException:SubscriptionControlsException",
    )


def run_with(request: HttpRequest, forced: dict[str, str]) -> HttpResponse:
    """`GET /epcis/events` with `forced` parameters added to the caller's (paging links keep the caller's)."""
    sent = request.GET.copy()
    merged = QueryDict(mutable=True)
    for key in sent:
        if key not in forced and key != "organization":  # (a person's choice of scope, not a filter)
            merged.setlist(key, sent.getlist(key))
    for key, value in forced.items():
        merged[key] = value
    request.GET = merged  # type: ignore[assignment]
    try:
        response = views.events(request)
    finally:
        request.GET = sent  # type: ignore[assignment]
    token = response.get("GS1-Next-Page-Token")
    if token:
        params = sent.copy()
        params["nextPageToken"] = token
        response["Link"] = f'<{request.path}?{params.urlencode()}>; rel="next"'
    return response


def query_events(request: HttpRequest, name: str) -> HttpResponse:
    """GET the results of a named query, paged (`perPage`, `nextPageToken`), as `/epcis/events` answers."""
    if request.method == "OPTIONS":
        return _allow("OPTIONS, GET")
    if request.method != "GET":
        return _not_allowed("OPTIONS, GET")
    _actor, query, error = _named(request, name, write=False)
    if error is not None or query is None:
        return error or _forbidden()
    upgrade = request.headers.get("Upgrade", "").lower()
    if upgrade == "websocket" or WEBSOCKET_PARAMS & set(request.GET):
        return _websocket_refused(query.name)
    extra = sorted(set(request.GET) - {"perPage", "nextPageToken", "organization"})
    if extra:
        return _bad_parameter(
            extra[0],
            "tham số của truy vấn đặt tên là cố định / a named query's parameters are fixed; page with "
            "perPage and nextPageToken",
        )
    return run_with(request, {k: v for k, v in query.params.items() if k != "organization"})


def _subscription_json(subscription: Subscription, *, deliveries: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "subscriptionID": str(subscription.subscription_id),
        "queryName": subscription.query.name,
        "dest": subscription.dest,
        "createdAt": subscription.created_at.isoformat(),
        "reportIfEmpty": subscription.report_if_empty,
        "signed": bool(subscription.secret),  # the signatureToken itself is never shown
        "minRecordTime": subscription.initial_record_time.isoformat() if subscription.initial_record_time else None,
    }
    if subscription.stream:
        out["stream"] = True
    else:
        out["schedule"] = subscription.schedule
        out["nextRunAt"] = subscription.next_run_at.isoformat() if subscription.next_run_at else None
    if subscription.initial_record_time:
        out["initialRecordTime"] = subscription.initial_record_time.isoformat()
    if subscription.last_notified_at:
        out["lastNotifiedAt"] = subscription.last_notified_at.isoformat()
    if subscription.epc_format:
        out["epcFormat"] = subscription.epc_format
    out["active"] = subscriber(subscription) is not None
    if deliveries:
        recent = subscription.deliveries.order_by("-id")[:20]
        out["deliveries"] = [delivery_json(d) for d in recent]
    return out


def delivery_json(delivery: SubscriptionDelivery) -> dict[str, Any]:
    def when(value: Any) -> str | None:
        return value.isoformat() if value else None

    return {
        "deliveryID": delivery.pk,
        "state": delivery.state,
        "eventCount": delivery.event_count,
        "attempts": delivery.attempts,
        "statusCode": delivery.status_code,
        "error": delivery.error,
        "createdAt": when(delivery.created_at),
        "lastAttemptAt": when(delivery.last_attempt_at),
        "nextAttemptAt": when(delivery.next_attempt_at),
        "deliveredAt": when(delivery.delivered_at),
    }


@csrf_exempt
def subscriptions(request: HttpRequest, name: str) -> HttpResponse:
    """GET the query's subscriptions (paged); POST a webhook subscription → 201 + Location."""
    if request.method == "OPTIONS":
        return _allow("OPTIONS, GET, POST")
    if request.method not in ("GET", "POST"):
        return _not_allowed("OPTIONS, GET, POST")
    actor, query, error = _named(request, name, write=request.method == "POST")
    if error is not None or query is None:
        return error or _forbidden()
    if request.method == "GET":
        rows = query.subscriptions.select_related("query", "token")
        items, error, token = paged(request, rows, f"subscriptions:{query.pk}", "id", _subscription_json)
        return error or with_next(request, _json(items), token)
    data, error = _read_json(request)
    if error is not None:
        return error
    if not isinstance(data, dict):
        return _subscription_problem("cần một đối tượng JSON / a JSON object is required")
    asked = subs.SubscriptionRequest(
        dest=data.get("dest"),
        signature_token=data.get("signatureToken"),
        stream=data.get("stream"),
        schedule=data.get("schedule"),
        report_if_empty=data.get("reportIfEmpty", False),
        initial_record_time=data.get("initialRecordTime"),
        epc_format=request.headers.get("GS1-EPC-Format", "").strip(),
    )
    try:
        subscription = subs.subscribe(actor=actor, query=query, request=asked)
    except Forbidden:
        return _forbidden()
    except subs.SubscriptionInvalid as exc:
        return _subscription_problem(exc.message)
    response = _json(_subscription_json(subscription), status=201)
    response["Location"] = f"/epcis/queries/{quote(query.name, safe='')}/subscriptions/{subscription.subscription_id}"
    return response


def _subscription_problem(message: str) -> HttpResponse:
    return problem(
        400,
        "Đăng ký không hợp lệ / Invalid subscription",
        message,
        type_="epcisException:SubscriptionControlsException",
    )


def _subscription(
    request: HttpRequest, name: str, subscription_id: str, *, write: bool
) -> tuple[Any, Subscription | None, HttpResponse | None]:
    actor, query, error = _named(request, name, write=write)
    if error is not None or query is None:
        return actor, None, error or _forbidden()
    try:
        key = uuid.UUID(subscription_id)
    except ValueError:
        key = None
    found = query.subscriptions.select_related("query", "token").filter(subscription_id=key).first() if key else None
    if found is None:
        return actor, None, _no_such(f"subscription {subscription_id}", "epcisException:NoSuchSubscriptionException")
    return actor, found, None


@csrf_exempt
def subscription_detail(request: HttpRequest, name: str, subscription_id: str) -> HttpResponse:
    """GET a subscription with its latest deliveries; DELETE it (unsubscribe)."""
    if request.method == "OPTIONS":
        return _allow("OPTIONS, DELETE, GET")
    if request.method not in ("GET", "DELETE"):
        return _not_allowed("OPTIONS, DELETE, GET")
    actor, subscription, error = _subscription(request, name, subscription_id, write=request.method == "DELETE")
    if error is not None or subscription is None:
        return error or _forbidden()
    if request.method == "GET":
        return _json(_subscription_json(subscription, deliveries=True))
    try:
        subs.unsubscribe(actor=actor, subscription=subscription)
    except Forbidden:
        return _forbidden()
    return views._headers(HttpResponse(status=204))


def deliveries(request: HttpRequest, name: str, subscription_id: str) -> HttpResponse:
    """GET every delivery of a subscription, oldest first, paged: when, state, attempts, the last status code."""
    if request.method != "GET":
        return _not_allowed("GET")
    _actor, subscription, error = _subscription(request, name, subscription_id, write=False)
    if error is not None or subscription is None:
        return error or _forbidden()
    items, error, token = paged(
        request, subscription.deliveries.all(), f"deliveries:{subscription.pk}", "id", delivery_json
    )
    return error or with_next(request, _json(items), token)

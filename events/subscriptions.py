"""Named queries and their webhook subscriptions (EPCIS 2.0 REST binding, `/queries`): who owns them, their
validation and the services that write them. Deliveries are made by `events.webhooks`, outside the request.

A named query belongs to its creator's organisation (an API token's, or the organisation a member acts for) or,
for a person acting for none (an officer, an admin), to that person: its `Scope`. Whoever runs it sees its
results through `events.visibility`; a subscription's results are those its subscriber sees (its API token
while the token is valid, or its person while still allowed in the scope).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.permissions import Actor, TokenActor, person
from core import audit
from core.choices import AuditAction
from core.errors import Forbidden
from events.epcis import parse_time
from events.models import Event, NamedQuery, Subscription
from events.query_scope import Scope, may_use, scope_of
from events.schedules import SubscriptionInvalid, next_run, parse_schedule
from events.webhooks import DestinationRefused, check_destination, kick_after_commit

QUERY_NAME = re.compile(r"^[A-Za-z0-9._~-]{1,200}$")  # URL-unreserved: the name is a path segment
RESERVED_NAMES = frozenset({"SimpleEventQuery", "SimpleMasterDataQuery"})  # EPCIS's predefined queries
NOT_IN_A_NAMED_QUERY = frozenset({"perPage", "nextPageToken"})  # paging belongs to each run
EPC_FORMATS = ("No_Preference", "Always_GS1_Digital_Link", "Always_EPC_URN", "Never_Translates")
DEST_MAX = 2000
SECRET_MAX = 500


class QueryInvalid(ValueError):
    """A named query's name or definition cannot be accepted (`parameter`: which member)."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message


class QueryExists(ValueError):
    """The scope already has a query of that name."""


def _require(actor: Actor, scope: Scope) -> None:
    if not may_use(actor, scope):
        raise Forbidden()


def params_of(definition: Any) -> dict[str, str]:
    """The query-string parameters of `/epcis/events` that a query definition (EPCIS query schema: lists of
    strings, numbers, timestamps, booleans) stands for; raises `QueryInvalid`."""
    if not isinstance(definition, dict):
        raise QueryInvalid("query", "phải là một đối tượng JSON / must be a JSON object")
    params: dict[str, str] = {}
    for name, value in definition.items():
        if name == "@context":
            continue
        if name in NOT_IN_A_NAMED_QUERY:
            raise QueryInvalid(name, "phân trang thuộc về mỗi lần chạy / paging belongs to each run, not the query")
        if isinstance(value, list):
            if not value or not all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in value):
                raise QueryInvalid(name, "phải là danh sách giá trị không rỗng / must be a non-empty list of values")
            params[name] = "|".join(str(v) for v in value)
        elif isinstance(value, bool):
            params[name] = "true" if value else "false"
        elif value is None:  # EPCIS 1.x's void EXISTS_ parameters: present means true
            params[name] = "true" if name.startswith("EXISTS_") else ""
        elif isinstance(value, str | int | float):
            params[name] = str(value)
        else:
            raise QueryInvalid(name, "phải là chuỗi, số, lôgic hoặc danh sách / must be a string, number or list")
    return params


def _check_runs(params: dict[str, str], actor: Actor) -> None:
    """Run the query once for one event, so that every parameter is checked as `/epcis/events` checks it."""
    from events import selectors
    from events.query import QueryError

    try:
        selectors.query({**params, "perPage": "1"}, actor)
    except QueryError as exc:
        raise QueryInvalid(exc.parameter, exc.message) from exc


@transaction.atomic
def create_query(*, actor: Actor, scope: Scope, name: Any, definition: Any) -> NamedQuery:
    """Create the scope's named query `name` (`QueryInvalid`, `QueryExists`, `Forbidden`)."""
    _require(actor, scope)
    if not isinstance(name, str) or not QUERY_NAME.match(name):
        raise QueryInvalid(
            "name",
            "tên gồm 1–200 chữ cái Latinh, chữ số hoặc . _ ~ - / a name of 1–200 letters, digits or . _ ~ -",
        )
    if name in RESERVED_NAMES or scope.queries().filter(name=name).exists():
        raise QueryExists(name)
    params = params_of(definition)
    _check_runs(params, actor)
    try:
        with transaction.atomic():
            query = NamedQuery.objects.create(
                name=name,
                organization=scope.organization,
                owner=None if scope.organization is not None else scope.owner,
                query=definition,
                params=params,
                created_by=person(actor),
            )
    except IntegrityError as exc:  # created meanwhile by another request
        raise QueryExists(name) from exc
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=query,
        organization_id=getattr(scope.organization, "pk", None),
        reason=_who(actor),
    )
    return query


@transaction.atomic
def delete_query(*, actor: Actor, query: NamedQuery) -> None:
    """Delete a named query and, with it, its subscriptions and their deliveries (the binding: "forcibly
    unsubscribes all active subscriptions")."""
    _require(actor, scope_of(query))
    before = audit.snapshot(query)
    before["subscriptions"] = [str(s) for s in query.subscriptions.values_list("subscription_id", flat=True)]
    organization_id = query.organization_id
    audit.record(
        actor=actor,
        action=AuditAction.DELETE,
        instance=query,
        before=before,
        after={},
        organization_id=organization_id,
        reason=_who(actor),
    )
    query.delete()


def _who(actor: Actor) -> str:
    return f"[{actor.username}]" if isinstance(actor, TokenActor) else ""


@dataclass(frozen=True)
class SubscriptionRequest:
    """A subscription as asked (the POST body's members, the GS1-EPC-Format header)."""

    dest: Any
    signature_token: Any = None
    stream: Any = None
    schedule: Any = None
    report_if_empty: Any = False
    initial_record_time: Any = None
    epc_format: str = ""


def _checked(request: SubscriptionRequest) -> tuple[str, dict[str, Any], datetime | None]:
    """(the destination, the schedule as sent or {}, the initial record time); raises `SubscriptionInvalid`."""
    if not isinstance(request.dest, str) or not request.dest or len(request.dest) > DEST_MAX:
        raise SubscriptionInvalid(f"dest: cần một URL tối đa {DEST_MAX} ký tự / a URL of at most {DEST_MAX} characters")
    try:
        check_destination(request.dest)
    except DestinationRefused as exc:
        raise SubscriptionInvalid(f"dest: {exc.message}") from exc
    if request.signature_token is not None and (
        not isinstance(request.signature_token, str) or len(request.signature_token) > SECRET_MAX
    ):
        raise SubscriptionInvalid(f"signatureToken: một chuỗi tối đa {SECRET_MAX} ký tự / a string of ≤ {SECRET_MAX}")
    if request.stream is not None and request.stream is not True:
        raise SubscriptionInvalid("stream: chỉ nhận true / only true is allowed")
    if (request.stream is True) == (request.schedule is not None):
        raise SubscriptionInvalid(
            "Cần đúng một trong stream=true hoặc schedule / exactly one of stream=true or schedule is required"
        )
    schedule = request.schedule or {}
    if request.schedule is not None:
        parse_schedule(request.schedule)
    if not isinstance(request.report_if_empty, bool):
        raise SubscriptionInvalid("reportIfEmpty: true hoặc false / true or false")
    if request.epc_format and request.epc_format not in EPC_FORMATS:
        raise SubscriptionInvalid(f"GS1-EPC-Format: {', '.join(EPC_FORMATS)}")
    initial = None
    if request.initial_record_time is not None:
        try:
            initial = parse_time(str(request.initial_record_time))
        except ValueError as exc:
            raise SubscriptionInvalid("initialRecordTime: cần thời điểm có múi giờ / a timestamp with a zone") from exc
    return request.dest, schedule, initial


@transaction.atomic
def subscribe(*, actor: Actor, query: NamedQuery, request: SubscriptionRequest) -> Subscription:
    """Subscribe `dest` to the named query (`SubscriptionInvalid`, `Forbidden`). A streaming subscription
    reports every event captured from now on (or recorded since `initialRecordTime`) that matches; a
    scheduled one, at each time of its schedule, the matching events recorded since its last run."""
    _require(actor, scope_of(query))
    dest, schedule, initial = _checked(request)
    now = timezone.now()
    limit = settings.TRUYXUAT_SUBSCRIPTIONS_PER_QUERY
    if query.subscriptions.count() >= limit:
        raise SubscriptionInvalid(f"Tối đa {limit} đăng ký mỗi truy vấn / at most {limit} subscriptions per query")
    last = 0 if initial is not None else Event.objects.aggregate(last=Max("pk"))["last"] or 0
    subscription = Subscription.objects.create(
        query=query,
        dest=dest,
        secret=request.signature_token or "",
        stream=request.stream is True,
        schedule=schedule,
        report_if_empty=request.report_if_empty,
        epc_format=request.epc_format,
        initial_record_time=initial,
        last_event_pk=last,
        next_run_at=next_run(parse_schedule(schedule), now) if schedule else None,
        token=actor.token if isinstance(actor, TokenActor) else None,
        created_by=person(actor),
        created_at=now,
    )
    after = audit.snapshot(subscription)
    after["secret"] = "***" if subscription.secret else ""  # the secret never leaves the server
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=subscription,
        after=after,
        organization_id=query.organization_id,
        reason=_who(actor),
    )
    kick_after_commit(subscribed=True)
    return subscription


@transaction.atomic
def unsubscribe(*, actor: Actor, subscription: Subscription) -> None:
    """End a subscription; its deliveries not yet made are dropped with it."""
    _require(actor, scope_of(subscription.query))
    before = audit.snapshot(subscription)
    before["secret"] = "***" if subscription.secret else ""
    audit.record(
        actor=actor,
        action=AuditAction.DELETE,
        instance=subscription,
        before=before,
        after={},
        organization_id=subscription.query.organization_id,
        reason=_who(actor),
    )
    subscription.delete()

"""Deliveries of webhook subscriptions (`events.subscriptions`), outside the request: a job (`deliver_due`,
`core.jobs`) that `truyxuat worker` runs, plus `truyxuat subscriptions --once` for a pass from cron.

One pass (`run_due`) turns new results into deliveries and makes the deliveries that are due:
- a streaming subscription reports every event recorded since its last report that matches its query and that
  its subscriber sees; a scheduled one does so at each time of its schedule (an empty report only with
  `reportIfEmpty`). Events go out in batches of `TRUYXUAT_SUBSCRIPTION_BATCH`, each an EPCISQueryDocument kept
  as the delivery's body, in the same transaction that moves the subscription's mark (`last_event_pk`) past them;
- a delivery is POSTed to `dest` with `GS1-Signature: sha256=<hex HMAC-SHA256 of the body, keyed with the
  signatureToken>`, to the address checked when it was resolved (no private or loopback address unless
  `TRUYXUAT_SUBSCRIPTION_ALLOW_PRIVATE`; redirects are not followed). Any 2xx answer delivers it; otherwise it
  is tried again after `TRUYXUAT_SUBSCRIPTION_RETRY_SECONDS` × 2^(attempts−1) (at most an hour) until
  `TRUYXUAT_SUBSCRIPTION_ATTEMPTS` attempts have failed. Every attempt is recorded on the delivery (time,
  status code or error, attempts), which the subscriber reads at `/epcis/queries/{name}/subscriptions/{id}`.

A capture that stores events, while a streaming subscription exists, enqueues `deliver_due` in its own
transaction (`kick_after_commit`: once per transaction, and not when one is already waiting), as does a new
subscription; each run enqueues the next for the next retry, scheduled run or event to settle (`next_wake`). Runs
are at least once: a delivery is leased while it is POSTed (`LEASE`), so a second run does not POST it again
meanwhile, and a worker killed mid-POST leaves the delivery to be tried again once the lease ends (the receiver
may then get that document twice, as at-least-once delivery allows).

Order of events on PostgreSQL: primary keys are taken before commit, so an event may become visible after one
with a greater key. Events are reported only once their recordTime is `TRUYXUAT_SUBSCRIPTION_SETTLE_SECONDS`
old there (30 s by default; 0 on SQLite, whose writers commit one at a time), which covers captures shorter than
that.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import socket
import ssl
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Min, Q
from django.utils import timezone

from core.jobs import enqueue_once, job
from events.epcis import CONTEXT_URL
from events.models import Event, Subscription, SubscriptionDelivery
from events.query_scope import subscriber
from events.schedules import next_run, parse_schedule

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
MAX_BACKOFF = 3600.0
ANSWER_MAX = 65536  # bytes of a destination's answer read (and dropped)


class DestinationRefused(ValueError):
    """A webhook destination that is not an http(s) URL of a public address."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def check_destination(dest: str) -> tuple[str, int, str, str]:
    """(host, port, path with query, address to connect to) of a webhook URL; raises `DestinationRefused` for
    another scheme, credentials in the URL, a name that does not resolve, or (unless
    `TRUYXUAT_SUBSCRIPTION_ALLOW_PRIVATE`) any resolved address that is not public."""
    parts = urlsplit(dest)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DestinationRefused("cần URL http hoặc https / an http or https URL is required")
    if parts.username or parts.password:
        raise DestinationRefused("URL không được chứa tên và mật khẩu / no credentials in the URL")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise DestinationRefused("cổng không hợp lệ / invalid port") from exc
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise DestinationRefused(f"không phân giải được / cannot resolve {parts.hostname[:100]}") from exc
    addresses = [str(info[4][0]) for info in infos]
    if not _setting("TRUYXUAT_SUBSCRIPTION_ALLOW_PRIVATE", False):
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
            mapped = getattr(ip, "ipv4_mapped", None)
            if not (mapped or ip).is_global or ip.is_multicast:
                raise DestinationRefused(
                    f"địa chỉ nội bộ không được phép / a private or loopback address is not allowed: {address}"
                )
    path = parts.path or "/"
    return parts.hostname, port, path + (f"?{parts.query}" if parts.query else ""), addresses[0]


class _Pinned(http.client.HTTPConnection):
    """HTTP to the address that was checked, whatever the name resolves to by now."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedTLS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def signature(secret: str, body: bytes) -> str:
    """The GS1-Signature header value: `sha256=` and the hex HMAC-SHA256 of the body keyed with the secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post(dest: str, body: bytes, secret: str) -> int:
    """POST one EPCISQueryDocument; the answer's status (raises `DestinationRefused` or `OSError`)."""
    host, port, path, address = check_destination(dest)
    timeout = float(_setting("TRUYXUAT_SUBSCRIPTION_TIMEOUT", 10))
    tls = urlsplit(dest).scheme == "https"
    conn = (_PinnedTLS if tls else _Pinned)(host, port, address, timeout)
    headers = {
        "Content-Type": "application/ld+json",
        "GS1-EPCIS-Version": "2.0.0",
        "GS1-CBV-Version": "2.0.0",
        "User-Agent": "truyxuat-epcis-subscriptions",
    }
    if secret:
        headers["GS1-Signature"] = signature(secret, body)
    try:
        conn.request("POST", path, body=body, headers=headers)
        answer = conn.getresponse()
        answer.read(ANSWER_MAX)
        return int(answer.status)
    finally:
        conn.close()


def backoff(attempts: int) -> timedelta:
    """How long after its `attempts`-th failed attempt a delivery is tried again."""
    base = float(_setting("TRUYXUAT_SUBSCRIPTION_RETRY_SECONDS", 30))
    return timedelta(seconds=min(base * 2 ** (attempts - 1), MAX_BACKOFF))


def _lag() -> float:
    default = 0 if connection.vendor == "sqlite" else 30
    return float(_setting("TRUYXUAT_SUBSCRIPTION_SETTLE_SECONDS", default))


def _settled_upto(after: int, now: datetime) -> int:
    """The greatest event key up to which every event is committed (see the module's note on PostgreSQL)."""
    lag = _lag()
    if not lag:
        return int(Event.objects.aggregate(last=Max("pk"))["last"] or 0)
    unsettled = Event.objects.filter(pk__gt=after, record_time__gt=now - timedelta(seconds=lag))
    first = unsettled.aggregate(first=Min("pk"))["first"]
    if first is not None:
        return int(first) - 1
    return int(Event.objects.aggregate(last=Max("pk"))["last"] or 0)


def _event_json(event: Event, fmt: str) -> dict[str, Any]:
    from events import epc_format, selectors

    body = epc_format.apply(selectors.event_json(event), fmt or "Never_Translates")  # the subscription's format
    own = [c for c in event.capture.context or [] if c != CONTEXT_URL]
    if own and "@context" not in body:  # each event keeps the context it was captured with
        body = {"@context": [CONTEXT_URL, *own], **body}
    return body


def document(subscription: Subscription, events: list[Event], now: datetime) -> bytes:
    """The EPCISQueryDocument of one delivery."""
    doc = {
        "@context": [CONTEXT_URL],
        "type": "EPCISQueryDocument",
        "schemaVersion": "2.0",
        "creationDate": now.isoformat(),
        "epcisBody": {
            "queryResults": {
                "queryName": subscription.query.name,
                "subscriptionID": str(subscription.subscription_id),
                "resultsBody": {"eventList": [_event_json(e, subscription.epc_format) for e in events]},
            }
        },
    }
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()


def _results(subscription: Subscription, viewer: Any, upto: int) -> list[list[Event]]:
    """The new matching events the subscriber sees, in batches (each one query page)."""
    from events import selectors
    from events.query import page
    from events.services import corrections

    rows = (
        selectors.events_for(viewer).select_related("capture").filter(pk__gt=subscription.last_event_pk, pk__lte=upto)
    )
    if subscription.initial_record_time is not None:
        rows = rows.filter(record_time__gte=subscription.initial_record_time)
    params = {**subscription.query.params, "perPage": str(int(_setting("TRUYXUAT_SUBSCRIPTION_BATCH", 100)))}
    batches: list[list[Event]] = []
    while True:
        result = page(params, rows)
        if result.events:
            corrections.attach(result.events)
            batches.append(result.events)
        if not result.next_token:
            return batches
        params["nextPageToken"] = result.next_token


def produce(subscription_pk: int, now: datetime) -> int:
    """Turn a subscription's new results into deliveries, if it is due (streaming: always; scheduled: at its
    next run); returns the deliveries made. One transaction: the deliveries and the subscription's new mark."""
    with transaction.atomic():
        sub = Subscription.objects.select_for_update(of=("self",)).select_related("query", "token")
        sub = sub.filter(pk=subscription_pk)
        subscription = sub.first()
        if subscription is None:
            return 0
        scheduled = not subscription.stream
        if scheduled and (subscription.next_run_at is None or subscription.next_run_at > now):
            return 0
        viewer = subscriber(subscription)
        upto = _settled_upto(subscription.last_event_pk, now)
        batches = _results(subscription, viewer, upto) if viewer is not None and upto else []
        if scheduled and not batches and subscription.report_if_empty and viewer is not None:
            batches = [[]]
        made = [
            SubscriptionDelivery(
                subscription=subscription,
                body=document(subscription, batch, now).decode(),
                event_count=len(batch),
                created_at=now,
                next_attempt_at=now,
            )
            for batch in batches
        ]
        SubscriptionDelivery.objects.bulk_create(made)
        fields: dict[str, Any] = {"last_event_pk": max(upto, subscription.last_event_pk)} if viewer else {}
        if scheduled:
            fields["next_run_at"] = next_run(parse_schedule(subscription.schedule), now)
        Subscription.objects.filter(pk=subscription.pk).update(**fields)
        return len(made)


def deliver(delivery_pk: int, now: datetime) -> bool:
    """Make one attempt of a due delivery (if no other worker holds it); whether it was attempted."""
    lease = SubscriptionDelivery.objects.filter(pk=delivery_pk, state="pending").filter(
        Q(leased_until__isnull=True) | Q(leased_until__lt=now)
    )
    if not lease.update(leased_until=now + LEASE):
        return False
    delivery = SubscriptionDelivery.objects.select_related("subscription").get(pk=delivery_pk)
    subscription = delivery.subscription
    status: int | None = None
    error = ""
    try:
        status = post(subscription.dest, delivery.body.encode(), subscription.secret)
    except DestinationRefused as exc:
        error = exc.message
    except (OSError, http.client.HTTPException) as exc:
        error = f"{type(exc).__name__}: {exc}"
    attempts = delivery.attempts + 1
    fields: dict[str, Any] = {
        "attempts": attempts,
        "status_code": status,
        "error": error[:500],
        "last_attempt_at": now,
        "leased_until": None,
    }
    if status is not None and 200 <= status < 300:
        fields.update(state="delivered", delivered_at=now, next_attempt_at=None)
        Subscription.objects.filter(pk=subscription.pk).update(last_notified_at=now)
    elif attempts >= int(_setting("TRUYXUAT_SUBSCRIPTION_ATTEMPTS", 12)):
        fields.update(state="failed", next_attempt_at=None)
    else:
        fields.update(next_attempt_at=now + backoff(attempts))
    SubscriptionDelivery.objects.filter(pk=delivery_pk).update(**fields)
    return True


def run_due(now: datetime | None = None) -> int:
    """One pass of the worker: new deliveries for every subscription that is due, then every due attempt;
    returns the attempts made."""
    now = now or timezone.now()
    due = Subscription.objects.filter(Q(stream=True) | Q(next_run_at__lte=now)).values_list("pk", flat=True)
    for pk in list(due):
        produce(pk, now)
    pending = SubscriptionDelivery.objects.filter(state="pending", next_attempt_at__lte=now).order_by("pk")
    return sum(deliver(pk, now) for pk in list(pending.values_list("pk", flat=True)))


def next_wake(now: datetime) -> float | None:
    """Seconds until the next retry, scheduled run or unsettled event (None: nothing waits but new captures).
    A delivery leased by a run counts from the end of its lease (its run may have died with its worker)."""
    pending = SubscriptionDelivery.objects.filter(state="pending")
    free = pending.filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
    retry = free.aggregate(t=Min("next_attempt_at"))["t"]
    held = pending.filter(leased_until__gte=now).aggregate(t=Min("leased_until"))["t"]
    run = Subscription.objects.filter(next_run_at__isnull=False).aggregate(t=Min("next_run_at"))["t"]
    times = [t for t in (retry, held, run) if t is not None]
    lag = _lag()
    mark = Subscription.objects.filter(stream=True).aggregate(m=Min("last_event_pk"))["m"] if lag else None
    if mark is not None:  # events not yet reported because they had not settled
        first = Event.objects.filter(pk__gt=mark).aggregate(t=Min("record_time"))["t"]
        if first is not None and first + timedelta(seconds=lag) > now:
            times.append(first + timedelta(seconds=lag))
    return max(0.0, (min(times) - now).total_seconds()) if times else None


@job(attempts=10, backoff=30, max_backoff=600)
def deliver_due() -> int:
    """The delivery job: one pass (`run_due`), then the next run enqueued for when something is next due."""
    attempts = run_due()
    now = timezone.now()
    wait = next_wake(now)
    if wait is not None:
        enqueue_once(deliver_due, run_after=now + timedelta(seconds=wait + 0.05))
    return attempts


def _streaming() -> bool:
    """Whether any streaming subscription exists (plain SQL: the ORM's exists() cost ~15× more per capture)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {Subscription._meta.db_table} WHERE stream LIMIT 1")
        return cursor.fetchone() is not None


def _requested() -> None:
    """Marks a transaction that has enqueued `deliver_due` already (a no-op after its commit)."""


def _none_streaming() -> None:
    """Marks a transaction that found no streaming subscription (captures stored together ask once)."""


def kick_after_commit(*, subscribed: bool = False) -> None:
    """Have the new events delivered: enqueue `deliver_due` in the current transaction, so it runs once it has
    committed (captures: only while a streaming subscription exists; `subscribed`: a subscription was just made)."""
    pending = getattr(connection, "run_on_commit", [])
    if any(entry[1] is _requested for entry in pending):  # once per outermost transaction
        return
    if not subscribed:
        if any(entry[1] is _none_streaming for entry in pending):  # asked already in this transaction
            return
        if not _streaming():
            if connection.in_atomic_block:
                transaction.on_commit(_none_streaming)
            return
    enqueue_once(deliver_due)
    if connection.in_atomic_block:
        transaction.on_commit(_requested)

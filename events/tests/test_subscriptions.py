"""Webhook subscriptions to named queries (issue 19, item 3): created and refused as the REST binding says, never to
a private or loopback address unless allowed, delivered to a real HTTP server on 127.0.0.1 signed with HMAC-SHA256,
retried with exponential backoff and recorded attempt by attempt, computed as the subscriber sees events, on a
stream or a schedule; and, with a live server, delivered by the background worker after a capture's commit."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.utils import timezone

from accounts.permissions import SYSTEM
from accounts.services import revoke_api_token
from core.tests.jobs import jobs_worker  # noqa: F401  (a worker beside the live server)
from events.models import Event, Subscription, SubscriptionDelivery
from events.services import capture_events
from events.subscriptions import SubscriptionInvalid, next_run, parse_schedule
from events.tests.helpers import GTIN_A, body, document, lgtin, object_event, token_for
from events.webhooks import run_due

SECRET = "13df38d8275b13f05704629e5f1cf3d45d6132d5"
GTIN_B = "08938502000013"


class Receiver:
    """A webhook endpoint on 127.0.0.1: answers each POST with the next status of `statuses` (then 200)."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.statuses: list[int] = []
        self.arrived = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                data = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, data))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()
                receiver.arrived.set()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook?from=truyxuat"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def documents(self) -> list[dict[str, Any]]:
        return [json.loads(data) for _headers, data in self.requests]


@pytest.fixture(scope="module")
def server() -> Iterator[Receiver]:
    receiver = Receiver()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


@pytest.fixture
def receiver(server: Receiver, settings: Any) -> Receiver:
    settings.TRUYXUAT_SUBSCRIPTION_ALLOW_PRIVATE = True  # the test's receiver is on the loopback address
    settings.TRUYXUAT_SUBSCRIPTION_RETRY_SECONDS = 30
    settings.TRUYXUAT_SUBSCRIPTION_SETTLE_SECONDS = 0  # the lag PostgreSQL needs is tested on its own below
    server.requests.clear()
    server.statuses.clear()
    server.arrived.clear()
    return server


def _auth(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _query(client: Any, token: str, name: str = "shipped", query: dict[str, Any] | None = None) -> None:
    data = json.dumps({"name": name, "query": query if query is not None else {"EQ_bizStep": ["shipping"]}})
    assert client.post("/epcis/queries", data=data, content_type="application/json", **_auth(token)).status_code == 201


def _subscribe(client: Any, token: str, payload: dict[str, Any], name: str = "shipped", **headers: Any) -> Any:
    return client.post(
        f"/epcis/queries/{name}/subscriptions",
        data=json.dumps(payload),
        content_type="application/json",
        **_auth(token),
        **headers,
    )


def _ship(organization: Any, *lots: str, gtin: str = GTIN_A, step: str = "shipping") -> None:
    capture_events(
        actor=SYSTEM,
        organization=organization,
        events=[object_event([lgtin(gtin, lot)], biz_step=step, action="OBSERVE") for lot in lots],
    )


def _lots(doc: dict[str, Any]) -> list[str]:
    events = doc["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    return [e["quantityList"][0]["epcClass"].rsplit("/", 1)[1] for e in events]


@pytest.mark.django_db
def test_subscribe_read_unsubscribe(client, organization, receiver):
    token = token_for(organization)
    _query(client, token)
    created = _subscribe(client, token, {"dest": receiver.url, "signatureToken": SECRET, "stream": True})
    assert created.status_code == 201
    answer = created.json()
    assert created["Location"] == f"/epcis/queries/shipped/subscriptions/{answer['subscriptionID']}"
    assert (answer["stream"], answer["dest"], answer["signed"], answer["queryName"]) == (
        True,
        receiver.url,
        True,
        "shipped",
    )
    assert SECRET not in created.content.decode()
    listed = client.get("/epcis/queries/shipped/subscriptions", **_auth(token)).json()
    assert [s["subscriptionID"] for s in listed] == [answer["subscriptionID"]]
    detail = client.get(created["Location"], **_auth(token)).json()
    assert (detail["deliveries"], detail["active"]) == ([], True)
    assert client.delete(created["Location"], **_auth(token)).status_code == 204
    assert client.get(created["Location"], **_auth(token)).status_code == 404
    assert Subscription.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ({"stream": True, "schedule": {"minute": "5"}}, "exactly one of stream=true or schedule"),
        ({}, "exactly one of stream=true or schedule"),
        ({"stream": False}, "only true"),
        ({"schedule": {"minute": "61"}}, "out of range"),
        ({"schedule": {"fortnight": "1"}}, "unknown field"),
        ({"schedule": {}}, "must name a field"),
        ({"stream": True, "reportIfEmpty": "yes"}, "true or false"),
        ({"stream": True, "initialRecordTime": "2026-11-01T08:00:00"}, "timestamp with a zone"),
        ({"stream": True, "signatureToken": 5}, "signatureToken"),
    ],
)
def test_refused_subscriptions(client, organization, receiver, payload, reason):
    token = token_for(organization)
    _query(client, token)
    response = _subscribe(client, token, {"dest": receiver.url, **payload})
    assert response.status_code == 400
    assert response.json()["type"] == "epcisException:SubscriptionControlsException"
    assert reason in response.json()["detail"]
    assert Subscription.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "dest",
    [
        "http://127.0.0.1:8112/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.1.1/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "ftp://example.org/hook",
        "https://user:pass@example.org/hook",
        "/relative/hook",
    ],
)
def test_private_destinations_are_refused_by_default(client, organization, dest):
    token = token_for(organization)
    _query(client, token)
    response = _subscribe(client, token, {"dest": dest, "stream": True})
    assert response.status_code == 400
    assert response.json()["detail"].startswith("dest: ")
    assert Subscription.objects.count() == 0


@pytest.mark.django_db
def test_unknown_query_and_other_organisations(client, organization, other_organization, receiver):
    token = token_for(organization)
    _query(client, token)
    assert _subscribe(client, token, {"dest": receiver.url, "stream": True}, name="nope").status_code == 404
    stranger = token_for(other_organization)
    assert _subscribe(client, stranger, {"dest": receiver.url, "stream": True}).status_code == 404
    created = _subscribe(client, token, {"dest": receiver.url, "stream": True})
    assert client.get(created["Location"], **_auth(stranger)).status_code == 404
    assert client.delete(created["Location"], **_auth(stranger)).status_code == 404
    assert Subscription.objects.count() == 1


@pytest.mark.django_db
def test_stream_delivers_new_matching_events_signed(client, organization, receiver):
    token = token_for(organization)
    _ship(organization, "OLD")  # before the subscription: not reported
    _query(client, token)
    created = _subscribe(client, token, {"dest": receiver.url, "signatureToken": SECRET, "stream": True})
    _ship(organization, "S1", "S2")
    _ship(organization, "C1", step="commissioning")
    now = timezone.now()
    assert run_due(now) == 1
    [(headers, data)] = receiver.requests
    assert headers["gs1-signature"] == "sha256=" + hmac.new(SECRET.encode(), data, hashlib.sha256).hexdigest()
    assert headers["content-type"] == "application/ld+json"
    doc = json.loads(data)
    assert doc["type"] == "EPCISQueryDocument"
    results = doc["epcisBody"]["queryResults"]
    assert (results["queryName"], results["subscriptionID"]) == ("shipped", created.json()["subscriptionID"])
    assert _lots(doc) == ["S1", "S2"]
    delivery = SubscriptionDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.status_code, delivery.event_count) == ("delivered", 1, 200, 2)
    assert run_due(now + timedelta(seconds=1)) == 0  # nothing new, nothing sent again
    detail = client.get(created["Location"], **_auth(token)).json()
    assert detail["lastNotifiedAt"] == now.isoformat()
    assert [(d["state"], d["attempts"], d["statusCode"], d["eventCount"]) for d in detail["deliveries"]] == [
        ("delivered", 1, 200, 2)
    ]


@pytest.mark.django_db
def test_deliveries_in_the_epc_format_asked(client, organization, receiver):
    token = token_for(organization)
    _query(client, token)
    item = "https://id.gs1.org/01/09521234543213/21/7"
    refused = _subscribe(client, token, {"dest": receiver.url, "stream": True}, HTTP_GS1_EPC_FORMAT="Sometimes")
    assert refused.status_code == 400
    created = _subscribe(client, token, {"dest": receiver.url, "stream": True}, HTTP_GS1_EPC_FORMAT="Always_EPC_URN")
    assert created.json()["epcFormat"] == "Always_EPC_URN"
    capture_events(
        actor=SYSTEM,
        organization=organization,
        events=[object_event([], [item], biz_step="shipping", action="OBSERVE")],
    )
    run_due(timezone.now())
    [doc] = receiver.documents()
    assert doc["epcisBody"]["queryResults"]["resultsBody"]["eventList"][0]["epcList"] == [
        "urn:epc:id:sgtin:9521234.054321.7"
    ]


@pytest.mark.django_db
def test_failed_deliveries_are_retried_with_backoff(client, organization, receiver):
    token = token_for(organization)
    _query(client, token)
    created = _subscribe(client, token, {"dest": receiver.url, "stream": True})
    _ship(organization, "R1")
    receiver.statuses[:] = [500, 503]
    t0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    assert run_due(t0) == 1
    delivery = SubscriptionDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.status_code) == ("pending", 1, 500)
    assert delivery.next_attempt_at == t0 + timedelta(seconds=30)
    assert run_due(t0 + timedelta(seconds=29)) == 0
    assert run_due(t0 + timedelta(seconds=30)) == 1
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.status_code, delivery.next_attempt_at) == (
        2,
        503,
        t0 + timedelta(seconds=90),  # 30 s, then 60 s
    )
    assert run_due(t0 + timedelta(seconds=90)) == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.status_code) == ("delivered", 3, 200)
    assert len({data for _h, data in receiver.requests}) == 1  # the same document each time
    pages = client.get(f"{created['Location']}/deliveries", **_auth(token)).json()
    assert [(d["attempts"], d["statusCode"], d["state"]) for d in pages] == [(3, 200, "delivered")]


@pytest.mark.django_db
def test_a_delivery_gives_up_after_its_attempts(client, organization, receiver, settings):
    settings.TRUYXUAT_SUBSCRIPTION_ATTEMPTS = 2
    token = token_for(organization)
    _query(client, token)
    _subscribe(client, token, {"dest": receiver.url, "stream": True})
    _ship(organization, "G1")
    receiver.statuses[:] = [500, 500]
    t0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    run_due(t0)
    run_due(t0 + timedelta(seconds=30))
    delivery = SubscriptionDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.next_attempt_at) == ("failed", 2, None)
    assert run_due(t0 + timedelta(hours=2)) == 0


@pytest.mark.django_db
def test_the_address_is_checked_again_at_delivery(client, organization, receiver, settings):
    token = token_for(organization)
    _query(client, token)
    _subscribe(client, token, {"dest": receiver.url, "stream": True})
    _ship(organization, "P1")
    settings.TRUYXUAT_SUBSCRIPTION_ALLOW_PRIVATE = False
    assert run_due(timezone.now()) == 1
    delivery = SubscriptionDelivery.objects.get()
    assert (delivery.state, delivery.status_code) == ("pending", None)
    assert "private or loopback" in delivery.error
    assert receiver.requests == []


@pytest.mark.django_db
def test_results_are_what_the_subscriber_sees(client, organization, other_organization, receiver):
    token = token_for(other_organization)
    _query(client, token, "everything", {"eventType": ["ObjectEvent"]})
    _subscribe(client, token, {"dest": receiver.url, "stream": True}, name="everything")
    _ship(organization, "HIDDEN")  # another organisation's unpublished lot
    _ship(other_organization, "MINE", gtin=GTIN_B)
    run_due(timezone.now())
    assert [_lots(d) for d in receiver.documents()] == [["MINE"]]


@pytest.mark.django_db
def test_a_revoked_token_ends_the_deliveries(client, organization, receiver):
    token = token_for(organization)
    _query(client, token)
    created = _subscribe(client, token, {"dest": receiver.url, "stream": True})
    subscription = Subscription.objects.get()
    revoke_api_token(actor=SYSTEM, token=subscription.token)
    _ship(organization, "X1")
    assert run_due(timezone.now()) == 0
    assert SubscriptionDelivery.objects.count() == 0
    owner_view = client.get(created["Location"], **_auth(token_for(organization))).json()
    assert owner_view["active"] is False


@pytest.mark.django_db
def test_a_schedule_reports_at_its_times(client, organization, receiver):
    token = token_for(organization)
    _query(client, token)
    quiet = _subscribe(client, token, {"dest": receiver.url, "schedule": {"minute": "0,30"}})
    loud = _subscribe(client, token, {"dest": receiver.url, "schedule": {"minute": "0,30"}, "reportIfEmpty": True})
    assert (quiet.status_code, loud.status_code) == (201, 201)
    due = Subscription.objects.get(subscription_id=loud.json()["subscriptionID"]).next_run_at
    assert due is not None
    assert (timezone.localtime(due).minute, timezone.localtime(due).second) in ((0, 0), (30, 0))
    assert run_due(due - timedelta(seconds=1)) == 0
    assert run_due(due) == 1  # only the subscription that reports empty results
    assert [_lots(d) for d in receiver.documents()] == [[]]
    later = Subscription.objects.get(subscription_id=loud.json()["subscriptionID"]).next_run_at
    assert later == due + timedelta(minutes=30)
    _ship(organization, "H1")
    assert run_due(later) == 2
    assert [_lots(d) for d in receiver.documents()[1:]] == [["H1"], ["H1"]]


@pytest.mark.django_db
def test_initial_record_time_reports_earlier_events(client, organization, receiver):
    token = token_for(organization)
    _ship(organization, "E1")
    _query(client, token)
    _subscribe(client, token, {"dest": receiver.url, "stream": True, "initialRecordTime": "2020-01-01T00:00:00Z"})
    run_due(timezone.now())
    assert [_lots(d) for d in receiver.documents()] == [["E1"]]


@pytest.mark.django_db
def test_events_are_reported_once_settled(client, organization, receiver, settings):
    """With a settle time (PostgreSQL's default), an event is reported once its recordTime is that old, and
    later events wait behind the first unsettled one."""
    settings.TRUYXUAT_SUBSCRIPTION_SETTLE_SECONDS = 30
    token = token_for(organization)
    _query(client, token)
    _subscribe(client, token, {"dest": receiver.url, "stream": True})
    _ship(organization, "N1")
    recorded = Event.objects.get().record_time
    assert run_due(recorded + timedelta(seconds=29)) == 0
    assert SubscriptionDelivery.objects.count() == 0
    assert run_due(recorded + timedelta(seconds=30)) == 1
    assert [_lots(d) for d in receiver.documents()] == [["N1"]]


def test_schedules() -> None:
    parsed = parse_schedule({"hour": "[1-2]", "minute": "5,35", "dayOfWeek": "1"})
    assert (parsed["second"], parsed["minute"], parsed["hour"], parsed["dayOfWeek"]) == ([0], [5, 35], [1, 2], [1])
    assert parse_schedule({"second": "0/30"})["second"] == [0, 30]
    assert parse_schedule({"minute": "*/20"})["minute"] == [0, 20, 40]
    monday = timezone.make_aware(datetime(2026, 11, 30, 1, 5, 0))  # a Monday, 01:05 local time
    assert next_run(parsed, monday) == monday.replace(minute=35)
    assert next_run(parsed, monday.replace(hour=2, minute=35)) == monday.replace(hour=1, minute=5) + timedelta(days=7)
    with pytest.raises(SubscriptionInvalid):  # 31 February never comes
        next_run(parse_schedule({"dayOfMonth": "31", "month": "2"}), monday)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("jobs_worker")
def test_the_worker_delivers_after_a_capture_commits(client, live_server, organization, receiver):
    """Through a live server: the capture commits a delivery job, which the worker runs: it POSTs the new event."""
    import urllib.request

    token = token_for(organization)
    _query(client, token)
    assert _subscribe(client, token, {"dest": receiver.url, "stream": True}).status_code == 201
    request = urllib.request.Request(
        f"{live_server.url}/epcis/capture",
        data=body(document([object_event([lgtin(GTIN_A, "LIVE")], biz_step="shipping", action="OBSERVE")])),
        headers={"Content-Type": "application/ld+json", "Authorization": f"Bearer {token}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        assert answer.status == 202
    assert receiver.arrived.wait(timeout=30), "no delivery arrived"
    assert [_lots(d) for d in receiver.documents()] == [["LIVE"]]
    deadline = time.monotonic() + 30
    while not SubscriptionDelivery.objects.filter(state="delivered").exists() and time.monotonic() < deadline:
        receiver.arrived.wait(timeout=0.1)
    assert SubscriptionDelivery.objects.get().state == "delivered"


@pytest.mark.django_db
def test_the_worker_command_makes_one_pass(client, organization, receiver):
    import io

    from django.core.management import call_command

    token = token_for(organization)
    _query(client, token)
    _subscribe(client, token, {"dest": receiver.url, "stream": True})
    _ship(organization, "W1")
    out = io.StringIO()
    call_command("subscriptions", "--once", stdout=out)
    assert out.getvalue().strip() == "1 delivery attempt(s)"
    assert [_lots(d) for d in receiver.documents()] == [["W1"]]

"""Named queries of the EPCIS 2.0 REST binding (issue 19, item 3): /epcis/queries create, list, definition, run,
delete; scoped per organisation; results seen as the caller sees events."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest

from accounts.models import Membership
from accounts.permissions import SYSTEM
from accounts.tests.factories import UserFactory
from core.models import AuditEntry
from events.models import NamedQuery, Subscription
from events.services import capture_events
from events.tests.helpers import GTIN_A, lgtin, object_event, token_for

pytestmark = pytest.mark.django_db

FARM = "https://id.gs1.org/414/8938501000007"
GTIN_B = "08938502000013"


def _auth(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}


def _create(client: Any, token: str, name: Any, query: Any, **extra: Any) -> Any:
    data = json.dumps({"name": name, "query": query})
    return client.post("/epcis/queries", data=data, content_type="application/json", **_auth(token), **extra)


@pytest.fixture
def world(organization: Any, other_organization: Any) -> dict[str, Any]:
    """Organisation A's three events (two shipping, one commissioning), B's one shipping event."""
    capture_events(
        actor=SYSTEM,
        organization=organization,
        events=[
            object_event([lgtin(GTIN_A, "Q1")], time="2026-11-01T08:00:00+07:00", location=FARM),
            object_event(
                [lgtin(GTIN_A, "Q1")], biz_step="shipping", action="OBSERVE", time="2026-11-02T08:00:00+07:00"
            ),
            object_event(
                [lgtin(GTIN_A, "Q2")], biz_step="shipping", action="OBSERVE", time="2026-11-03T08:00:00+07:00"
            ),
        ],
    )
    capture_events(
        actor=SYSTEM,
        organization=other_organization,
        events=[object_event([lgtin(GTIN_B, "B1")], biz_step="shipping", action="OBSERVE")],
    )
    return {"a": token_for(organization), "b": token_for(other_organization)}


def _lots(document: dict[str, Any]) -> list[str]:
    events = document["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    return [e["quantityList"][0]["epcClass"].rsplit("/", 1)[1] for e in events]


def test_create_list_read_run_delete(client, world, organization):
    token = world["a"]
    created = _create(client, token, "shipped", {"EQ_bizStep": ["shipping"], "eventType": ["ObjectEvent"]})
    assert created.status_code == 201
    assert created["Location"] == "/epcis/queries/shipped"
    assert created["GS1-EPCIS-Version"] == "2.0.0"
    listed = client.get("/epcis/queries", **_auth(token))
    assert listed.json() == [{"name": "shipped", "query": {"EQ_bizStep": ["shipping"], "eventType": ["ObjectEvent"]}}]
    assert client.get("/epcis/queries/shipped", **_auth(token)).json()["query"]["EQ_bizStep"] == ["shipping"]
    run = client.get("/epcis/queries/shipped/events", **_auth(token))
    assert run.status_code == 200
    assert run["Content-Type"] == "application/ld+json"
    assert run.json()["type"] == "EPCISQueryDocument"
    assert _lots(run.json()) == ["Q1", "Q2"]  # its own shipping events; B's is not published
    entry = AuditEntry.objects.get(object_type="events.namedquery", action="create")
    assert entry.organization_id == organization.pk
    deleted = client.delete("/epcis/queries/shipped", **_auth(token))
    assert deleted.status_code == 204
    assert client.get("/epcis/queries/shipped", **_auth(token)).status_code == 404
    assert NamedQuery.objects.count() == 0
    assert AuditEntry.objects.filter(object_type="events.namedquery", action="delete").count() == 1


def test_run_pages_with_links_to_the_named_query(client, world):
    token = world["a"]
    assert _create(client, token, "all-mine", {"eventType": ["ObjectEvent"]}).status_code == 201
    first = client.get("/epcis/queries/all-mine/events?perPage=2", **_auth(token))
    assert _lots(first.json()) == ["Q1", "Q1"]
    link = first["Link"]
    assert link.startswith("</epcis/queries/all-mine/events?perPage=2&nextPageToken=")
    assert "eventType" not in link  # the query's own parameters stay on the server
    second = client.get(link[1 : link.index(">")], **_auth(token))
    assert _lots(second.json()) == ["Q2"]
    assert "Link" not in second


def test_queries_belong_to_their_organisation(client, world):
    assert _create(client, world["a"], "shipped", {"EQ_bizStep": ["shipping"]}).status_code == 201
    assert client.get("/epcis/queries/shipped", **_auth(world["b"])).status_code == 404
    assert client.get("/epcis/queries/shipped/events", **_auth(world["b"])).status_code == 404
    assert client.delete("/epcis/queries/shipped", **_auth(world["b"])).status_code == 404
    assert client.get("/epcis/queries", **_auth(world["b"])).json() == []
    # the same name in another organisation is another query, run as that organisation sees events
    assert _create(client, world["b"], "shipped", {"EQ_bizStep": ["shipping"]}).status_code == 201
    assert _lots(client.get("/epcis/queries/shipped/events", **_auth(world["b"])).json()) == ["B1"]
    assert _lots(client.get("/epcis/queries/shipped/events", **_auth(world["a"])).json()) == ["Q1", "Q2"]


@pytest.mark.parametrize(
    ("name", "query", "status", "type_", "parameter"),
    [
        ("shipped", {"EQ_bizStep": ["shipping"]}, 409, "epcisException:ResourceAlreadyExistsException", None),
        ("SimpleEventQuery", {}, 409, "epcisException:ResourceAlreadyExistsException", None),
        ("a/b", {}, 400, "epcisException:ValidationException", None),
        ("", {}, 400, "epcisException:ValidationException", None),
        (7, {}, 400, "epcisException:ValidationException", None),
        ("x", {"EQ_colour": ["red"]}, 400, "epcisException:QueryParameterException", "EQ_colour"),
        ("x", {"GE_eventTime": "yesterday"}, 400, "epcisException:QueryParameterException", "GE_eventTime"),
        ("x", {"perPage": 5}, 400, "epcisException:QueryParameterException", "perPage"),
        ("x", {"EQ_bizStep": []}, 400, "epcisException:QueryParameterException", "EQ_bizStep"),
        ("x", ["EQ_bizStep"], 400, "epcisException:QueryParameterException", "query"),
    ],
)
def test_refused_queries(client, world, name, query, status, type_, parameter):
    assert _create(client, world["a"], "shipped", {"EQ_bizStep": ["shipping"]}).status_code == 201
    response = _create(client, world["a"], name, query)
    assert response.status_code == status
    assert response.json()["type"] == type_
    if parameter:
        assert response.json()["parameter"] == parameter
    assert NamedQuery.objects.count() == 1


def test_bad_bodies(client, world):
    token = world["a"]
    not_json = client.post("/epcis/queries", data="name=x", content_type="text/plain", **_auth(token))
    assert not_json.status_code == 415
    missing = client.post("/epcis/queries", data='{"name": "x"}', content_type="application/json", **_auth(token))
    assert (missing.status_code, missing.json()["type"]) == (400, "epcisException:ValidationException")
    broken = client.post("/epcis/queries", data="{", content_type="application/json", **_auth(token))
    assert broken.status_code == 400


def test_a_named_query_run_takes_only_paging(client, world):
    token = world["a"]
    _create(client, token, "shipped", {"EQ_bizStep": ["shipping"]})
    extra = client.get("/epcis/queries/shipped/events?EQ_bizStep=receiving", **_auth(token))
    assert (extra.status_code, extra.json()["parameter"]) == (400, "EQ_bizStep")


@pytest.mark.parametrize(
    ("query_string", "headers"),
    [("", {"HTTP_UPGRADE": "websocket", "HTTP_CONNECTION": "Upgrade"}), ("?stream=true", {}), ("?minute=5", {})],
)
def test_websocket_subscriptions_are_not_offered(client, world, query_string, headers):
    token = world["a"]
    _create(client, token, "shipped", {"EQ_bizStep": ["shipping"]})
    response = client.get(f"/epcis/queries/shipped/events{query_string}", **_auth(token), **headers)
    assert response.status_code == 400
    assert response.json()["type"] == "epcisException:SubscriptionControlsException"
    assert "POST /epcis/queries/shipped/subscriptions" in response.json()["detail"]


def test_delete_ends_its_subscriptions(client, world, settings):
    settings.TRUYXUAT_SUBSCRIPTION_ALLOW_PRIVATE = True
    token = world["a"]
    _create(client, token, "shipped", {"EQ_bizStep": ["shipping"]})
    subscribed = client.post(
        "/epcis/queries/shipped/subscriptions",
        data=json.dumps({"dest": "http://127.0.0.1:9/hook", "stream": True}),
        content_type="application/json",
        **_auth(token),
    )
    assert subscribed.status_code == 201
    assert client.delete("/epcis/queries/shipped", **_auth(token)).status_code == 204
    assert Subscription.objects.count() == 0


def test_tokens_need_the_read_scope(client, world, organization):
    from accounts.services import create_api_token

    _token, capture_only = create_api_token(actor=SYSTEM, organization=organization, name="c", scopes=["capture"])
    response = _create(client, capture_only, "x", {})
    assert response.status_code == 403
    assert client.get("/epcis/queries").status_code == 401


def test_people_own_queries_by_organisation_or_themselves(client, world, organization, agency):
    member = UserFactory(username="member")
    Membership.objects.create(user=member, organization=organization, role="staff")
    client.force_login(member)
    assert _create(client, "", "mine", {"EQ_bizStep": ["shipping"]}).status_code == 201
    assert NamedQuery.objects.get(name="mine").organization_id == organization.pk
    # the organisation's token sees the query its member made
    assert client.get("/epcis/queries/mine", **_auth(world["a"])).status_code == 200
    run = client.get(f"/epcis/queries/mine/events?organization={quote(organization.tax_code)}")
    assert (run.status_code, _lots(run.json())) == (200, ["Q1", "Q2"])
    officer = UserFactory(username="officer", agency=agency)
    client.force_login(officer)
    assert _create(client, "", "mine", {}).status_code == 201
    query = NamedQuery.objects.get(name="mine", organization__isnull=True)
    assert query.owner_id == officer.pk
    assert client.get(f"/epcis/queries/mine?organization={quote(organization.tax_code)}").status_code == 403

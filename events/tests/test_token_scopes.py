"""API token scopes on the EPCIS binding and the trace API (issue 18): each entry point checks the scope it
needs and answers 403 with a problem detail naming the missing one; expired tokens and tokens of organisations
that are not approved do not capture."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pytest
from django.utils import timezone

from accounts.models import ApiToken
from accounts.permissions import SYSTEM
from accounts.services import create_api_token
from catalog.tests.factories import ProductFactory
from events.epcis import CONTEXT_URL
from events.models import Capture, Event
from events.tests.helpers import body, document, lgtin, object_event

pytestmark = pytest.mark.django_db

ALL = ["capture", "read", "workspace"]
WITHOUT = {"capture": ["read", "workspace"], "read": ["capture", "workspace"]}


@pytest.fixture
def own_lot(organization):
    """A lot of the organisation's own product, so that capturing about it is the organisation's to do."""
    return lgtin(ProductFactory(organization=organization).gtin, "L1")


def _token(organization, scopes):
    return create_api_token(actor=SYSTEM, organization=organization, name="t", scopes=scopes)[1]


def _auth(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _capture_document(client, token, lot):
    return client.post(
        "/epcis/capture", data=body(document([object_event([lot])])), content_type="application/ld+json", **_auth(token)
    )


def _capture_event(client, token, lot):
    event = {"@context": [CONTEXT_URL], **object_event([lot])}
    return client.post("/epcis/events", data=body(event), content_type="application/ld+json", **_auth(token))


def _assert_missing(response, scope):
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["missing_scope"] == scope
    assert problem["type"] == "urn:truyxuat:problem:token-scope"
    assert problem["title"] == "Khoá API thiếu quyền / API token scope missing"
    assert problem["detail"] == (f"Khoá API này không có quyền “{scope}”. / This API token lacks the “{scope}” scope.")


# --- capture --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("capture", [_capture_document, _capture_event])
def test_capture_needs_the_capture_scope(client, organization, own_lot, capture):
    response = capture(client, _token(organization, WITHOUT["capture"]), own_lot)
    _assert_missing(response, "capture")
    assert (Event.objects.count(), Capture.objects.count()) == (0, 0)


def test_capture_document_with_the_capture_scope(client, organization, own_lot):
    response = _capture_document(client, _token(organization, ["capture"]), own_lot)
    assert response.status_code == 202
    assert Event.objects.count() == 1


def test_capture_event_with_the_capture_scope(client, organization, own_lot):
    response = _capture_event(client, _token(organization, ["capture"]), own_lot)
    assert response.status_code == 201
    assert Event.objects.count() == 1


@pytest.mark.parametrize("status", ["pending", "suspended"])
@pytest.mark.parametrize("capture", [_capture_document, _capture_event])
def test_tokens_of_an_organisation_not_approved_do_not_capture(client, organization, own_lot, status, capture):
    token = _token(organization, ALL)
    organization.status = status
    organization.save(update_fields=["status"])
    response = capture(client, token, own_lot)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert (problem["type"], problem["organization_status"]) == (
        "urn:truyxuat:problem:organization-not-approved",
        status,
    )
    assert problem["detail"] == (
        "Tổ chức chưa được duyệt hoặc đang bị đình chỉ nên chưa ghi được sự kiện qua giao diện EPCIS. / "
        "The organisation is pending or suspended: it cannot capture events through the EPCIS interface."
    )
    assert (Event.objects.count(), Capture.objects.count()) == (0, 0)


@pytest.mark.parametrize("capture", [_capture_document, _capture_event])
def test_an_expired_token_is_unauthorized(client, organization, own_lot, capture):
    token = _token(organization, ALL)
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = capture(client, token, own_lot)
    assert response.status_code == 401
    assert Event.objects.count() == 0


def test_a_revoked_token_is_unauthorized(client, organization, own_lot):
    token = _token(organization, ALL)
    ApiToken.objects.update(revoked_at=timezone.now())
    assert _capture_document(client, token, own_lot).status_code == 401


# --- reads ----------------------------------------------------------------------------------------------------------


@pytest.fixture
def captured(client, organization, own_lot):
    """One captured event of the organisation, and its capture job's location."""
    response = _capture_document(client, _token(organization, ["capture"]), own_lot)
    assert response.status_code == 202
    return Event.objects.get(), response["Location"]


def test_events_query_needs_read(client, organization, captured):
    _assert_missing(client.get("/epcis/events", **_auth(_token(organization, WITHOUT["read"]))), "read")
    response = client.get("/epcis/events", **_auth(_token(organization, ["read"])))
    assert response.status_code == 200
    events = response.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    assert [e["eventID"] for e in events] == [captured[0].event_id]


def test_event_detail_needs_read(client, organization, captured):
    path = f"/epcis/events/{quote(captured[0].event_id, safe='')}"
    _assert_missing(client.get(path, **_auth(_token(organization, WITHOUT["read"]))), "read")
    response = client.get(path, **_auth(_token(organization, ["read"])))
    assert response.status_code == 200
    assert response.json()["eventID"] == captured[0].event_id


@pytest.mark.parametrize(("scopes", "status"), [(["capture"], 200), (["read"], 200), (["workspace"], 403)])
def test_capture_jobs_need_capture_or_read(client, organization, captured, scopes, status):
    token = _token(organization, scopes)
    for path in ("/epcis/capture", captured[1]):
        response = client.get(path, **_auth(token))
        if status == 403:
            _assert_missing(response, "capture")
        else:
            assert response.status_code == 200


def test_trace_needs_read(client, organization, own_lot, captured):
    path = f"/api/v1/trace?id={quote(own_lot, safe='')}"
    response = client.get(path, **_auth(_token(organization, WITHOUT["read"])))
    _assert_missing(response, "read")
    response = client.get(path, **_auth(_token(organization, ["read"])))
    assert response.status_code == 200
    assert [e["eventID"] for e in response.json()["events"]] == [captured[0].event_id]


def test_an_expired_token_cannot_read(client, organization, captured):
    token = _token(organization, ["read"])
    ApiToken.objects.filter(scopes="read").update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get("/epcis/events", **_auth(token)).status_code == 401

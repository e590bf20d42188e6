"""The workspace API: session with CSRF or a member's token, idempotent diary entries, problem JSON errors."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from accounts.permissions import SYSTEM
from accounts.services import create_api_token
from diary.models import DiaryEntry
from diary.tests.factories import farm, spraying

API = "/api/v1/workspace"


@pytest.fixture
def setup(organization, producer):
    area, product = farm(organization)
    token = create_api_token(actor=producer, organization=organization, name="scale")[1]
    return area, product, token


def _bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_session_writes_need_the_csrf_token(producer, setup):
    area, _product, _token = setup
    client = Client(enforce_csrf_checks=True)
    client.force_login(producer)
    response = client.post(f"{API}/diary/entries", {"growing_area": area.pk, "activity": "weeding"})
    assert response.status_code == 403
    client.get("/workspace/diary/")
    csrf = client.cookies["csrftoken"].value
    response = client.post(
        f"{API}/diary/entries", {"growing_area": area.pk, "activity": "weeding"}, HTTP_X_CSRFTOKEN=csrf
    )
    assert response.status_code == 201


def test_offline_retry_with_same_client_id_is_stored_once(client, setup):
    area, _product, token = setup
    cid = str(uuid.uuid4())
    body = {"client_id": cid, "growing_area": area.pk, "activity": "irrigating", "source": "offline"}
    first = client.post(f"{API}/diary/entries", body, **_bearer(token))
    second = client.post(f"{API}/diary/entries", body, **_bearer(token))
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["event_id"] == f"urn:uuid:{cid}" and second.json()["created"] is False
    assert DiaryEntry.objects.get().source == "offline"


def test_invalid_entry_is_a_problem_document(client, setup):
    area, _product, token = setup
    response = client.post(
        f"{API}/diary/entries", {"growing_area": area.pk, "activity": "spraying", "product_name": "X"}, **_bearer(token)
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "phi_days"


def test_token_without_a_member_is_refused(client, organization, setup):
    _token, plain = create_api_token(actor=SYSTEM, organization=organization, name="cli")
    response = client.get(f"{API}/lots", **_bearer(plain))
    assert response.status_code == 403
    assert "workspace" in response.json()["detail"]
    assert client.get(f"{API}/lots").status_code == 401


def test_harvest_check_and_blocked_submit(client, organization, setup):
    area, product, token = setup
    spraying(organization, area, ago=2, phi=7)
    response = client.post(
        f"{API}/harvests",
        {"product": product.pk, "areas": [{"growing_area": area.pk, "quantity": "40"}]},
        content_type="application/json",
        **_bearer(token),
    )
    assert response.status_code == 201
    lot = response.json()
    assert lot["status"] == "draft" and lot["quantity"] == "40.000"
    verdicts = client.post(f"{API}/lots/{lot['id']}/check", **_bearer(token)).json()
    assert [v["outcome"] for v in verdicts] == ["block", "pass", "pass", "pass", "pass"]
    assert verdicts[0]["allowed_from"] is not None
    response = client.post(f"{API}/lots/{lot['id']}/submit", **_bearer(token))
    assert response.status_code == 422
    assert "Lô này chỉ được công bố từ ngày" in response.json()["detail"]


def test_shipment_confirm_by_receiver_via_api(
    client, organization, producer, other_organization, other_producer, setup
):
    area, product, token = setup
    lot = client.post(
        f"{API}/harvests",
        {"product": product.pk, "areas": [{"growing_area": area.pk, "quantity": "40"}]},
        content_type="application/json",
        **_bearer(token),
    ).json()
    shipment = client.post(
        f"{API}/shipments",
        {"receiver": other_organization.tax_code, "lines": [{"lot": lot["id"], "quantity": "40"}]},
        content_type="application/json",
        **_bearer(token),
    ).json()
    assert shipment["status"] == "pending"
    other_token = create_api_token(actor=other_producer, organization=other_organization, name="x")[1]
    assert client.get(f"{API}/attention", **_bearer(other_token)).json()["pending_receipts"] == 1
    response = client.post(
        f"{API}/shipments/{shipment['id']}/confirm", {}, content_type="application/json", **_bearer(token)
    )
    assert response.status_code == 403
    response = client.post(
        f"{API}/shipments/{shipment['id']}/confirm", {}, content_type="application/json", **_bearer(other_token)
    )
    assert response.status_code == 200 and response.json()["status"] == "received"
    lots = client.get(f"{API}/lots", **_bearer(other_token)).json()
    assert [x["lot"] for x in lots["items"]] == [lot["lot"]]


def test_openapi_documents_the_workspace(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in ("/diary/entries", "/harvests", "/transformations", "/packing", "/shipments", "/lots/{lot_id}/submit"):
        assert f"{API}{path}" in paths

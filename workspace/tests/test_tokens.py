"""API tokens in the workspace (issue 18): only a signed-in owner of an approved organisation creates them,
never a token; scopes bound what a token does in the workspace API; the profile page lists them with
their scopes, creator, expiry and last use."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken, Membership
from accounts.services import authenticate_token, create_api_token
from core.models import AuditEntry
from diary.tests.factories import farm

API = "/api/v1/workspace"
SCOPE_DETAIL = "Khoá API này không có quyền “{0}”. / This API token lacks the “{0}” scope."
MINT_DETAIL = (
    "Khoá API không thể tạo khoá API hay thêm thành viên; hãy đăng nhập để làm việc này. / "
    "An API token cannot create API tokens or add members; sign in to do this."
)

pytestmark = pytest.mark.django_db


def _js(value):
    """A datetime as the API's JSON writes it (milliseconds, Z)."""
    return DjangoJSONEncoder().default(value)


def _bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _session(user):
    client = Client()
    client.force_login(user)
    return client


def _token(producer, organization, scopes=("capture", "read", "workspace")):
    return create_api_token(actor=producer, organization=organization, name="scale", scopes=scopes)[1]


# --- creating tokens through the API ----------------------------------------------------------------------------


def test_owner_session_creates_a_token_with_scopes_and_expiry(producer, organization):
    response = _session(producer).post(
        f"{API}/tokens", {"name": "ERP", "scopes": ["read"], "expires_days": 30}, content_type="application/json"
    )
    assert response.status_code == 201
    data = response.json()
    token = ApiToken.objects.get()
    assert (data["prefix"], data["scopes"]) == (token.prefix, ["read"])
    assert authenticate_token(data["token"]).pk == token.pk
    assert data["expires_at"] == _js(token.expires_at)
    assert dt.timedelta(days=29) < token.expires_at - timezone.now() <= dt.timedelta(days=30)
    assert token.created_by == producer


@pytest.mark.parametrize("status", ["pending", "suspended"])
def test_owner_of_an_organisation_not_approved_cannot_create_tokens(producer, organization, status):
    organization.status = status
    organization.save(update_fields=["status"])
    response = _session(producer).post(f"{API}/tokens", {"name": "ERP"}, content_type="application/json")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert ApiToken.objects.count() == 0


def test_staff_session_cannot_create_tokens(producer_staff, organization):
    response = _session(producer_staff).post(f"{API}/tokens", {"name": "ERP"}, content_type="application/json")
    assert response.status_code == 403
    assert ApiToken.objects.count() == 0


def test_anonymous_cannot_create_tokens(client, organization):
    assert client.post(f"{API}/tokens", {"name": "ERP"}, content_type="application/json").status_code == 401
    assert ApiToken.objects.count() == 0


def test_a_token_cannot_create_a_token(client, producer, organization):
    parent = _token(producer, organization)
    audits = AuditEntry.objects.count()
    response = client.post(f"{API}/tokens", {"name": "child"}, content_type="application/json", **_bearer(parent))
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == MINT_DETAIL
    assert (ApiToken.objects.count(), AuditEntry.objects.count()) == (1, audits)


def test_a_token_cannot_revoke_tokens_nor_add_members(client, producer, organization):
    token = _token(producer, organization)
    prefix = ApiToken.objects.get().prefix
    response = client.post(f"{API}/tokens/{prefix}/revoke", **_bearer(token))
    assert (response.status_code, response.json()["detail"]) == (403, MINT_DETAIL)
    assert ApiToken.objects.get().revoked_at is None
    response = client.post(
        f"{API}/members",
        {"username": "minted", "password": "correct-horse-battery-9", "role": "owner"},
        content_type="application/json",
        **_bearer(token),
    )
    assert (response.status_code, response.json()["detail"]) == (403, MINT_DETAIL)
    assert not Membership.objects.filter(user__username="minted").exists()


def test_owner_session_revokes_and_the_token_stops_working(client, producer, organization):
    token = _token(producer, organization)
    assert client.get(f"{API}/lots", **_bearer(token)).status_code == 200
    prefix = ApiToken.objects.get().prefix
    assert _session(producer).post(f"{API}/tokens/{prefix}/revoke").status_code == 204
    assert client.get(f"{API}/lots", **_bearer(token)).status_code == 401


def test_the_cap_is_a_clear_problem(settings, producer, organization):
    settings.TRUYXUAT_MAX_TOKENS_PER_ORGANIZATION = 1
    session = _session(producer)
    assert session.post(f"{API}/tokens", {"name": "a"}, content_type="application/json").status_code == 201
    response = session.post(f"{API}/tokens", {"name": "b"}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "__all__",
            "message": "Tổ chức đã có 1 khoá API đang dùng, là số tối đa; hãy thu hồi khoá không dùng nữa.",
        }
    ]
    assert ApiToken.objects.count() == 1


def test_listing_tokens_shows_last_use_and_never_the_secret(client, producer, organization):
    token = _token(producer, organization, scopes=("read",))
    assert client.get(f"{API}/attention", **_bearer(token)).status_code == 200
    stored = ApiToken.objects.get()
    items = client.get(f"{API}/tokens", **_bearer(token)).json()
    assert items == [
        {
            "name": "scale",
            "prefix": stored.prefix,
            "scopes": ["read"],
            "created_by": "producer",
            "created_at": _js(stored.created_at),
            "expires_at": _js(stored.expires_at),
            "last_used_at": _js(stored.last_used_at),
            "revoked_at": None,
            "active": True,
        }
    ]
    assert stored.token_hash not in str(items)


# --- scopes in the workspace API ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scopes", "read", "write"),
    [
        (("read",), 200, "workspace"),
        (("workspace",), "read", 201),
        (("capture",), "read", "workspace"),
        (("read", "workspace"), 200, 201),
    ],
)
def test_workspace_api_reads_need_read_and_writes_need_workspace(client, producer, organization, scopes, read, write):
    area, _product = farm(organization)
    token = _token(producer, organization, scopes=scopes)
    for path in ("/lots", "/diary/entries", "/attention"):
        response = client.get(f"{API}{path}", **_bearer(token))
        if read == 200:
            assert response.status_code == 200, path
        else:
            assert response.status_code == 403, path
            assert response.json()["missing_scope"] == "read"
            assert response.json()["detail"] == SCOPE_DETAIL.format("read")
    response = client.post(f"{API}/diary/entries", {"growing_area": area.pk, "activity": "weeding"}, **_bearer(token))
    if write == 201:
        assert response.status_code == 201
    else:
        assert response.status_code == 403
        assert response.json()["missing_scope"] == "workspace"
        assert response.json()["detail"] == SCOPE_DETAIL.format("workspace")


def test_an_expired_token_is_refused_by_the_workspace_api(client, producer, organization):
    token = _token(producer, organization)
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(f"{API}/lots", **_bearer(token)).status_code == 401


# --- the profile page ---------------------------------------------------------------------------------------------


def test_profile_lists_scopes_creator_expiry_last_use_and_state(client, producer, organization):
    used = create_api_token(actor=producer, organization=organization, name="cân kho", scopes=["capture"])
    authenticate_token(used[1])
    expired = create_api_token(actor=producer, organization=organization, name="cũ", expires_days=1)[0]
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    revoked = create_api_token(actor=producer, organization=organization, name="bỏ")[0]
    ApiToken.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    token = ApiToken.objects.get(pk=used[0].pk)
    local = timezone.localtime(token.last_used_at)
    html = _session(producer).get(reverse("workspace:profile")).content.decode()
    items = html.split('<ul class="list" id="tokens">')[1].split("</ul>")[0].split("<li>")[1:]
    assert len(items) == 3
    newest_first = [revoked, expired, token]
    for item, t in zip(items, newest_first, strict=True):
        assert f"<code>{t.prefix}…</code>" in item
    assert "đã thu hồi" in items[0] and "Thu hồi</button>" not in items[0]
    assert "đã hết hạn" in items[1] and "Thu hồi</button>" not in items[1]
    assert "đang dùng" in items[2] and "Thu hồi</button>" in items[2]
    assert "<code>capture</code>" in items[2] and "<code>read</code>" not in items[2]
    assert "Tạo bởi producer" in items[2]
    assert f"hết hạn {timezone.localtime(token.expires_at):%d/%m/%Y}" in items[2]
    assert f"Dùng lần cuối: {local:%d/%m/%Y %H:%M}" in items[2]
    assert "Dùng lần cuối: chưa dùng" in items[1]


def test_profile_form_creates_a_token_with_the_chosen_scopes(producer, organization):
    session = _session(producer)
    response = session.post(
        reverse("workspace:profile"),
        {"form": "token", "name": "ERP", "scopes": ["capture", "read"], "expires_days": "90"},
    )
    assert response.status_code == 200
    token = ApiToken.objects.get()
    assert token.scopes == "capture read"
    assert dt.timedelta(days=89) < token.expires_at - timezone.now() <= dt.timedelta(days=90)
    plain = response.content.decode().split('id="new-token"')[1].split(">")[1].split("</code")[0]
    assert authenticate_token(plain).pk == token.pk


def test_profile_form_without_scopes_shows_the_error(producer, organization):
    response = _session(producer).post(
        reverse("workspace:profile"), {"form": "token", "name": "ERP", "expires_days": "365"}
    )
    assert response.status_code == 400
    assert "Chọn ít nhất một quyền cho khoá API." in response.content.decode()
    assert ApiToken.objects.count() == 0


def test_profile_of_a_pending_organisation_offers_no_token_form(producer, organization):
    organization.status = "pending"
    organization.save(update_fields=["status"])
    html = _session(producer).get(reverse("workspace:profile")).content.decode()
    assert "Tổ chức cần được cơ quan quản lý duyệt trước khi tạo khoá API." in html
    assert 'value="token"' not in html

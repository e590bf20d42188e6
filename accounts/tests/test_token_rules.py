"""API token rules (issue 18): who may create one, scopes, expiry, the cap per organisation, the CLI."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from accounts.models import ApiToken
from accounts.permissions import SYSTEM, TokenActor
from accounts.services import (
    TOKEN_DEFAULT_DAYS,
    TOKEN_MAX_DAYS,
    TokenCannotCreateTokens,
    authenticate_token,
    create_api_token,
    revoke_api_token,
)
from accounts.tests.factories import UserFactory
from core.errors import Forbidden
from core.models import AuditEntry


def _run(*args):
    out = io.StringIO()
    call_command("token", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def admin(db):
    return UserFactory(username="admin", is_superuser=True, is_staff=True)


# --- who may create a token --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status", "allowed"),
    [
        ("owner", "approved", True),
        ("owner", "pending", False),
        ("owner", "suspended", False),
        ("staff", "approved", False),
        ("officer", "approved", False),
        ("consumer", "approved", False),
        ("other_producer", "approved", False),
        ("anonymous", "approved", False),
        ("admin", "approved", True),
        ("admin", "pending", False),
        ("system", "approved", True),
        ("system", "suspended", False),
        ("token", "approved", False),
    ],
)
def test_who_may_create_a_token(request, organization, who, status, allowed):
    organization.status = status
    organization.save(update_fields=["status"])
    actor: Any
    if who == "token":
        parent, _plain = create_api_token(actor=SYSTEM, organization=organization, name="parent")
        actor = TokenActor(parent)
    else:
        fixture = {"owner": "producer", "staff": "producer_staff", "system": None}.get(who, who)
        actor = SYSTEM if fixture is None else request.getfixturevalue(fixture)
    before = (ApiToken.objects.count(), AuditEntry.objects.count())
    if allowed:
        token, plain = create_api_token(actor=actor, organization=organization, name="ERP")
        assert authenticate_token(plain).pk == token.pk
        assert ApiToken.objects.count() == before[0] + 1
    else:
        with pytest.raises(Forbidden) as refused:
            create_api_token(actor=actor, organization=organization, name="ERP")
        assert (ApiToken.objects.count(), AuditEntry.objects.count()) == before
        if who == "token":
            assert isinstance(refused.value, TokenCannotCreateTokens)
            assert "An API token cannot create API tokens" in str(refused.value)
        elif status != "approved" and who in ("owner", "admin", "system"):
            assert "not approved (pending or suspended)" in str(refused.value)


def test_a_token_cannot_revoke_tokens(organization):
    token, _plain = create_api_token(actor=SYSTEM, organization=organization, name="ERP")
    with pytest.raises(TokenCannotCreateTokens):
        revoke_api_token(actor=TokenActor(token), token=token)
    assert ApiToken.objects.get().revoked_at is None


# --- scopes and expiry -------------------------------------------------------------------------------------------


def test_scopes_are_stored_in_canonical_order_and_audited(producer, organization):
    token, _plain = create_api_token(actor=producer, organization=organization, name="ERP", scopes=["read", "capture"])
    assert token.scopes == "capture read"
    assert token.scope_list == ["capture", "read"]
    assert (token.has_scope("capture"), token.has_scope("read"), token.has_scope("workspace")) == (True, True, False)
    entry = AuditEntry.objects.get(object_type="accounts.apitoken")
    assert entry.after["scopes"] == "capture read"
    assert entry.after["expires_at"] == token.expires_at.isoformat()


def test_default_scopes_are_all_three_and_expiry_a_year(producer, organization):
    before = timezone.now()
    token, _plain = create_api_token(actor=producer, organization=organization, name="ERP")
    after = timezone.now()
    assert token.scopes == "capture read workspace"
    assert before + dt.timedelta(days=365) <= token.expires_at <= after + dt.timedelta(days=365)
    assert TOKEN_DEFAULT_DAYS == 365


@pytest.mark.parametrize(
    ("scopes", "message"),
    [
        ([], "Chọn ít nhất một quyền cho khoá API."),
        (["", " "], "Chọn ít nhất một quyền cho khoá API."),
        (["read", "admin"], "Quyền không hợp lệ: admin."),
    ],
)
def test_bad_scopes_are_refused(producer, organization, scopes, message):
    with pytest.raises(ValidationError) as refused:
        create_api_token(actor=producer, organization=organization, name="ERP", scopes=scopes)
    assert refused.value.message_dict == {"scopes": [message]}
    assert ApiToken.objects.count() == 0


@pytest.mark.parametrize("days", [0, -1, TOKEN_MAX_DAYS + 1, "x"])
def test_expiry_is_one_day_to_two_years(producer, organization, days):
    with pytest.raises(ValidationError) as refused:
        create_api_token(actor=producer, organization=organization, name="ERP", expires_days=days)
    assert refused.value.message_dict == {"expires_days": ["Thời hạn khoá phải từ 1 đến 730 ngày."]}
    assert ApiToken.objects.count() == 0


def test_longest_expiry_is_accepted(producer, organization):
    token, _plain = create_api_token(actor=producer, organization=organization, name="ERP", expires_days=730)
    assert dt.timedelta(days=729) < token.expires_at - timezone.now() <= dt.timedelta(days=730)


def test_an_expired_token_does_not_authenticate(organization, django_assert_num_queries):
    token, plain = create_api_token(actor=SYSTEM, organization=organization, name="ERP", expires_days=1)
    assert authenticate_token(plain).pk == token.pk
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with django_assert_num_queries(1):  # the join itself leaves it out: no second query, no write
        assert authenticate_token(plain) is None
    assert ApiToken.objects.get().is_active is False
    assert ApiToken.objects.get().is_expired is True


def test_a_revoked_token_does_not_authenticate(producer, organization):
    token, plain = create_api_token(actor=producer, organization=organization, name="ERP")
    revoke_api_token(actor=producer, token=token)
    assert authenticate_token(plain) is None


# --- the cap -------------------------------------------------------------------------------------------------------


def test_cap_counts_only_active_tokens(settings, producer, organization):
    settings.TRUYXUAT_MAX_TOKENS_PER_ORGANIZATION = 3
    tokens = [create_api_token(actor=producer, organization=organization, name=f"t{i}")[0] for i in range(3)]
    with pytest.raises(ValidationError) as refused:
        create_api_token(actor=producer, organization=organization, name="fourth")
    assert refused.value.messages == [
        "Tổ chức đã có 3 khoá API đang dùng, là số tối đa; hãy thu hồi khoá không dùng nữa."
    ]
    assert ApiToken.objects.count() == 3
    revoke_api_token(actor=producer, token=tokens[0])
    create_api_token(actor=producer, organization=organization, name="after revoking")
    ApiToken.objects.filter(pk=tokens[1].pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    create_api_token(actor=producer, organization=organization, name="after expiry")
    with pytest.raises(ValidationError):
        create_api_token(actor=producer, organization=organization, name="over again")
    assert ApiToken.objects.count() == 5


def test_cap_is_per_organisation(settings, producer, organization, other_producer, other_organization):
    settings.TRUYXUAT_MAX_TOKENS_PER_ORGANIZATION = 1
    create_api_token(actor=producer, organization=organization, name="a")
    create_api_token(actor=other_producer, organization=other_organization, name="b")
    assert ApiToken.objects.count() == 2


def test_default_cap_is_twenty(settings):
    assert settings.TRUYXUAT_MAX_TOKENS_PER_ORGANIZATION == 20


# --- the command ----------------------------------------------------------------------------------------------------


def test_cli_create_with_scopes_and_expiry(organization):
    output = _run(
        "create",
        "--organization",
        organization.tax_code,
        "--name",
        "ERP",
        "--scopes",
        "capture",
        "--expires-days",
        "30",
    )
    plain = output.strip().splitlines()[-1]
    token = ApiToken.objects.get()
    assert authenticate_token(plain).pk == token.pk
    assert token.scopes == "capture"
    assert token.created_by is None
    assert dt.timedelta(days=29) < token.expires_at - timezone.now() <= dt.timedelta(days=30)
    assert "quyền / scopes: capture;" in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scopes", "write"], "Quyền không hợp lệ: write."),
        (["--expires-days", "1000"], "Thời hạn khoá phải từ 1 đến 730 ngày."),
    ],
)
def test_cli_refuses_bad_scopes_and_expiry(organization, args, message):
    with pytest.raises(CommandError) as refused:
        _run("create", "--organization", organization.tax_code, "--name", "ERP", *args)
    assert message in str(refused.value)
    assert ApiToken.objects.count() == 0


def test_cli_refuses_a_pending_organisation(organization):
    organization.status = "pending"
    organization.save(update_fields=["status"])
    with pytest.raises(CommandError, match="not approved"):
        _run("create", "--organization", organization.tax_code, "--name", "ERP")


def test_cli_list_shows_scopes_creator_expiry_last_use_and_state(producer, organization):
    used, plain = create_api_token(actor=producer, organization=organization, name="used", scopes=["read"])
    authenticate_token(plain)
    expired, _ = create_api_token(actor=SYSTEM, organization=organization, name="old")
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    used.refresh_from_db()
    expired.refresh_from_db()
    lines = {line.split()[0]: line for line in _run("list").splitlines()}
    assert lines[used.prefix].startswith(f"{used.prefix}  active   {organization.tax_code}  used  scopes: read  ")
    assert f"by producer  expires: {used.expires_at.isoformat(timespec='seconds')}" in lines[used.prefix]
    assert lines[used.prefix].endswith(f"last used: {used.last_used_at.isoformat(timespec='seconds')}")
    assert lines[expired.prefix].startswith(f"{expired.prefix}  expired  ")
    assert "scopes: capture,read,workspace" in lines[expired.prefix]
    assert "by system" in lines[expired.prefix] and lines[expired.prefix].endswith("last used: never")


# --- the migration ------------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_migration_gives_existing_tokens_every_scope_and_a_year(organization):
    executor = MigrationExecutor(connection)
    executor.migrate([("accounts", "0002_initial")])
    old = executor.loader.project_state([("accounts", "0002_initial")]).apps.get_model("accounts", "ApiToken")
    old.objects.create(organization_id=organization.pk, name="legacy", prefix="tx_legacy", token_hash="0" * 64)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    token = ApiToken.objects.get(name="legacy")
    assert token.scopes == "capture read workspace"
    assert dt.timedelta(days=364) < token.expires_at - timezone.now() <= dt.timedelta(days=365)

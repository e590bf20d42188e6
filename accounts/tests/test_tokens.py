"""API tokens: created by command (last line is the token), stored hashed, listed, revoked."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import ApiToken
from accounts.permissions import SYSTEM
from accounts.services import (
    LAST_USED_PRECISION,
    authenticate_token,
    create_api_token,
    hash_token,
    revoke_api_token,
)
from core.errors import Forbidden
from core.models import AuditEntry


def _run(*args):
    out = io.StringIO()
    call_command("token", *args, stdout=out)
    return out.getvalue()


def test_create_prints_token_last_and_stores_only_hash(organization):
    output = _run("create", "--organization", organization.tax_code, "--name", "ERP")
    plain = output.strip().splitlines()[-1]
    assert plain.startswith("tx_")
    token = ApiToken.objects.get()
    assert token.token_hash == hash_token(plain)
    assert plain not in {token.token_hash, token.prefix}
    assert authenticate_token(plain).organization == organization
    assert token.name == "ERP"
    assert AuditEntry.objects.filter(object_type="accounts.apitoken").count() == 1


def test_list_and_revoke(organization):
    plain = _run("create", "--organization", organization.tax_code, "--name", "ERP").strip().splitlines()[-1]
    prefix = ApiToken.objects.get().prefix
    assert f"{prefix}  active" in _run("list")
    _run("revoke", prefix)
    assert f"{prefix}  revoked" in _run("list")
    assert authenticate_token(plain) is None


def test_unknown_organisation_is_a_clear_error(db):
    with pytest.raises(CommandError, match="Không có tổ chức với mã số thuế 0000000000"):
        _run("create", "--organization", "0000000000", "--name", "x")


def test_wrong_or_foreign_token_rejected(organization):
    assert authenticate_token("tx_nope") is None
    assert authenticate_token("not-a-token") is None


@pytest.mark.parametrize("name", ["anonymous", "consumer", "other_producer", "producer", "officer"])
def test_token_permission_matrix(actors, organization, name):
    allowed = name == "producer"  # the owner
    if allowed:
        token, _plain = create_api_token(actor=actors[name], organization=organization, name="x")
        revoke_api_token(actor=actors[name], token=token)
        assert ApiToken.objects.get().revoked_at is not None
    else:
        with pytest.raises(Forbidden):
            create_api_token(actor=actors[name], organization=organization, name="x")
        assert ApiToken.objects.count() == 0
        assert AuditEntry.objects.count() == 0


def test_staff_cannot_create_tokens(producer_staff, organization):
    with pytest.raises(Forbidden):
        create_api_token(actor=producer_staff, organization=organization, name="x")


def test_last_used_is_written_at_most_once_a_minute(organization, django_assert_num_queries):
    token, plain = create_api_token(actor=SYSTEM, organization=organization, name="ERP")
    assert token.last_used_at is None
    assert authenticate_token(plain).last_used_at is not None  # first use: written
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    with django_assert_num_queries(1):  # used again within the minute: read only, nothing written
        assert authenticate_token(plain).pk == token.pk
    assert ApiToken.objects.get().last_used_at == first
    ApiToken.objects.update(last_used_at=first - dt.timedelta(seconds=LAST_USED_PRECISION))
    authenticate_token(plain)  # a minute later: written again
    again = ApiToken.objects.get().last_used_at
    assert again is not None and again > first


def test_authenticate_reads_token_and_organisation_in_one_query(organization, django_assert_num_queries):
    token, plain = create_api_token(actor=SYSTEM, organization=organization, name="ERP")
    authenticate_token(plain)  # first use writes last_used_at
    with django_assert_num_queries(1):
        found = authenticate_token(plain)
        assert (found.pk, found.name, found.prefix) == (token.pk, "ERP", token.prefix)
        assert found.organization == organization
        assert (found.organization.tax_code, found.organization.status) == (organization.tax_code, organization.status)
    assert found.created_at == token.created_at
    assert found.created_at.tzinfo is not None
    assert found.revoked_at is None

"""Account writes: producer sign-up, API tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import ApiToken, User
from core import audit
from core.choices import AuditAction
from core.errors import Forbidden

TOKEN_PREFIX = "tx_"
LAST_USED_PRECISION = 60  # seconds: `ApiToken.last_used_at` is rewritten at most this often per token


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def sign_up_producer(*, user_data: dict[str, Any], password: str, organization_data: dict[str, Any]) -> User:
    """Create the person's account and register their organisation (pending), all or nothing."""
    from catalog.services import register_organization

    user = User(
        username=user_data["username"],
        first_name=user_data.get("first_name", ""),
        email=user_data.get("email", ""),
        phone=user_data.get("phone", ""),
    )
    user.set_password(password)
    user.save()
    audit.record(actor=user, action=AuditAction.CREATE, instance=user, after={"username": user.username})
    register_organization(actor=user, data=organization_data)
    return user


@transaction.atomic
def create_api_token(*, actor: Any, organization: Any, name: str) -> tuple[ApiToken, str]:
    """Issue a token for the organisation's machine clients; the plain token is shown once, stored hashed."""
    if not (permissions.can_manage_organization(actor, organization) or permissions.is_platform_admin(actor)):
        raise Forbidden()
    name = name.strip()
    if not name:
        raise ValidationError({"name": [_("Cần đặt tên cho khoá API.")]})
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        organization=organization,
        name=name,
        prefix=plain[:10],
        token_hash=hash_token(plain),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=token,
        after={"name": name, "prefix": token.prefix},
        organization_id=organization.pk,
    )
    return token, plain


@transaction.atomic
def revoke_api_token(*, actor: Any, token: ApiToken) -> ApiToken:
    if not (permissions.can_manage_organization(actor, token.organization) or permissions.is_platform_admin(actor)):
        raise Forbidden()
    if token.revoked_at is not None:
        raise ValidationError(_("Khoá API này đã bị thu hồi."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(
        actor=actor,
        action=AuditAction.REVOKE,
        instance=token,
        after={"name": token.name, "prefix": token.prefix, "revoked_at": token.revoked_at.isoformat()},
        organization_id=token.organization_id,
    )
    return token


def authenticate_token(plain: str) -> ApiToken | None:
    """The active token matching `plain`, with its organisation; records when it was last used.

    `last_used_at` is written only when it is unset or older than `LAST_USED_PRECISION` seconds:
    a busy machine client would otherwise turn every request into a write (and, on SQLite, take the
    database write lock for it). It says "used within the last minute", which is what it is for.
    """
    if not plain.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("organization")
        .filter(token_hash=hash_token(plain), revoked_at__isnull=True)
        .first()
    )
    if token is not None:
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() >= LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
    return token

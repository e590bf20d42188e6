"""Who is calling: an organisation's machine client (API token) or a person (session)."""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse

from accounts import permissions
from accounts.permissions import Actor, TokenActor
from accounts.services import MissingScope, authenticate_token
from catalog.choices import OrganizationStatus
from core.problems import problem


def require_scope(actor: Actor, *scopes: str) -> None:
    """Raise `MissingScope` when `actor` is a token holding none of `scopes` (people are not limited here)."""
    if isinstance(actor, TokenActor) and not any(actor.has_scope(s) for s in scopes):
        raise MissingScope(scopes[0])


def scope_error(actor: Actor, *scopes: str) -> JsonResponse | None:
    """The 403 problem when `actor` is a token holding none of `scopes`, else None (for plain Django views)."""
    try:
        require_scope(actor, *scopes)
    except MissingScope as exc:
        return scope_problem(exc)
    return None


def capture_error(actor: Actor, organization: Any) -> JsonResponse | None:
    """Why `actor` may not capture for `organization` through the EPCIS interface at all, as a 403 problem: a
    token without the `capture` scope, or an organisation that is not approved (pending or suspended: it captures
    neither with its tokens nor with its members' sessions); None when it may (what it names is checked later).
    Platform admins capture for any organisation."""
    denied = scope_error(actor, "capture")
    if denied is not None or organization.status == OrganizationStatus.APPROVED or permissions.is_platform_admin(actor):
        return denied
    return problem(
        403,
        "Tổ chức chưa được duyệt / Organisation not approved",
        "Tổ chức chưa được duyệt hoặc đang bị đình chỉ nên chưa ghi được sự kiện qua giao diện EPCIS. / "
        "The organisation is pending or suspended: it cannot capture events through the EPCIS interface.",
        type_="urn:truyxuat:problem:organization-not-approved",
        organization_status=str(organization.status),
    )


def scope_problem(exc: MissingScope) -> JsonResponse:
    """The 403 problem detail for a token used beyond its scopes."""
    return problem(
        403,
        "Khoá API thiếu quyền / API token scope missing",
        str(exc),
        type_="urn:truyxuat:problem:token-scope",
        missing_scope=exc.scope,
    )


def bearer_token(request: Any) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def token_actor(request: Any) -> TokenActor | None:
    """The machine client named by `Authorization: Bearer <token>`, or None (no or unknown token)."""
    plain = bearer_token(request)
    if plain is None:
        return None
    token = authenticate_token(plain)
    return TokenActor(token) if token is not None else None


def member_organization_ids(actor: Actor) -> set[int]:
    """Organisations whose own (unpublished) events the actor sees."""
    if isinstance(actor, TokenActor):
        return {actor.organization.pk}
    user = permissions.person(actor)
    if not permissions.is_authenticated(actor) or user is None:
        return set()
    return set(user.memberships.values_list("organization_id", flat=True))


def can_capture(actor: Actor, organization: Any) -> bool:
    """Members of a non-suspended organisation, its API tokens with the `capture` scope while it is approved,
    and platform admins capture its events."""
    if organization is None:
        return permissions.is_platform_admin(actor)
    if isinstance(actor, TokenActor):
        return (
            actor.organization.pk == organization.pk
            and organization.status == OrganizationStatus.APPROVED
            and actor.has_scope("capture")
        )
    return permissions.can_edit_organization_data(actor, organization) or permissions.is_platform_admin(actor)

"""Who may do what. Every service calls one of these before it writes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, cast

from django.conf import settings

from accounts.choices import MemberRole
from core.errors import Forbidden

if TYPE_CHECKING:
    from accounts.models import User
    from catalog.models import Organization


class Actor(Protocol):
    """Who acts: a person (`accounts.User`, or Django's `AnonymousUser` before signing in), an organisation's
    machine client (`TokenActor`) or the operator at the command line (`SYSTEM`).

    Services take the actor as it comes and ask the predicates below what it may do; what only a person has
    (memberships, an agency) is read through them, never assumed.
    """

    @property
    def pk(self) -> Any: ...

    @property
    def is_authenticated(self) -> bool: ...

    @property
    def is_superuser(self) -> bool: ...

    @property
    def username(self) -> str: ...


def person(actor: Actor | None) -> User | None:
    """The person's row behind an actor, for the `created_by`-style columns: None for a token's machine client,
    the operator at the command line or nobody signed in (only a person has a primary key)."""
    return cast("User", actor) if getattr(actor, "pk", None) is not None else None


def agency_of(actor: Actor) -> Organization | None:
    """The agency an officer acts for; None for anyone else."""
    return cast("User", actor).agency if getattr(actor, "agency_id", None) else None


def is_authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def is_platform_admin(user: Any) -> bool:
    return is_authenticated(user) and bool(user.is_superuser)


def is_agency_officer(user: Any) -> bool:
    """An officer of an approved agency of this node's province (or a platform admin)."""
    if is_platform_admin(user):
        return True
    if not is_authenticated(user) or user.agency_id is None:
        return False
    agency = user.agency
    return agency.status == "approved" and agency.province_code == settings.TRUYXUAT_PROVINCE_CODE


def is_officer_for(user: Any, organization: Organization, category_id: int | None = None) -> bool:
    """Agency officers see and act on organisations of their province, within their department's scope (issue 25):
    the agency's communes and the officer's own (empty: every commune) and, when `category_id` names what the act is
    about (a product's category), the agency's categories (empty: every category)."""
    if not is_agency_officer(user):
        return False
    if is_platform_admin(user):
        return True
    agency = user.agency
    return (
        organization.province_code == agency.province_code
        and covers_ward(user, organization.ward_code)
        and (category_id is None or (covers_category(agency, category_id) and covers_own_category(user, category_id)))
    )


def covers_ward(user: Any, ward_code: int | None) -> bool:
    """The officer's communes: the agency's scope, narrowed by the officer's own; both empty cover every commune (an
    organisation without a commune is covered only by an officer without a commune scope)."""
    for scope in (user.agency.scope_ward_codes or [], getattr(user, "scope_ward_codes", None) or []):
        if scope and ward_code not in scope:
            return False
    return True


def covers_category(agency: Organization, category_id: int) -> bool:
    """The agency's product groups (read once per agency object); none listed covers every group."""
    ids = getattr(agency, "_scope_category_ids", None)
    if ids is None:
        ids = set(agency.scope_categories.values_list("pk", flat=True)) if agency.pk else set()
        agency._scope_category_ids = ids  # type: ignore[attr-defined]
    return not ids or category_id in ids


def covers_own_category(user: Any, category_id: int) -> bool:
    """The officer's own product groups inside the agency's (read once per user object); none covers every one."""
    ids = getattr(user, "_scope_category_ids", None)
    if ids is None:
        ids = set(user.scope_categories.values_list("pk", flat=True)) if getattr(user, "pk", None) else set()
        user._scope_category_ids = ids
    return not ids or category_id in ids


def can_manage_officers(user: Any, agency: Organization) -> bool:
    """Who assigns the agency's officers their department and scope: the agency's owner, the same permission that
    manages any organisation's people (`can_manage_organization`: an owner membership of the agency), being one of
    its officers; or a platform admin. Everyone else, other officers of the agency included, only reads."""
    if is_platform_admin(user):
        return True
    return (
        is_agency_officer(user)
        and user.agency_id == agency.pk
        and agency.kind == "agency"
        and can_manage_organization(user, agency)
    )


def is_officer_for_product(user: Any, product: Any) -> bool:
    """An officer of the product's organisation whose department covers the product's category."""
    return is_officer_for(user, product.organization, product.category_id)


def member_role(user: Any, organization: Organization) -> str | None:
    if not is_authenticated(user) or getattr(user, "pk", None) is None or organization.pk is None:
        return None
    cache = getattr(user, "_membership_roles", None)
    if cache is None:
        cache = dict(user.memberships.values_list("organization_id", "role"))
        user._membership_roles = cache
    return cache.get(organization.pk)


def is_member(user: Any, organization: Organization) -> bool:
    return member_role(user, organization) is not None


def is_owner(user: Any, organization: Organization) -> bool:
    return member_role(user, organization) == MemberRole.OWNER


def can_edit_organization_data(user: Any, organization: Organization) -> bool:
    """Members (owner or staff) record their organisation's data; suspended organisations cannot write."""
    return is_member(user, organization) and organization.status != "suspended"


def can_manage_organization(user: Any, organization: Organization) -> bool:
    """Owners manage profile, members and tokens."""
    return is_owner(user, organization) and organization.status != "suspended"


def can_write(actor: Any, org: Organization) -> bool:
    """Members of a non-suspended organisation, or a platform admin, may record its data."""
    return can_edit_organization_data(actor, org) or is_platform_admin(actor)


def require(condition: bool) -> None:
    """Refuse the action (403) unless `condition` holds."""
    if not condition:
        raise Forbidden()


def can_issue_reset_code(actor: Any, user: Any) -> bool:
    """Who may give a person a one-time password reset code: the owner of an organisation the person belongs to,
    an officer of that organisation's province, a platform admin. Officers' and admins' own accounts are reset
    by a platform admin only; nobody issues one for an admin."""
    if not is_authenticated(actor) or getattr(user, "pk", None) is None or user.is_superuser:
        return False
    if is_platform_admin(actor):
        return True
    if user.agency_id is not None:
        return False
    organizations = [m.organization for m in user.memberships.select_related("organization")]
    return any(is_owner(actor, org) or is_officer_for(actor, org) for org in organizations)


def forget_memberships(user: Any) -> None:
    """Drop the per-request membership cache after memberships change."""
    if hasattr(user, "_membership_roles"):
        del user._membership_roles


class SystemActor:
    """The operator at the command line (`truyxuat demo`, `truyxuat token create`): acts as platform admin.

    Audit rows written for it have no user and say so in their reason.
    """

    is_authenticated = True
    is_superuser = True
    is_active = True
    pk = None
    id = None
    agency_id = None
    username = "system"

    def __str__(self) -> str:
        return "system"


SYSTEM = SystemActor()


class TokenActor:
    """An organisation's machine client, authenticated by one of its API tokens.

    It acts for that organisation only, within its token's scopes: with `capture` it may capture the
    organisation's events, with `read` it sees what a member would see. Audit entries name the token's prefix
    (there is no user row).
    """

    is_token = True
    is_authenticated = True
    is_superuser = False
    is_active = True
    pk = None
    id = None
    agency_id = None

    def __init__(self, token: Any) -> None:
        self.token = token
        self.organization = token.organization
        self.username = f"token:{token.prefix}"

    def __str__(self) -> str:
        return self.username

    def has_scope(self, scope: str) -> bool:
        return bool(self.token.has_scope(scope))

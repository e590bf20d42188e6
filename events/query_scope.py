"""Whose named queries and who may use them; whom a subscription's results are computed for now."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from accounts import permissions
from accounts.permissions import Actor, TokenActor
from events.models import NamedQuery, Subscription


@dataclass(frozen=True)
class Scope:
    """Whose named queries: an organisation's, or (`organization` None) one person's."""

    organization: Any = None
    owner: Any = None

    def queries(self) -> QuerySet[NamedQuery]:
        if self.organization is not None:
            return NamedQuery.objects.filter(organization=self.organization)
        return NamedQuery.objects.filter(organization__isnull=True, owner_id=getattr(self.owner, "pk", None) or 0)


def may_use(actor: Actor, scope: Scope) -> bool:
    """Whether `actor` may create, run, subscribe to and delete the scope's queries: a token of the organisation
    with the `read` scope, a member of it or a platform admin; for a person's own queries, that person."""
    if scope.organization is not None:
        if isinstance(actor, TokenActor):
            return actor.organization.pk == scope.organization.pk and actor.has_scope("read")
        return permissions.is_member(actor, scope.organization) or permissions.is_platform_admin(actor)
    own = getattr(scope.owner, "pk", None)
    return permissions.is_authenticated(actor) and own is not None and getattr(actor, "pk", None) == own


def scope_of(query: NamedQuery) -> Scope:
    return Scope(organization=query.organization, owner=query.owner)


def subscriber(subscription: Subscription) -> Any:
    """Whom the subscription's results are computed for now: its token's client while the token is valid, its
    person while still allowed in the query's scope; None when neither (nothing is reported then)."""
    if subscription.token_id is not None:
        token = subscription.token
        if token is None or not token.is_active:
            return None
        actor: Actor = TokenActor(token)
    else:
        user = subscription.created_by
        if user is None or not user.is_active:
            return None
        actor = user
    return actor if may_use(actor, scope_of(subscription.query)) else None

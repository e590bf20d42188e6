"""Who calls the workspace API: a signed-in member (session + CSRF) or an organisation's API token.

A token acts as the member who created it in the workspace (so the catalogue's membership checks apply and
the audit names a person) and only for the token's organisation. Tokens made at the command line have no
creator: they may capture EPCIS events (`/epcis/capture`) but not use the workspace API.

A token's scopes bound what it may do here: `read` for the API's reads (GET), `workspace` for its writes. Tokens
and members are never created by a token (`require_person`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer
from ninja.security.session import SessionAuth

from accounts import permissions
from accounts.models import ApiToken
from accounts.permissions import Actor
from accounts.services import MissingScope, TokenCannotCreateTokens, authenticate_token
from catalog.models import Organization
from core.errors import Forbidden
from workspace.views.common import current_org


@dataclass
class Caller:
    actor: Actor
    organization: Organization
    token: ApiToken | None = None  # set when an API token, not a session, authenticated the request


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Caller | None:
        found = authenticate_token(token)
        if found is None:
            return None
        creator = found.created_by
        if creator is None or not permissions.is_member(creator, found.organization):
            raise Forbidden(
                "Khoá API này không gắn với thành viên nào của tổ chức; tạo khoá trong trang Hồ sơ. / "
                "This token has no acting member; create one in the workspace profile page."
            )
        scope = "read" if request.method in ("GET", "HEAD", "OPTIONS") else "workspace"
        if not found.has_scope(scope):
            raise MissingScope(scope)
        return Caller(creator, found.organization, found)


class MemberSession(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Caller | None:
        user = super().authenticate(request, key)
        if user is None:
            return None
        wanted = request.GET.get("organization") or request.headers.get("X-Organization")
        if wanted:
            org = Organization.objects.filter(tax_code=wanted).first()
            if org is None or not permissions.is_member(user, org):
                raise Forbidden()
        else:
            org = current_org(request)
        if org is None:
            raise Forbidden("Bạn chưa là thành viên của tổ chức nào. / You are not a member of any organisation.")
        return Caller(user, org)


AUTH: list[APIKeyCookie | HttpBearer] = [TokenAuth(), MemberSession()]


def caller(request: HttpRequest) -> Caller:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def require_person(request: HttpRequest) -> Caller:
    """The caller, who must be a signed-in person: API tokens cannot create tokens or members."""
    c = caller(request)
    if c.token is not None:
        raise TokenCannotCreateTokens()
    return c

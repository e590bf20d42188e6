"""Login throttling (django-axes): separate limits per account and per address, the lockout page, the client's
address behind our reverse proxies, and who may lift a lockout.

Axes counts failures in its database tables (AccessAttempt), so every worker process and machine of a node sees
the same counts. Its single limit (AXES_FAILURE_LIMIT) is the account's; the address has its own, higher one
(TRUYXUAT_LOGIN_ADDRESS_FAILURE_LIMIT), because one office or mobile network shares an address.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts import permissions

if TYPE_CHECKING:
    from accounts.permissions import Actor

ACCOUNT = "account"
ADDRESS = "address"


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or the address our outermost trusted proxy saw (TRUYXUAT_TRUSTED_PROXIES from the right of
    X-Forwarded-For): entries further left are whatever the client wrote and are never believed."""
    proxies = settings.TRUYXUAT_TRUSTED_PROXIES
    remote = request.META.get("REMOTE_ADDR")
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]


def cool_off() -> dt.timedelta:
    value = get_cool_off()
    assert value is not None, "AXES_COOLOFF_TIME must be set"
    return value


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with the address limit of its own, and a success clearing only the account's count
    (axes would also clear every other account's failures from the same address: an attacker with an account
    of their own could then keep guessing another's password from one address for ever)."""

    def get_failures(self, request: Any, credentials: dict | None = None) -> int:
        counts = {}
        for parameter, attempts in zip(
            get_lockout_parameters(request, credentials), self.get_user_attempts(request, credentials), strict=True
        ):
            counts[str(parameter)] = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
        by_account = counts.get("username", 0)
        if counts.get("ip_address", 0) >= settings.TRUYXUAT_LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(by_account, settings.AXES_FAILURE_LIMIT)  # the address is locked: so is every account on it
        return by_account

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        username = get_client_username(request, credentials)
        if username is None:
            return 0
        deleted, _ = AccessAttempt.objects.filter(username=username).delete()
        return deleted


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """The page a locked-out login gets (429): what is locked, for how long, whom to ask; the form stays."""
    minutes = math.ceil(cool_off().total_seconds() / 60)
    form = AuthenticationForm(request)
    return render(
        request,
        "accounts/locked.html",
        {"form": form, "minutes": minutes, "next": request.POST.get("next") or request.GET.get("next", "")},
        status=429,
    )


def current_lockouts() -> list[dict[str, Any]]:
    """Accounts and addresses locked now: [{kind, key, failures, until}], newest first."""
    since = timezone.now() - cool_off()
    recent = AccessAttempt.objects.filter(attempt_time__gte=since)
    found: list[dict[str, Any]] = []
    for kind, field, limit in (
        (ACCOUNT, "username", settings.AXES_FAILURE_LIMIT),
        (ADDRESS, "ip_address", settings.TRUYXUAT_LOGIN_ADDRESS_FAILURE_LIMIT),
    ):
        rows = (
            recent.exclude(**{f"{field}__isnull": True})
            .values(field)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=limit)
        )
        for row in rows:
            found.append(
                {"kind": kind, "key": row[field], "failures": row["failures"], "until": row["last"] + cool_off()}
            )
    found.sort(key=lambda item: item["until"], reverse=True)
    return found


def locked_user(username: str) -> Any:
    from accounts.models import User

    return User.objects.filter(username=username).select_related("agency").first()


def can_unlock(actor: Actor, kind: str, key: str) -> bool:
    """Platform admins lift any lockout; agency officers lift an address's, and an account's when the account has
    no organisation or agency, or one of their province."""
    if permissions.is_platform_admin(actor):
        return True
    if not permissions.is_agency_officer(actor):
        return False
    if kind == ADDRESS:
        return True
    user = locked_user(key)
    if user is None:
        return True
    agency = permissions.agency_of(actor)
    province = agency.province_code if agency is not None else None
    if user.is_superuser:
        return False
    if user.agency_id is not None and user.agency.province_code != province:
        return False
    organizations = [m.organization for m in user.memberships.select_related("organization")]
    return all(org.province_code == province for org in organizations)

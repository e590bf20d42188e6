"""What every workspace page needs: the signed-in member's current organisation, errors into the page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.models import Membership
from catalog.models import Organization

PAGE_SIZE = 25
SESSION_KEY = "workspace_org"


def memberships(user: Any) -> list[Membership]:
    return list(Membership.objects.filter(user=user).select_related("organization").order_by("organization__name"))


def current_org(request: HttpRequest) -> Organization | None:
    """The organisation the member works for now (chosen once when they belong to several)."""
    rows = memberships(request.user)
    if not rows:
        return None
    chosen = request.session.get(SESSION_KEY)
    for row in rows:
        if row.organization_id == chosen:
            return row.organization
    return rows[0].organization


def member_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Signed-in members only; sets `request.org` (and `request.role`). Others see why and what to do."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        org = current_org(request)
        if org is None:
            return render(request, "workspace/no_org.html", status=403)
        request.org = org  # type: ignore[attr-defined]
        request.role = next(  # type: ignore[attr-defined]
            (m.role for m in memberships(request.user) if m.organization_id == org.pk), "staff"
        )
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            return render(request, "workspace/forbidden.html", {"reason": str(exc)}, status=403)

    return wrapper


def errors_of(exc: ValidationError) -> dict[str, list[str]]:
    """A service's ValidationError as {field: [messages]} ("__all__" for the rest)."""
    if hasattr(exc, "error_dict"):
        return {k: list(v) for k, v in exc.message_dict.items()}
    return {"__all__": list(exc.messages)}


class _DryRun(Exception):
    """Raised to roll back a service called only to learn what else it would refuse."""


def _other_errors(call: Callable[[], Any]) -> dict[str, list[str]]:
    """What the service would refuse besides the numbers already refused: called in a savepoint that is always
    rolled back (nothing stored, no e-mail: on-commit callbacks of a rolled-back savepoint are dropped)."""
    try:
        with transaction.atomic():
            call()
            raise _DryRun
    except _DryRun:
        return {}
    except ValidationError as exc:
        return errors_of(exc)
    except Exception:  # the unreadable numbers themselves may trip it: their own messages are the answer
        return {}


def run(
    request: HttpRequest,
    call: Callable[[], Any],
    success: str = "",
    refused: dict[str, list[str]] | None = None,
    *,
    check_all: bool = False,
) -> tuple[Any, dict[str, list[str]]]:
    """Call a service; on refusal return its errors (and flash them), on success flash `success`.
    `refused`: errors the view found already (numbers that could not be read): the service is not called, or
    with `check_all` (services that store no files) called and rolled back, so that every field's error shows
    at once; the view's own message wins for a field both refuse."""
    if refused:
        messages.error(request, _("Chưa lưu được: xem các ô được đánh dấu đỏ."))
        errors = dict(refused)
        if check_all:
            for key, found in _other_errors(call).items():
                errors.setdefault(key, found)
        return None, errors
    try:
        result = call()
    except ValidationError as exc:
        errors = errors_of(exc)
        messages.error(request, _("Chưa lưu được: xem các ô được đánh dấu đỏ."))
        return None, errors
    if success:
        messages.success(request, success)
    return result, {}


def page_of(request: HttpRequest, queryset: Any, size: int = PAGE_SIZE) -> Page:
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def error_status(errors: dict[str, list[str]]) -> int:
    return 400 if errors else 200

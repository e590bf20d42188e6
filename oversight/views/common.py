"""Helpers of the officer pages: access, pagination, turning service errors into form errors."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts import permissions

PAGE_SIZE = 25


def officer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Officers of an approved agency of this province only: anonymous users go to the login page, others get 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not permissions.is_agency_officer(request.user):
            return render(request, "oversight/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def paginate(request: HttpRequest, items: Any, size: int = PAGE_SIZE) -> Page:
    return Paginator(items, size).get_page(request.GET.get("page"))


def error_messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)


def add_errors(form: Any, exc: ValidationError) -> None:
    """Attach a service's ValidationError to the form's fields (or to the form as a whole)."""
    if hasattr(exc, "error_dict"):
        for field, msgs in exc.message_dict.items():
            for m in msgs:
                form.add_error(field if field in form.fields else None, m)
    else:
        for m in exc.messages:
            form.add_error(None, m)


def flash_errors(request: HttpRequest, exc: ValidationError) -> None:
    for m in error_messages(exc):
        messages.error(request, m)


def forbidden(request: HttpRequest) -> HttpResponse:
    messages.error(request, _("Bạn không có quyền thực hiện thao tác này."))
    return render(request, "oversight/forbidden.html", status=403)


def querystring(request: HttpRequest, **drop: Any) -> str:
    """The current query string without `page` (for pager links that keep filters)."""
    params = request.GET.copy()
    params.pop("page", None)
    for key in drop:
        params.pop(key, None)
    return params.urlencode()

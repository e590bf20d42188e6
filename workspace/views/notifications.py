"""Notifications in the workspace: the list, read (and open its page), dismiss, all read. POST with CSRF;
a member sees and handles only their own and their organisations' notifications (others: 404)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notifications import services
from notifications.models import Notification
from notifications.selectors import unread_for, visible_for
from workspace.views.common import member_view, page_of


def _own(request: HttpRequest, pk: int) -> Notification:
    notification = visible_for(request.user).filter(pk=pk).select_related("organization").first()
    if notification is None:
        raise Http404
    return notification


def _back(request: HttpRequest, fallback: str = "workspace:notifications") -> HttpResponse:
    """Where the button was pressed (the dashboard or the list), never another site."""
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(wanted, {request.get_host()}, require_https=request.is_secure()):
        return redirect(wanted)
    return redirect(fallback)


@member_view
def notifications(request: HttpRequest) -> HttpResponse:
    context = {
        "nav": "home",
        "page": page_of(request, visible_for(request.user).select_related("organization")),
        "unread": unread_for(request.user).count(),
    }
    return render(request, "workspace/notifications.html", context)


@require_POST
@member_view
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark read; with `open`, go on to the page the notification points to (a page of this site only)."""
    notification = services.mark_read(actor=request.user, notification=_own(request, pk))
    link = notification.link
    if request.POST.get("open") and link and url_has_allowed_host_and_scheme(link, {request.get_host()}):
        return redirect(link)
    return _back(request)


@require_POST
@member_view
def notification_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    services.dismiss(actor=request.user, notification=_own(request, pk))
    messages.success(request, _("Đã ẩn thông báo."))
    return _back(request)


@require_POST
@member_view
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(actor=request.user, notifications=list(unread_for(request.user)))
    if count:
        messages.success(request, _("Đã đánh dấu tất cả thông báo là đã đọc."))
    return _back(request)

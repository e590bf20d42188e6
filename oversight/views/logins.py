"""Login lockouts: an officer sees who is locked out now and lifts a lockout; a platform admin resets an officer's
second factor (lost phone). Both through accounts.services, audited."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts import lockout, permissions
from accounts.models import User
from accounts.services import reset_second_factor, unlock_login
from oversight.views.common import flash_errors, forbidden, officer_required


@officer_required
def lockouts(request: HttpRequest) -> HttpResponse:
    found = [item for item in lockout.current_lockouts() if lockout.can_unlock(request.user, item["kind"], item["key"])]
    return render(
        request,
        "oversight/logins/lockouts.html",
        {"section": "logins", "lockouts": found, "is_admin": permissions.is_platform_admin(request.user)},
    )


@officer_required
def unlock(request: HttpRequest) -> HttpResponse:
    """GET: confirm; POST: lift the lockout of ?kind=account|address&key=…"""
    source = request.POST if request.method == "POST" else request.GET
    kind, key = source.get("kind", ""), source.get("key", "")
    if kind not in (lockout.ACCOUNT, lockout.ADDRESS) or not key:
        messages.error(request, _("Không rõ khoá đăng nhập cần mở."))
        return redirect("oversight:lockouts")
    if not lockout.can_unlock(request.user, kind, key):
        return forbidden(request)
    if request.method == "POST":
        try:
            unlock_login(actor=request.user, kind=kind, key=key, reason=request.POST.get("reason", ""))
        except PermissionDenied:
            return forbidden(request)
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("Đã mở khoá đăng nhập cho %(key)s.") % {"key": key})
        return redirect("oversight:lockouts")
    return render(
        request, "oversight/logins/unlock.html", {"section": "logins", "kind": kind, "key": key, "ACCOUNT": "account"}
    )


@officer_required
def reset_two_factor(request: HttpRequest) -> HttpResponse:
    """Platform admins only: GET asks which account and to confirm; POST removes its TOTP devices."""
    if not permissions.is_platform_admin(request.user):
        return forbidden(request)
    username = (request.POST.get("username") or request.GET.get("username") or "").strip()
    user = User.objects.filter(username=username).first() if username else None
    if request.method == "POST" and user is not None and request.POST.get("confirm") == "1":
        try:
            count = reset_second_factor(actor=request.user, user=user, reason=request.POST.get("reason", ""))
        except PermissionDenied:
            return forbidden(request)
        messages.success(
            request,
            _("Đã đặt lại xác thực hai lớp của %(username)s (%(count)s thiết bị); lần đăng nhập sau sẽ đăng ký lại.")
            % {"username": user.username, "count": count},
        )
        return redirect("oversight:lockouts")
    if username and user is None:
        messages.error(request, _("Không có tài khoản %(username)s.") % {"username": username})
    return render(request, "oversight/logins/reset_two_factor.html", {"section": "logins", "target": user})

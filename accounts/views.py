"""Sign in, sign out, producer sign-up."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.forms import ProducerSignupForm
from accounts.services import sign_up_producer


def after_login(request: HttpRequest) -> HttpResponse:
    """Send each person to their own workspace: producers to theirs, officers to the agency's."""
    user = request.user
    if user.is_authenticated and user.memberships.exists():
        return redirect("workspace:dashboard")
    if user.is_authenticated and (user.agency_id or user.is_superuser):
        return redirect("oversight:home")
    return redirect("home")


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


def signup(request: HttpRequest) -> HttpResponse:
    province = settings.TRUYXUAT_PROVINCE_CODE
    form = ProducerSignupForm(request.POST or None, province_code=province)
    if request.method == "POST" and form.is_valid():
        try:
            user = sign_up_producer(
                user_data=form.cleaned_data,
                password=form.cleaned_data["password1"],
                organization_data=form.organization_data(province),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]:
                target = field if field in form.fields else None
                if field == "name":
                    target = "organization_name"
                elif field == "kind":
                    target = "organization_kind"
                for error in errors:
                    form.add_error(target, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request, _("Đã đăng ký. Tổ chức của bạn đang chờ cơ quan quản lý duyệt trước khi công bố dữ liệu.")
            )
            return redirect("accounts:after-login")
    return render(request, "accounts/signup.html", {"form": form}, status=400 if form.errors else 200)

"""Sign in, sign out, producer sign-up."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import otp
from accounts.forms import CodeForm, ProducerSignupForm
from accounts.services import confirm_totp_device, start_totp_enrolment, verify_second_factor

ENROL_SESSION_KEY = "truyxuat_totp_enrolment"


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
    form = ProducerSignupForm(request.POST or None, request.FILES or None, province_code=province)
    if request.method == "POST" and form.is_valid():
        from reviews.registration import sign_up_with_documents

        try:
            user = sign_up_with_documents(
                user_data=form.cleaned_data,
                password=form.cleaned_data["password1"],
                organization_data=form.organization_data(province),
                documents=form.documents(),
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


def _next_url(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(wanted, {request.get_host()}, require_https=request.is_secure()):
        return wanted
    return resolve_url("accounts:after-login")


def _verified(request: HttpRequest, device: TOTPDevice) -> HttpResponse:
    """Mark the session verified by this device (django-otp), under a new session key."""
    otp_login(request, device)
    request.session.pop(ENROL_SESSION_KEY, None)
    request.session.cycle_key()
    return redirect(_next_url(request))


def _code_failed(form: CodeForm, exc: ValidationError) -> int:
    for error in exc.error_list:
        form.add_error("code", error)
    return 429 if any(e.code == "throttled" for e in exc.error_list) else 400


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """The second step of an officer's or admin's sign-in: a code from their authenticator app."""
    user = request.user
    if not otp.needs_second_factor(user) or otp.is_verified(user):
        return redirect(_next_url(request))
    if not otp.has_confirmed_device(user):
        return redirect(f"{resolve_url('accounts:two-factor-enrol')}?{request.GET.urlencode()}")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                device = verify_second_factor(actor=user, token=form.cleaned_data["code"])
            except ValidationError as exc:
                status = _code_failed(form, exc)
            else:
                return _verified(request, device)
        else:
            status = 400
    return render(request, "accounts/two_factor.html", {"form": form, "next": _next_url(request)}, status=status)


@login_required
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    """First sign-in of an officer or admin: scan a new key (shown on this page only) and confirm it with a code."""
    user = request.user
    if not otp.needs_second_factor(user) or otp.is_verified(user):
        return redirect(_next_url(request))
    if otp.has_confirmed_device(user):
        return redirect(f"{resolve_url('accounts:two-factor')}?{request.GET.urlencode()}")
    form = CodeForm(request.POST or None)
    status = 200
    device = None
    if request.method == "POST":
        device_id = request.session.get(ENROL_SESSION_KEY)
        device = TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first() if device_id else None
        if device is not None and form.is_valid():
            try:
                device = confirm_totp_device(actor=user, device_id=device.pk, token=form.cleaned_data["code"])
            except ValidationError as exc:
                status = _code_failed(form, exc)
            else:
                messages.success(request, _("Đã bật xác thực hai lớp cho tài khoản."))
                return _verified(request, device)
        elif device is not None:
            status = 400
    if device is None:  # a new key each time the page is opened: a key once shown is never shown again elsewhere
        device = start_totp_enrolment(actor=user)
        request.session[ENROL_SESSION_KEY] = device.pk
    context = {
        "form": form,
        "next": _next_url(request),
        "qr": otp.qr_data_uri(device),
        "secret": otp.secret_text(device),
    }
    response = render(request, "accounts/two_factor_enrol.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response

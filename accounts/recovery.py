"""Password recovery: by e-mail (Django's reset views, pages and mail in Vietnamese with English) and, for people
without e-mail, with a one-time code from the owner of their organisation or an officer (`accounts.reset_codes`).
Wrong codes count as failed sign-ins in django-axes: the same lockout as the login page."""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts import otp
from accounts.lockout import lockout_response
from accounts.models import User
from accounts.recovery_forms import EmailResetForm, IssueCodeForm, NewPasswordForm, ResetCodeForm
from accounts.reset_codes import CODE_LIFETIME, WrongCode, display, issue_reset_code, reset_password_with_code


class ForgotView(auth_views.PasswordResetView):
    """Step 1 by e-mail (the page also leads to the code for those without one)."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    form_class = EmailResetForm
    success_url = reverse_lazy("accounts:password-reset-done")


class ForgotDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class ResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("accounts:password-reset-complete")


class ResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


def _add_errors(form: ResetCodeForm, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]:
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


@never_cache
def reset_with_code(request: HttpRequest) -> HttpResponse:
    """The username, the code and a new password; then the login page."""
    form = ResetCodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        credentials = {"username": request.POST.get("username", "")}
        if not AxesProxyHandler.is_allowed(request, credentials):
            return lockout_response(request, credentials=credentials)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                reset_password_with_code(username=data["username"], code=data["code"], password=data["new_password1"])
            except WrongCode as exc:
                user_login_failed.send(sender=__name__, credentials=credentials, request=request)
                _add_errors(form, exc)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Đã đặt mật khẩu mới. Hãy đăng nhập bằng mật khẩu mới."))
                return redirect("accounts:login")
    return render(request, "accounts/reset_code.html", {"form": form}, status=status)


@never_cache
@login_required
def issue_code(request: HttpRequest) -> HttpResponse:
    """An owner (for their members) or an officer (for members of organisations of the province) gives a person
    without e-mail a one-time code; the code is on this response only."""
    if otp.needs_second_factor(request.user) and not otp.is_verified(request.user):  # /accounts/ is open to them
        return redirect(f"{resolve_url('accounts:two-factor')}?{urlencode({'next': request.get_full_path()})}")
    form = IssueCodeForm(request.POST or None, initial={"username": request.GET.get("username", "")})
    context: dict[str, object] = {"form": form, "hours": int(CODE_LIFETIME.total_seconds() // 3600)}
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            target = User.objects.filter(username=form.cleaned_data["username"].strip()).first()
            try:
                if target is None:
                    raise PermissionDenied
                row, plain = issue_reset_code(actor=request.user, user=target)
            except PermissionDenied:
                form.add_error(
                    "username",
                    _("Không cấp được mã cho tài khoản này: không có tài khoản đó, hoặc bạn không quản lý người này."),
                )
            else:
                status = 200
                context.update({"issued": row, "code": display(plain), "target": target})
    response = render(request, "accounts/reset_code_issue.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response

"""Forms of password recovery: by e-mail (Django's forms, labels in Vietnamese) and by a one-time code."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _


class EmailResetForm(PasswordResetForm):
    email = forms.EmailField(
        label=_("Thư điện tử đã đăng ký"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        """Enqueue the e-mail (`accounts.jobs`) instead of sending it in the request."""
        from django.utils.translation import get_language

        from accounts.jobs import email_password_reset

        email_password_reset.enqueue(
            context["user"].pk,
            to_email,
            context["domain"],
            context["site_name"],
            context["protocol"] == "https",
            get_language() or "vi",
            [subject_template_name, email_template_name],
        )


class NewPasswordForm(SetPasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Mật khẩu mới")
        self.fields["new_password1"].help_text = _("Ít nhất 10 ký tự, không chỉ toàn chữ số, không quá dễ đoán.")
        self.fields["new_password2"].label = _("Nhập lại mật khẩu mới")


class ResetCodeForm(forms.Form):
    """Username, the code an owner or officer gave, and the new password twice."""

    username = forms.CharField(
        label=_("Tên đăng nhập"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"})
    )
    code = forms.CharField(
        label=_("Mã đặt lại (8 chữ số)"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    new_password1 = forms.CharField(
        label=_("Mật khẩu mới"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Ít nhất 10 ký tự, không chỉ toàn chữ số, không quá dễ đoán."),
    )
    new_password2 = forms.CharField(
        label=_("Nhập lại mật khẩu mới"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_code(self) -> str:
        from accounts.reset_codes import CODE_DIGITS, normalise

        digits = normalise(self.cleaned_data.get("code", ""))
        if len(digits) != CODE_DIGITS:
            raise forms.ValidationError(_("Mã đặt lại gồm 8 chữ số, ví dụ 1234 5678."), code="format")
        return digits

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        one, two = data.get("new_password1"), data.get("new_password2")
        if one and two and one != two:
            self.add_error("new_password2", _("Hai lần nhập mật khẩu mới không giống nhau."))
        return data


class IssueCodeForm(forms.Form):
    username = forms.CharField(
        label=_("Tên đăng nhập của người cần đặt lại mật khẩu"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

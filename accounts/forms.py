"""Forms for signing in and registering a producer organisation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _
from vietnam_provinces import Ward

from accounts.models import User
from catalog.choices import OrganizationKind

DOCUMENT_ACCEPT = "application/pdf,image/jpeg,image/png"


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); cleans to a list, empty when none."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": DOCUMENT_ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def ward_choices(province_code: int) -> list[tuple[int | str, str]]:
    wards = sorted(Ward.iter_by_province(province_code), key=lambda w: w.name)  # type: ignore[arg-type]
    return [("", "—")] + [(int(w.code), w.name) for w in wards]


class ProducerSignupForm(UserCreationForm):
    """A person signs up and registers their organisation, which then waits for an agency's approval."""

    first_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    phone = forms.CharField(label=_("Điện thoại"), max_length=20, required=False)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    organization_name = forms.CharField(label=_("Tên cơ sở/HTX/doanh nghiệp"), max_length=255)
    organization_kind = forms.ChoiceField(
        label=_("Loại hình"), choices=[c for c in OrganizationKind.choices if c[0] != OrganizationKind.AGENCY]
    )
    tax_code = forms.CharField(
        label=_("Mã số thuế"), max_length=14, help_text=_("10 chữ số, hoặc 10 chữ số-3 chữ số với chi nhánh.")
    )
    ward_code = forms.TypedChoiceField(label=_("Xã/phường"), coerce=int, choices=[])
    legacy_district = forms.CharField(
        label=_("Huyện cũ (nếu có)"), max_length=100, required=False, help_text=_("Tên huyện trước 01/7/2025.")
    )
    street_address = forms.CharField(label=_("Thôn, số nhà, đường"), max_length=255)
    licence = forms.FileField(
        label=_("Giấy chứng nhận đăng ký kinh doanh/HTX"),
        required=False,
        widget=forms.FileInput(attrs={"accept": DOCUMENT_ACCEPT}),
        help_text=_("Ảnh chụp hoặc bản scan (PDF, JPG, PNG, tối đa 5 MB). Cơ quan quản lý xem để duyệt đăng ký."),
    )
    certificates = MultipleFileField(
        label=_("Các giấy chứng nhận khác (VietGAP, ATTP, OCOP…)"),
        required=False,
        help_text=_("Có thể chọn nhiều tệp. Chỉ cơ quan quản lý của tỉnh và thành viên của cơ sở xem được."),
    )

    class Meta:
        model = User
        fields = ("username", "first_name", "phone", "email")

    def __init__(self, *args: Any, province_code: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["ward_code"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = ward_choices(province_code)

    def clean_tax_code(self) -> str:
        """Checked here, so that a wrong MST shows beside every other error, in words a farmer understands."""
        from accounts.signup_checks import clean_tax_code

        return clean_tax_code(self.cleaned_data.get("tax_code", ""))

    def organization_data(self, province_code: int) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["organization_name"],
            "kind": data["organization_kind"],
            "tax_code": data["tax_code"],
            "province_code": province_code,
            "ward_code": data["ward_code"],
            "legacy_district": data["legacy_district"],
            "street_address": data["street_address"],
            "phone": data["phone"],
            "email": data["email"],
            "representative": data["first_name"],
        }

    def documents(self) -> list[tuple[str, Any]]:
        """The uploaded registration papers as (kind, file): the licence first, then the certificates."""
        data = self.cleaned_data
        found: list[tuple[str, Any]] = [("licence", data["licence"])] if data.get("licence") else []
        return found + [("certificate", f) for f in data.get("certificates") or []]


class CodeForm(forms.Form):
    """A six-digit code from the authenticator app."""

    code = forms.RegexField(
        label=_("Mã xác thực (6 chữ số)"),
        regex=r"^\s*\d{3}\s?\d{3}\s*$",
        max_length=8,
        error_messages={"invalid": _("Nhập đúng 6 chữ số từ ứng dụng xác thực.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}),
    )

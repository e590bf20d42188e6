"""'Báo hàng nghi giả': the consumer's counterfeit report, from an unknown code or a suspicious stamp."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import is_authenticated
from complaints import services as complaints
from core.headers import DENIED_FEATURES
from feedback import counterfeit, services
from portal.items import client_address

# This page may ask for the phone's location (only when the consumer taps the button); nothing else.
GEOLOCATION_ONLY = ", ".join(f"{f}=(self)" if f == "geolocation" else f"{f}=()" for f in DENIED_FEATURES)


class CounterfeitForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Mã trên sản phẩm"),
        max_length=counterfeit.MAX_CODE,
        help_text=gettext_lazy("Mã đã quét, hoặc dãy số in dưới mã vạch."),
    )
    photo = forms.ImageField(
        label=gettext_lazy("Ảnh sản phẩm hoặc tem (không bắt buộc)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp", "capture": "environment"}),
        help_text=gettext_lazy("Chỉ cơ quan quản lý (và nhà sản xuất, nếu mã thuộc một sản phẩm đã đăng ký) xem ảnh."),
    )
    where_bought = forms.CharField(
        label=gettext_lazy("Mua ở đâu (không bắt buộc)"),
        required=False,
        max_length=counterfeit.MAX_PLACE,
        help_text=gettext_lazy("Tên cửa hàng, chợ hoặc trang bán hàng và địa chỉ."),
    )
    message = forms.CharField(
        label=gettext_lazy("Điều bạn thấy bất thường (không bắt buộc)"),
        required=False,
        max_length=services.MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    contact_name = forms.CharField(label=gettext_lazy("Tên của bạn (không bắt buộc)"), required=False, max_length=100)
    contact = forms.CharField(
        label=gettext_lazy("Điện thoại hoặc thư điện tử (không bắt buộc)"),
        required=False,
        max_length=120,
        help_text=gettext_lazy("Chỉ cơ quan quản lý thấy, để liên hệ lại với bạn."),
    )
    latitude = forms.CharField(label=gettext_lazy("Vị trí"), required=False, widget=forms.HiddenInput)
    longitude = forms.CharField(label=gettext_lazy("Vị trí"), required=False, widget=forms.HiddenInput)
    # Honeypot: hidden from people by CSS; bots fill it.
    website = forms.CharField(required=False, label=gettext_lazy("Trang web"))


def report(request: HttpRequest) -> HttpResponse:
    """GET: the form (the code from `?code=`); POST: file the report and go to its tracking page."""
    initial_code = (request.GET.get("code") or "")[: counterfeit.MAX_CODE]
    form = CounterfeitForm(request.POST or None, request.FILES or None, initial={"code": initial_code})
    error = ""
    status = 200
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["website"]:
            return render(request, "portal/feedback_sent.html", {"item": None})
        try:
            item = complaints.report_counterfeit(  # stored, then routed to the complaints queue
                actor=request.user if is_authenticated(request.user) else None,
                code=form.cleaned_data["code"],
                address=client_address(request),
                data=form.cleaned_data,
                photo=form.cleaned_data.get("photo"),
            )
        except services.Throttled:
            error, status = _("Bạn đã gửi nhiều phản ánh trong thời gian ngắn. Vui lòng thử lại sau."), 429
        except ValidationError as exc:
            for name, messages in exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]:
                form.add_error(name if name in form.fields else None, messages)
        else:
            return HttpResponseRedirect(reverse("feedback-follow", args=[item.tracking_code]) + "?moi=1")
    if request.method == "POST" and status == 200:
        status = 400  # the form was refused: its errors are shown
    code = form["code"].value() or initial_code
    _link, product, lot = counterfeit.subject(str(code))
    response = render(
        request,
        "portal/counterfeit_form.html",
        {"form": form, "error": error, "product": product, "lot": lot, "code": code},
        status=status,
    )
    response["Permissions-Policy"] = GEOLOCATION_ONLY
    response["Cache-Control"] = "no-store"
    return response

"""Public feedback pages: the form (from a product page), the tracking page, and the lookup by code."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from accounts.permissions import is_authenticated
from catalog import selectors as catalog
from complaints import services as complaints
from feedback import selectors, services
from feedback.choices import FeedbackKind
from gs1.digital_link import InvalidLink, parse_path
from portal.items import client_address


class FeedbackForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại"), choices=FeedbackKind.choices, initial=FeedbackKind.FEEDBACK)
    rating = forms.TypedChoiceField(
        label=_("Đánh giá"),
        choices=[("", "—")] + [(str(i), "★" * i) for i in range(5, 0, -1)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    message = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    contact_name = forms.CharField(label=_("Tên của bạn (không bắt buộc)"), required=False, max_length=100)
    contact = forms.CharField(
        label=_("Điện thoại hoặc thư điện tử (không bắt buộc)"),
        required=False,
        max_length=120,
        help_text=_("Chỉ nhà sản xuất và cơ quan quản lý thấy, để liên hệ lại với bạn."),
    )
    photo = forms.ImageField(label=_("Ảnh (không bắt buộc)"), required=False)
    # Honeypot: hidden from people by CSS; bots fill it.
    website = forms.CharField(required=False, label=_("Trang web"))


def _subject(code: str):  # type: ignore[no-untyped-def]
    try:
        link = parse_path(code)
    except InvalidLink:
        return None, None, None
    product = catalog.public_products().filter(gtin=link.gtin).first() if link.gtin else None
    lot = catalog.public_lot(link.gtin, link.lot) if link.gtin and link.lot else None
    return link, product, lot


def submit(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("code") or request.POST.get("code", "")
    link, product, lot = _subject(code)
    if product is None:
        # A code the portal does not know: what the consumer can do is report it (never a bare "Not Found").
        if code:
            return HttpResponseRedirect(reverse("counterfeit-report") + "?" + urlencode({"code": code[:200]}))
        return HttpResponseRedirect(reverse("feedback-lookup"))
    form = FeedbackForm(request.POST or None, request.FILES or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["website"]:
            return render(request, "portal/feedback_sent.html", {"item": None})
        try:
            item = complaints.submit_feedback(  # stored, then routed to the complaints queue
                actor=request.user if is_authenticated(request.user) else None,
                product=product,
                lot=lot,
                address=client_address(request),
                data={**form.cleaned_data, "serial": link.serial or "" if link else ""},
                photo=form.cleaned_data.get("photo"),
            )
        except services.Throttled:
            error = str(_("Bạn đã gửi nhiều phản ánh trong thời gian ngắn. Vui lòng thử lại sau."))
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            return HttpResponseRedirect(reverse("feedback-follow", args=[item.tracking_code]) + "?moi=1")
    return render(
        request,
        "portal/feedback_form.html",
        {"form": form, "code": code, "product": product, "lot": lot, "link": link, "error": error},
        status=429 if error else 200,
    )


def follow(request: HttpRequest, tracking_code: str) -> HttpResponse:
    code = services.normalise_tracking_code(tracking_code)
    item = selectors.by_tracking_code(code) if code else None
    if item is None:
        raise Http404
    response = render(request, "portal/feedback_follow.html", {"item": item, "new": request.GET.get("moi") == "1"})
    response["Cache-Control"] = "no-store"
    return response


def lookup(request: HttpRequest) -> HttpResponse:
    code = services.normalise_tracking_code(request.GET.get("code", ""))
    if code:
        return HttpResponseRedirect(reverse("feedback-follow", args=[code]))
    return render(request, "portal/feedback_lookup.html", {"asked": "code" in request.GET})

"""Recall alerts by e-mail: a consumer asks from a product page, confirms from the mail, and can stop any time."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from catalog import selectors as catalog
from notifications import services
from notifications.models import ProductWatch
from portal.items import client_address


class WatchForm(forms.Form):
    email = forms.EmailField(
        label=_("Thư điện tử của bạn"),
        max_length=254,
        help_text=_("Chỉ dùng để gửi thông báo thu hồi, cảnh báo về sản phẩm này; không hiện cho ai khác."),
    )
    # Honeypot: hidden from people by CSS; bots fill it.
    website = forms.CharField(required=False, label=_("Trang web"))


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def request_watch(request: HttpRequest, gtin: str) -> HttpResponse:
    product = catalog.public_products().filter(gtin=gtin).first()
    if product is None:
        raise Http404
    form = WatchForm(request.POST or None)
    error, status = "", 200
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["website"]:
            return _private(render(request, "portal/watch_sent.html", {"product": product}))
        try:
            services.request_product_watch(
                actor=request.user,
                product=product,
                email=form.cleaned_data["email"],
                address=client_address(request),
            )
        except services.Throttled:
            error, status = str(_("Bạn đã gửi nhiều yêu cầu trong thời gian ngắn. Vui lòng thử lại sau.")), 429
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            return _private(render(request, "portal/watch_sent.html", {"product": product}))
    return _private(
        render(
            request,
            "portal/watch_form.html",
            {"form": form, "product": product, "error": error},
            status=status if error else (400 if form.errors else 200),
        )
    )


def _watch_or_404(token: str):  # type: ignore[no-untyped-def]

    watch = ProductWatch.objects.select_related("product").filter(token=token).first()
    if watch is None:
        raise Http404
    return watch


@require_http_methods(["GET", "POST"])
def confirm_watch(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners open links); the POST confirms."""
    watch = _watch_or_404(token)
    if request.method == "POST":
        watch = services.confirm_product_watch(actor=request.user, token=token)
    return _private(render(request, "portal/watch_confirm.html", {"watch": watch}))


@require_http_methods(["GET", "POST"])
def stop_watch(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        services.unwatch_product(actor=request.user, token=token)
        return _private(render(request, "portal/watch_stopped.html", {}))
    return _private(render(request, "portal/watch_stop.html", {"watch": _watch_or_404(token)}))

"""The public showcase (/trung-bay/): traced products with filters, pagination and share links; a product's page
with the producer's story, photos, shops and the "contact the producer" form; the PDF catalogue for trade fairs
(Vietnamese and English). Only published data: `showcase.selectors`."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts.lockout import client_ip
from accounts.permissions import is_authenticated
from core.errors import Throttled
from reports.document_text import local_province
from showcase import selectors, services
from showcase.choices import Platform
from showcase.models import Photo, ShopLink

PAGE_SIZE = 12
LANGS = {"vi", "en"}


class InquiryForm(forms.Form):
    buyer_name = forms.CharField(label=gettext_lazy("Họ tên"), max_length=120)
    company = forms.CharField(label=gettext_lazy("Công ty (nếu có)"), max_length=200, required=False)
    email = forms.EmailField(label=gettext_lazy("Thư điện tử (người bán trả lời vào đây)"))
    phone = forms.CharField(label=gettext_lazy("Điện thoại (nếu muốn)"), max_length=20, required=False)
    quantity = forms.CharField(label=gettext_lazy("Số lượng cần mua"), max_length=60, required=False)
    message = forms.CharField(label=gettext_lazy("Nội dung"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    website = forms.CharField(required=False, widget=forms.HiddenInput)  # a trap for robots: people leave it empty


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    filters = selectors.Filters.parse(request.GET)
    page = Paginator(selectors.showcase_products(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = filters.query()
    share = settings.TRUYXUAT_PORTAL_URL + reverse("showcase:index") + ("?" + urlencode(query) if query else "")
    return render(
        request,
        "showcase/index.html",
        {
            "page": page,
            "cards": selectors.cards(list(page.object_list)),
            "filters": filters,
            "query": urlencode(query),
            "categories": selectors.categories(),
            "wards": selectors.wards(),
            "share": share,
        },
    )


@require_http_methods(["GET", "POST"])
def product(request: HttpRequest, gtin: str) -> HttpResponse:
    item = selectors.showcased(gtin)
    if item is None:
        raise Http404
    form = InquiryForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["website"]:
            return HttpResponseRedirect(reverse("showcase:product", args=[gtin]) + "?da-gui=1#lien-he")
        try:
            services.send_inquiry(
                actor=request.user if is_authenticated(request.user) else None,
                product=item,
                address=client_ip(request) or "unknown",
                data=form.cleaned_data,
            )
        except Throttled:
            error = _("Bạn đã gửi nhiều câu hỏi trong thời gian ngắn. Vui lòng thử lại sau.")
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, messages)
        else:
            return HttpResponseRedirect(reverse("showcase:product", args=[gtin]) + "?da-gui=1#lien-he")
    card = selectors.cards([item])[0]
    org = item.organization
    share = settings.TRUYXUAT_PORTAL_URL + reverse("showcase:product", args=[gtin])
    return render(
        request,
        "showcase/product.html",
        {
            "card": card,
            "product": item,
            "org": org,
            "story": selectors.story_of(org),
            "photos": list(Photo.objects.filter(organization=org).order_by("created_at", "pk")),
            "shops": [(Platform(s.platform).label, s.url) for s in ShopLink.objects.filter(organization=org)],
            "form": form,
            "error": error,
            "sent": request.GET.get("da-gui") == "1" and request.method == "GET",
            "share": share,
            "share_text": urlencode({"u": share}),
            "share_url": urlencode({"url": share}),
        },
        status=429 if error else (400 if form.errors else 200),
    )


@require_GET
def catalogue(request: HttpRequest, lang: str) -> HttpResponse:
    if lang not in LANGS:
        raise Http404
    filters = selectors.Filters.parse(request.GET)
    products = list(selectors.showcase_products(filters))
    province = local_province()[0]
    from showcase import pdf  # ReportLab loads on the first catalogue, not at start-up

    body = pdf.catalogue_pdf(products, lang, province)
    response = HttpResponse(body, content_type="application/pdf")
    name = "danh-muc-san-pham" if lang == "vi" else "product-catalogue"
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response

"""Public pages: home with search, search results, organisations, a published lot."""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from catalog import selectors

PAGE_SIZE = 20


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    latest = selectors.published_lots()[:6]
    return render(request, "portal/home.html", {"latest_lots": latest})


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    products, lots = selectors.search_public(query)
    page = Paginator(lots, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/search.html",
        {"query": query, "products": products[:PAGE_SIZE], "page": page},
    )


@require_GET
def organizations(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.public_organizations().order_by("name"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/organizations.html", {"page": page})


@require_GET
def lot_page(request: HttpRequest, gtin: str, lot_code: str) -> HttpResponse:
    gtin14 = gtin.zfill(14) if gtin.isdigit() else gtin
    lot = selectors.public_lot(gtin14, lot_code)
    if lot is None:
        raise Http404
    today: dt.date = timezone.localdate()
    certificates = [(c, c.is_valid_on(today)) for c in selectors.certificates_for_lot(lot)]
    return render(
        request,
        "portal/lot.html",
        {"lot": lot, "product": lot.product, "org": lot.product.organization, "certificates": certificates},
    )

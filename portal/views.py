"""Public pages: home with search, search results, organisations, scan page, language switch."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from catalog import selectors
from catalog.models import PriorityCategory
from gs1.digital_link import InvalidLink, parse_uri
from portal import optional
from portal import search as finder

PAGE_SIZE = 20


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    latest = optional.with_hold_flag(selectors.published_lots())[:6]
    categories = PriorityCategory.objects.filter(is_active=True)
    return render(request, "portal/home.html", {"latest_lots": latest, "categories": categories})


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:200].strip()
    category = request.GET.get("category", "")[:40]
    if query.lower().startswith(("http://", "https://")):
        # A scanned or pasted Digital Link: go straight to its page.
        try:
            return HttpResponseRedirect(parse_uri(query).path())
        except InvalidLink:
            pass
    found = finder.search(query)
    products, lots, organizations = found.products, found.lots, found.organizations
    if category:
        if not found.words:
            products, lots = selectors.public_products(), selectors.published_lots()
        products = products.filter(category__code=category)
        lots = lots.filter(product__category__code=category)
        organizations = organizations.filter(products__category__code=category).distinct()
    page = Paginator(optional.with_hold_flag(lots), PAGE_SIZE).get_page(request.GET.get("page"))
    shown_products = list(products[:PAGE_SIZE])
    shown_organizations = list(organizations[:PAGE_SIZE]) if found.words else []
    return render(
        request,
        "portal/search.html",
        {
            "query": query,
            "asked": bool(found.words or category),
            "category": category,
            "categories": PriorityCategory.objects.filter(is_active=True),
            "products": shown_products,
            "organizations": shown_organizations,
            "nothing": not (shown_products or shown_organizations or page.paginator.count),
            "suggestions": found.suggestions,
            "page": page,
        },
    )


@require_GET
def organizations(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.public_organizations().order_by("name"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/organizations.html", {"page": page})


@require_GET
def scan(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/scan.html", {})


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Clients that ask for /favicon.ico without reading the page's icon links get the icon, not a 404."""
    response = HttpResponsePermanentRedirect(static("truyxuat/icons/favicon.ico"))
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def set_language(request: HttpRequest, lang: str) -> HttpResponse:
    """Switch language with a plain link (no form, no CSRF token), so public pages stay cacheable."""
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response = HttpResponseRedirect(target)
    if lang in dict(settings.LANGUAGES):
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, lang, max_age=365 * 24 * 3600, samesite="Lax")
    return response

"""The GS1 Digital Link resolver: one URL per product, lot, item or place (HTML for people, JSON for machines).

Forms: `/01/<gtin>[/10/<lot>][/21/<serial>]` (GTIN-8/12/13 padded to 14), `/414/<gln>`, `/417/<gln>`, `/00/<sscc>`,
fully compressed (`/AQnYUc1gmiCNV4JG`, answered with `Link: <uncompressed>; rel="owl:sameAs"`) and partially
compressed (`/01/<gtin>/<compressed>`); the short names of the Digital Link standard (`/gtin/…/lot/…/ser/…`,
`/sscc/…`, `/gln/…`, `/party/…`) redirect (301) to the numeric form.
Negotiation (GS1-Conformant resolver 1.2, see portal/linkset.py): `?linkType=linkset|all` or
`Accept: application/linkset+json` → RFC 9264 linkset; `?linkType=gs1:pip` (any link type) → redirect to that link
(the default link when there is none of that type); `Accept: application/json` or `?format=json` → the public data;
otherwise the consumer page. Every key type has its linkset. Unknown codes get a friendly 404 page that warns the
product is not registered. `/.well-known/gs1resolver` describes the resolver. HEAD: core/head.py.
"""

from __future__ import annotations

import hashlib
from urllib.parse import unquote

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.cache import get_conditional_response
from django.utils.http import quote_etag
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from catalog import selectors as catalog
from catalog.models import Facility
from federation.selectors import authoritative_url
from gs1.digital_link import PRIMARY_KEYS, DigitalLink, InvalidLink, parse_path, product_path
from portal import cache, items, linkset, optional, units
from portal.selectors import json_ready
from portal.story import cached_story, page_context

LINKSET_TYPE = linkset.LINKSET_TYPE


def negotiate(request: HttpRequest) -> str:
    """html, json or linkset."""
    accept = request.headers.get("Accept", "")
    if linkset.wants_linkset(request):
        return "linkset"
    if request.GET.get("format") == "json" or ("application/json" in accept and "text/html" not in accept):
        return "json"
    return "html"


def _raw_path(request: HttpRequest) -> str:
    """The request path as sent (percent-encoding kept), so that a lot code containing %2F stays one segment."""
    raw = request.META.get("RAW_URI") or request.META.get("REQUEST_URI") or ""
    return raw.split("?", 1)[0] if raw.startswith("/") else request.path


def _parse(request: HttpRequest, path: str | None = None) -> DigitalLink:
    path = path or _raw_path(request)
    try:
        return parse_path(path, request.META.get("QUERY_STRING", ""))
    except InvalidLink:
        # The server decoded %2F: rebuild /01/<gtin>/10/<lot with slashes>[/21/<serial>].
        parts = [unquote(p) for p in path.strip("/").split("/")]
        if len(parts) > 4 and parts[0] == "01" and parts[2] == "10":
            rest = "/".join(parts[3:])
            lot, _sep, serial = rest.rpartition("/21/") if "/21/" in rest else (rest, "", "")
            rebuilt = product_path(parts[1], lot, serial)
            return parse_path(rebuilt, request.META.get("QUERY_STRING", ""))
        raise


def not_registered(
    request: HttpRequest, code: str, reason: str = "unknown", link: DigitalLink | None = None
) -> HttpResponse:
    fmt = negotiate(request)
    if fmt != "html":
        return JsonResponse(
            {
                "type": "about:blank",
                "title": "Mã chưa được đăng ký truy xuất / This code is not registered",
                "status": 404,
                "code": code,
                "reason": reason,
            },
            status=404,
            content_type="application/problem+json",
            json_dumps_params={"ensure_ascii": False},
        )
    product = catalog.public_products().filter(gtin=link.gtin).first() if link and link.gtin else None
    return render(
        request,
        "portal/not_registered.html",
        {"code": code, "reason": reason, "link": link, "product": product},
        status=404,
    )


def _respond_cached(request: HttpRequest, key: str) -> HttpResponse | None:
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return None
    hit = cache.get(key)
    if hit is None:
        return None
    body, content_type, linkset_url = (*hit, None)[:3]
    return _with_headers(HttpResponse(body, content_type=content_type), request, linkset_url)


def _with_headers(response: HttpResponse, request: HttpRequest, linkset_url: str | None = None) -> HttpResponse:
    # Browsers and proxies may keep a copy but must ask again on every view, so that a recall shows at once;
    # an unchanged page then costs a 304 without a body (the ETag is a digest of the content).
    response["Cache-Control"] = "public, no-cache"
    response["Vary"] = "Accept, Accept-Language, Cookie"
    response["Access-Control-Allow-Origin"] = "*"
    if linkset_url:
        response["Link"] = f'<{linkset_url}>; rel="linkset"; type="{LINKSET_TYPE}"'
    if response.status_code != 200 or response.streaming:
        return response
    response["ETag"] = quote_etag(hashlib.md5(response.content, usedforsecurity=False).hexdigest())
    return get_conditional_response(request, etag=response["ETag"], response=response) or response


def _store(key: str, response: HttpResponse, linkset_url: str | None = None) -> None:
    if response.status_code == 200:
        cache.put(key, (response.content, response["Content-Type"], linkset_url))


@require_GET
def resolve(request: HttpRequest, **_kwargs: str) -> HttpResponse:
    code = _raw_path(request)
    try:
        link = _parse(request)
    except InvalidLink:
        return not_registered(request, code, "invalid")
    response = _dispatch(request, link, code)
    if response.status_code == 404 and link.gtin:  # registered in another province: its node answers (issue 23)
        elsewhere = authoritative_url(link.gtin, link.path())
        if elsewhere is not None:
            return _with_headers(HttpResponseRedirect(elsewhere, status=307), request)
    if link.compressed and response.status_code < 400:
        same = f'<{settings.TRUYXUAT_PORTAL_URL}{link.path()}>; rel="owl:sameAs"'
        response["Link"] = f"{response['Link']}, {same}" if response.has_header("Link") else same
    return response


def _dispatch(request: HttpRequest, link: DigitalLink, code: str) -> HttpResponse:
    if link.kind == "lot":
        return lot_view(request, link)
    if link.kind == "item":
        return items.item_view(request, link)
    if link.kind == "product":
        return product_view(request, link)
    if link.kind in ("location", "party"):
        return place_view(request, link)
    if link.kind == "logistic_unit":
        return units.unit_view(request, link, negotiate(request), not_registered)
    return not_registered(request, code, "unknown", link)


# The short names ("convenience alphas") of GS1 Digital Link for the keys and qualifiers resolved here.
SHORT_NAMES = {"gtin": "01", "lot": "10", "ser": "21", "cpv": "22", "sscc": "00", "gln": "414", "glnx": "254"}
SHORT_NAMES["party"] = "417"


@require_GET
def short_name(request: HttpRequest, **_kwargs: str) -> HttpResponse:
    """`/gtin/<gtin>/lot/<lot>` and the like: 301 to the canonical numeric Digital Link, the query kept."""
    segments = _raw_path(request).strip("/").split("/")
    numeric = [SHORT_NAMES.get(s, s) if i % 2 == 0 else s for i, s in enumerate(segments)]
    query = request.META.get("QUERY_STRING", "")
    try:
        link = _parse(request, "/" + "/".join(numeric))
    except InvalidLink:
        return not_registered(request, _raw_path(request), "invalid")
    response = HttpResponsePermanentRedirect(link.path() + (f"?{query}" if query else ""))
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def resolver_description(request: HttpRequest) -> JsonResponse:
    """`/.well-known/gs1resolver`: the resolver description file of the GS1-Conformant resolver standard."""
    base = settings.TRUYXUAT_PORTAL_URL
    response = JsonResponse(
        {
            "name": "Cổng truy xuất nguồn gốc / Traceability portal",
            "resolverRoot": base,
            "supportedPrimaryKeys": sorted(PRIMARY_KEYS),
            "supportedLinkType": [{"namespace": linkset.GS1, "prefix": "gs1:"}],
            "linkTypeDefaultCanBeLinkset": False,
        },
        json_dumps_params={"ensure_ascii": False},
    )
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=3600"
    return response


def lot_view(request: HttpRequest, link: DigitalLink) -> HttpResponse:
    assert link.gtin and link.lot
    fmt = negotiate(request)
    specific = request.GET.get("linkType") not in (None, *linkset.ALL)
    flavour = ":json" if fmt == "linkset" and linkset.plain_json(request) else ""
    variant = f"{get_language()}:{fmt}{flavour}"
    key = cache.page_key("lot", link.gtin, link.lot, variant)
    if not specific:
        hit = _respond_cached(request, key)
        if hit is not None:
            return hit
    story = cached_story(link.gtin, link.lot)
    if story is None:
        return not_registered(request, link.path(), "unknown", link)
    base = settings.TRUYXUAT_PORTAL_URL
    linkset_url = f"{base}{link.path()}?linkType=all"
    links = linkset.lot_links(base, story)
    answer = linkset.respond(request, story["digital_link"], links)
    if answer is not None and specific:
        return answer
    if answer is not None:
        response: HttpResponse = answer
    elif fmt == "json":
        response = JsonResponse(json_ready(story), json_dumps_params={"ensure_ascii": False})
    else:
        response = render(request, "portal/lot.html", page_context(story))
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        _store(key, response, linkset_url)
    return _with_headers(response, request, linkset_url)


def product_view(request: HttpRequest, link: DigitalLink) -> HttpResponse:
    product = catalog.public_products().filter(gtin=link.gtin).first()
    if product is None:
        return not_registered(request, link.path(), "unknown", link)
    lots = list(optional.with_hold_flag(catalog.published_lots().filter(product=product))[:50])
    fmt = negotiate(request)
    base = settings.TRUYXUAT_PORTAL_URL
    linkset_url = f"{base}{link.path()}?linkType=all"
    answer = linkset.respond(request, base + link.path(), linkset.product_links(base, product.gtin))
    if answer is not None:
        return _with_headers(answer, request, linkset_url)
    if fmt == "json":
        response: HttpResponse = JsonResponse(
            {
                "gtin": product.gtin,
                "name": product.name,
                "brand": product.brand,
                "producer": product.organization.name,
                "lots": [
                    {
                        "lot": lt.lot_code,
                        "status": lt.status,
                        "digital_link": catalog.digital_link(product.gtin, lt.lot_code),
                    }
                    for lt in lots
                ],
            },
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        certificates = product.certificates.all()
        context = {"product": product, "lots": lots, "certificates": certificates}
        response = render(request, "portal/product.html", context)
    return _with_headers(response, request, linkset_url)


def place_view(request: HttpRequest, link: DigitalLink) -> HttpResponse:
    gln = link.gln or ""
    org = catalog.public_organizations().filter(gln=gln).first()
    facility = None
    if org is None:
        facility = (
            Facility.objects.select_related("organization").filter(gln=gln, organization__status="approved").first()
        )
        org = facility.organization if facility else None
    if org is None:
        return not_registered(request, link.path(), "unknown", link)
    products = catalog.public_products().filter(organization=org)
    page = settings.TRUYXUAT_PORTAL_URL + link.path()
    linkset_url = f"{page}?linkType=all"
    answer = linkset.respond(request, page, linkset.place_links(page, facility.name if facility else org.name))
    if answer is not None:
        return _with_headers(answer, request, linkset_url)
    if negotiate(request) == "json":
        response: HttpResponse = JsonResponse(
            {
                "gln": gln,
                "organization": org.name,
                "tax_code": org.tax_code,
                "facility": facility.name if facility else None,
                "address": (facility or org).full_address,
            },
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        response = render(request, "portal/place.html", {"org": org, "facility": facility, "products": products})
    return _with_headers(response, request, linkset_url)

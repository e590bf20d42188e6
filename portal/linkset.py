"""RFC 9264 linksets for Digital Links, with GS1 link types (https://gs1.org/voc/), and how the resolver answers
a request for them (GS1-Conformant resolver standard 1.2): `?linkType=linkset` (or `all`, the older spelling) or
`Accept: application/linkset+json` gives the linkset, served as `application/json` to a client that asks only for
JSON with `linkType`; `?linkType=gs1:<type>` (or the full URI) redirects (307) to that link, or to the default link
when the key has none of that type.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _

from gs1.digital_link import product_link

GS1 = "https://gs1.org/voc/"
LINKSET_TYPE = "application/linkset+json"
ALL = ("linkset", "all")


def link(href: str, title: str, type_: str = "text/html", **extra: Any) -> dict[str, Any]:
    return {"href": href, "title": title, "type": type_, **extra}


def lot_links(base: str, story: dict[str, Any], serial: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """Link types → targets for a lot (or an item of it)."""
    gtin, lot = story["gtin"], story["lot"]
    page = product_link(base, gtin, lot, serial)
    code = quote(page[len(base) :], safe="")
    links: dict[str, list[dict[str, Any]]] = {
        GS1 + "pip": [link(page, _("Thông tin sản phẩm và nguồn gốc"), hreflang=["vi", "en"])],
        GS1 + "defaultLink": [link(page, _("Thông tin sản phẩm và nguồn gốc"))],
        GS1 + "traceability": [
            link(base + story["proof_bundle"], _("Gói bằng chứng sổ cái công khai"), "application/json"),
            link(f"{page}?format=json", _("Dữ liệu truy xuất công khai"), "application/json"),
        ],
        GS1 + "review": [link(f"{base}/phan-anh/gui?code={code}", _("Gửi phản ánh, góp ý"))],
    }
    certs = [
        link(
            (base + c["document"]) if c["document"] else page + "#chung-nhan",
            f"{c['kind_label']} {c['number']} ({c['state']})",
            "application/pdf" if c["document"] else "text/html",
        )
        for c in story["certificates"]
    ]
    if certs:
        links[GS1 + "certificationInfo"] = certs
    if story["recalled"]:
        links[GS1 + "recallStatus"] = [link(page + "#thu-hoi", _("Thông báo thu hồi"))]
    else:
        # a registered lot always answers gs1:recallStatus: a client asking learns "not recalled", not a 404
        links[GS1 + "recallStatus"] = [link(page, _("Lô hàng không bị thu hồi"))]
    if story["recalled"]:
        pass  # the recall notice says it all
    elif story.get("hold"):
        # gs1:safetyInfo (safety information about the product): a hold is not a recall (gs1:recallStatus)
        links[GS1 + "safetyInfo"] = [
            link(page + "#tam-giu", _("Lô hàng đang bị tạm giữ: %(reason)s") % {"reason": story["hold"]["reason"]})
        ]
    elif story.get("upstream_holds"):
        links[GS1 + "safetyInfo"] = [
            link(page + "#tam-giu", _("Lô hàng đang xác minh: %(reason)s") % {"reason": held["hold"]["reason"]})
            for held in story["upstream_holds"]
        ]
    if serial:
        links[GS1 + "verificationService"] = [link(page + "#kiem-tra", _("Kiểm tra mã tem"))]
    return links


def product_links(base: str, gtin: str) -> dict[str, list[dict[str, Any]]]:
    page = product_link(base, gtin)
    return {
        GS1 + "pip": [link(page, _("Thông tin sản phẩm"), hreflang=["vi", "en"])],
        GS1 + "defaultLink": [link(page, _("Thông tin sản phẩm"))],
        GS1 + "review": [
            link(f"{base}/phan-anh/gui?code={quote(page[len(base) :], safe='')}", _("Gửi phản ánh, góp ý"))
        ],
    }


def place_links(page: str, title: str) -> dict[str, list[dict[str, Any]]]:
    """A GLN (`/414/`) or party GLN (`/417/`): the organisation's or facility's page, its data as JSON."""
    return {
        GS1 + "pip": [link(page, title, hreflang=["vi", "en"])],
        GS1 + "defaultLink": [link(page, title)],
        GS1 + "locationInfo": [link(f"{page}?format=json", title, "application/json")],
    }


def unit_links(page: str, title: str, contents: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """An SSCC (`/00/`): the unit's page and the published lots it carries."""
    return {
        GS1 + "pip": [link(page, title, hreflang=["vi", "en"])],
        GS1 + "defaultLink": [link(page, title)],
        GS1 + "traceability": [link(c["digital_link"], f"{c['product']} {c['lot']}") for c in contents],
    }


def linkset(anchor: str, links: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    return {"linkset": [{"anchor": anchor, **links}]}


def find(links: dict[str, list[dict[str, Any]]], link_type: str) -> str | None:
    """The first target of a link type given as `gs1:pip` or the full URI (http or https)."""
    name = GS1 + link_type.split(":", 1)[1] if link_type.startswith("gs1:") else link_type
    if name.startswith("http://gs1.org/voc/"):
        name = GS1 + name.removeprefix("http://gs1.org/voc/")
    targets = links.get(name)
    return targets[0]["href"] if targets else None


def wants_linkset(request: HttpRequest) -> bool:
    return request.GET.get("linkType") in ALL or LINKSET_TYPE in request.headers.get("Accept", "")


def plain_json(request: HttpRequest) -> bool:
    """A linkset asked for with `linkType` by a client that accepts `application/json` but not the linkset type."""
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and LINKSET_TYPE not in accept


def linkset_response(request: HttpRequest, anchor: str, links: dict[str, list[dict[str, Any]]]) -> HttpResponse:
    """The linkset as `application/linkset+json`, or as `application/json` to a client that accepts only that."""
    return HttpResponse(
        json.dumps(linkset(anchor, links), ensure_ascii=False),
        content_type="application/json" if plain_json(request) else LINKSET_TYPE,
    )


def respond(request: HttpRequest, anchor: str, links: dict[str, list[dict[str, Any]]]) -> HttpResponse | None:
    """The redirect to a requested link type, the linkset, or None when the page itself is asked for."""
    link_type = request.GET.get("linkType")
    if link_type and link_type not in ALL:
        target = find(links, link_type) or find(links, "gs1:defaultLink")
        assert target is not None, "every linkset has a gs1:defaultLink"
        response: HttpResponse = HttpResponseRedirect(target, status=307)
        response["Access-Control-Allow-Origin"] = "*"
        response["Vary"] = "Accept"
        return response
    if wants_linkset(request):
        return linkset_response(request, anchor, links)
    return None

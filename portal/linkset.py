"""RFC 9264 linksets for Digital Links, with GS1 link types (https://gs1.org/voc/)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.utils.translation import gettext as _

GS1 = "https://gs1.org/voc/"
LINKSET_TYPE = "application/linkset+json"


def link(href: str, title: str, type_: str = "text/html", **extra: Any) -> dict[str, Any]:
    return {"href": href, "title": title, "type": type_, **extra}


def lot_links(base: str, story: dict[str, Any], serial: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """Link types → targets for a lot (or an item of it)."""
    gtin, lot = story["gtin"], story["lot"]
    page = f"{base}/01/{gtin}/10/{quote(lot, safe='')}"
    if serial:
        page += f"/21/{quote(serial, safe='')}"
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
    page = f"{base}/01/{gtin}"
    return {
        GS1 + "pip": [link(page, _("Thông tin sản phẩm"), hreflang=["vi", "en"])],
        GS1 + "defaultLink": [link(page, _("Thông tin sản phẩm"))],
    }


def linkset(anchor: str, links: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    return {"linkset": [{"anchor": anchor, **links}]}


def find(links: dict[str, list[dict[str, Any]]], link_type: str) -> str | None:
    """The first target of a link type given as `gs1:pip` or the full URI."""
    name = GS1 + link_type.split(":", 1)[1] if link_type.startswith("gs1:") else link_type
    targets = links.get(name)
    return targets[0]["href"] if targets else None

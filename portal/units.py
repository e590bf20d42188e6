"""`/00/<sscc>`: a carton, bag or pallet packed here, with the published lots it carries."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from catalog import selectors as catalog
from catalog.choices import OrganizationStatus
from gs1.digital_link import DigitalLink
from logistics.models import LogisticUnit, LogisticUnitContent
from portal import linkset


def unit_contents(unit: LogisticUnit) -> list[dict[str, Any]]:
    """The published (or recalled) lots in the unit and, on a pallet, in its cartons and bags."""
    units = [unit, *unit.children.all()]
    rows = (
        LogisticUnitContent.objects.filter(unit__in=units, lot__in=catalog.published_lots())
        .select_related("unit", "lot__product")
        .order_by("unit__sscc", "lot__product__name", "lot__lot_code")
    )
    return [
        {
            "sscc": row.unit.sscc,
            "gtin": row.lot.product.gtin,
            "product": row.lot.product.name,
            "lot": row.lot.lot_code,
            "quantity": str(row.quantity.normalize()),
            "unit": row.lot.unit,
            "unit_label": str(row.lot.get_unit_display()),
            "recalled": row.lot.status == "recalled",
            "digital_link": catalog.digital_link(row.lot.product.gtin, row.lot.lot_code),
        }
        for row in rows
    ]


def public_unit(sscc: str) -> tuple[LogisticUnit, list[dict[str, Any]]] | None:
    """The unit and its public contents; None when unknown, its packer is not approved, or nothing in it is public."""
    unit = (
        LogisticUnit.objects.select_related("organization", "parent")
        .filter(sscc=sscc, organization__status=OrganizationStatus.APPROVED)
        .first()
    )
    if unit is None:
        return None
    contents = unit_contents(unit)
    return (unit, contents) if contents else None


def unit_view(request: HttpRequest, link: DigitalLink, fmt: str, not_registered: Any) -> HttpResponse:
    found = public_unit(link.sscc or "")
    if found is None:
        return not_registered(request, link.path(), "unknown", link)
    unit, contents = found
    base = settings.TRUYXUAT_PORTAL_URL
    page = base + link.path()
    response = linkset.respond(request, page, linkset.unit_links(page, str(unit), contents))
    if response is None and fmt == "json":
        response = JsonResponse(
            {
                "sscc": unit.sscc,
                "kind": unit.kind,
                "packed_by": unit.organization.name,
                "packed_at": unit.packed_at.isoformat(),
                "on_pallet": unit.parent.sscc if unit.parent else None,
                "contents": contents,
            },
            json_dumps_params={"ensure_ascii": False},
        )
    elif response is None:
        recalled = [c for c in contents if c["recalled"]]
        response = render(request, "portal/unit.html", {"unit": unit, "contents": contents, "recalled": recalled})
    response["Access-Control-Allow-Origin"] = "*"
    response["Link"] = f'<{page}?linkType=all>; rel="linkset"; type="{linkset.LINKSET_TYPE}"'
    return response

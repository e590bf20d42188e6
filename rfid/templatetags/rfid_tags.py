"""RFID sections of other apps' pages: `{% load rfid_tags %}{% shipment_reads s %}` (the workspace's shipment
page: each gate it passed, what was read, what is missing) and `{% lot_reads story.gtin story.lot %}` (the
consumer's lot page: "Đọc tại cổng kho Đăk Hà, 07/12 08:14")."""

from __future__ import annotations

from typing import Any

from django import template

from catalog.models import Lot
from logistics.models import Shipment
from rfid import selectors

register = template.Library()


@register.inclusion_tag("rfid/shipment_reads.html")
def shipment_reads(shipment: Shipment) -> dict[str, Any]:
    return {"gates": selectors.shipment_reads(shipment)}


@register.inclusion_tag("rfid/lot_reads.html")
def lot_reads(gtin: str, lot_code: str) -> dict[str, Any]:
    lot = Lot.objects.filter(product__gtin=gtin, lot_code=lot_code).first()
    return {"reads": selectors.lot_reads(lot) if lot is not None else []}

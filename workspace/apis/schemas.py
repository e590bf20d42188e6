"""Shapes of the workspace API (request bodies and responses)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from catalog.models import Lot
from catalog.selectors import digital_link
from logistics.models import Shipment


class QuantityIn(Schema):
    lot: int
    quantity: str


class HarvestAreaIn(Schema):
    growing_area: int
    quantity: str


class HarvestIn(Schema):
    product: int
    areas: list[HarvestAreaIn]
    unit: str = "KGM"
    harvested_at: dt.datetime | dt.date | None = None
    lot_code: str = ""
    claims: list[str] = []
    client_id: str | None = None
    note: str = ""
    confirm_yield: bool = Field(
        False, description="Confirms a quantity beyond the area's plausible yield a year (it is then flagged)."
    )


class OutputIn(Schema):
    product: int
    quantity: str
    unit: str = "KGM"
    lot_code: str = ""


class TransformIn(Schema):
    process: str
    inputs: list[QuantityIn]
    outputs: list[OutputIn]
    occurred_at: dt.datetime | dt.date | None = None
    facility: int | None = None
    note: str = ""
    claims: list[str] = []


class PackIn(Schema):
    kind: str
    contents: list[QuantityIn] = []
    count: int = 1
    children: list[str] = []
    packed_at: dt.datetime | dt.date | None = None


class ShipmentIn(Schema):
    receiver: str = ""
    buyer_name: str = ""
    buyer_phone: str = ""
    lines: list[QuantityIn] = []
    units: list[str] = []
    shipped_at: dt.datetime | dt.date | None = None
    note: str = ""


class ReceiptIn(Schema):
    received: dict[str, str] = {}
    note: str = ""
    received_at: dt.datetime | dt.date | None = None


class ReasonIn(Schema):
    reason: str = ""


class ClaimsIn(Schema):
    claims: list[str]


class EntryOut(Schema):
    client_id: str
    created: bool
    activity: str
    growing_area: str
    occurred_at: str
    event_id: str
    safe_from: str | None
    photo: str | None = None  # link to the stored photo (None: none stored)
    voice: str | None = None


class VerdictOut(Schema):
    rule: str
    version: int
    title: str
    outcome: str
    reason: str
    remedy: str
    allowed_from: str | None


class LotOut(Schema):
    id: int
    gtin: str
    lot: str
    product: str
    status: str
    quantity: str
    unit: str
    production_date: str
    origin_areas: list[str]
    claims: list[str]
    digital_link: str


class ShipmentLineOut(Schema):
    id: int
    lot_id: int
    lot: str
    gtin: str
    quantity: str
    received_quantity: str | None
    sscc: str | None


class ShipmentOut(Schema):
    id: str
    sender: str
    receiver: str
    status: str
    shipped_at: str
    received_at: str | None
    note: str
    receiver_note: str
    lines: list[ShipmentLineOut]


def lot_out(lot: Lot) -> dict[str, Any]:
    return {
        "id": lot.pk,
        "gtin": lot.product.gtin,
        "lot": lot.lot_code,
        "product": lot.product.name,
        "status": lot.status,
        "quantity": str(lot.quantity),
        "unit": lot.unit,
        "production_date": lot.production_date.isoformat(),
        "origin_areas": sorted(a.code for a in lot.origin_areas.all()),
        "claims": sorted(lot.claims.values_list("kind", flat=True)),  # type: ignore[attr-defined]
        "digital_link": digital_link(lot.product.gtin, lot.lot_code),
    }


def shipment_out(shipment: Shipment) -> dict[str, Any]:
    return {
        "id": str(shipment.public_id),
        "sender": shipment.sender.name,
        "receiver": shipment.receiver_label,
        "status": shipment.status,
        "shipped_at": shipment.shipped_at.isoformat(),
        "received_at": shipment.received_at.isoformat() if shipment.received_at else None,
        "note": shipment.note,
        "receiver_note": shipment.receiver_note,
        "lines": [
            {
                "id": line.pk,
                "lot_id": line.lot_id,
                "lot": line.lot.lot_code,
                "gtin": line.lot.product.gtin,
                "quantity": str(line.quantity),
                "received_quantity": None if line.received_quantity is None else str(line.received_quantity),
                "sscc": line.unit.sscc if line.unit_id and line.unit else None,
            }
            for line in shipment.lines.select_related("lot__product", "unit")
        ],
    }


def verdict_out(verdict: Any) -> dict[str, Any]:
    return {
        "rule": verdict.rule.code,
        "version": verdict.rule.version,
        "title": verdict.title,
        "outcome": verdict.outcome,
        "reason": verdict.reason,
        "remedy": verdict.remedy,
        "allowed_from": verdict.allowed_from.isoformat() if verdict.allowed_from else None,
    }

"""Lots and their movements: harvest, processing, packing, shipments, rules, submission."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from catalog.models import Lot
from core.errors import NotFound
from core.params import BoundedPageNumberPagination
from logistics import selectors as logistics_selectors
from logistics import services as logistics
from logistics.models import Shipment
from rules import services as rules
from workflows import chain, publication
from workspace.apis.schemas import (
    ClaimsIn,
    HarvestIn,
    LotOut,
    PackIn,
    ReasonIn,
    ReceiptIn,
    ShipmentIn,
    ShipmentOut,
    TransformIn,
    VerdictOut,
    lot_out,
    shipment_out,
    verdict_out,
)
from workspace.auth import AUTH, caller

router = Router(tags=["workspace: lots and shipments"], auth=AUTH)


def _own_lot(request: HttpRequest, lot_id: int) -> Lot:
    lot = Lot.objects.select_related("product__organization").filter(pk=lot_id).first()
    if lot is None or lot.product.organization_id != caller(request).organization.pk:
        raise NotFound("Không tìm thấy lô hàng. / Lot not found.")
    return lot


def _shipment(request: HttpRequest, public_id: str) -> Shipment:
    org = caller(request).organization
    found = logistics_selectors.shipments_for(org).filter(public_id=public_id).first()
    if found is None:
        raise NotFound("Không tìm thấy chuyến hàng. / Shipment not found.")
    return found


def _quantities(rows: list[Any]) -> list[dict[str, Any]]:
    return [{"lot": r.lot, "quantity": r.quantity} for r in rows]


@router.get("/lots", response=list[LotOut], summary="The organisation's lots (every status) and lots it received")
@paginate(BoundedPageNumberPagination)
def list_lots(request: HttpRequest, status: str | None = None) -> Any:
    qs = logistics_selectors.held_lots(caller(request).organization).prefetch_related("origin_areas", "claims")
    if status:
        qs = qs.filter(status=status)
    return [lot_out(lot) for lot in qs[:1000]]


@router.get("/lots/{lot_id}", response=LotOut)
def get_lot(request: HttpRequest, lot_id: int) -> dict[str, Any]:
    return lot_out(_own_lot(request, lot_id))


@router.post("/harvests", response={201: LotOut}, summary="Harvest into a new draft lot (idempotent by client_id)")
def harvest(request: HttpRequest, payload: HarvestIn) -> Status[Any]:
    c = caller(request)
    data = payload.dict()
    data["areas"] = [{"growing_area": a["growing_area"], "quantity": a["quantity"]} for a in data["areas"]]
    lot = chain.harvest(actor=c.actor, organization=c.organization, data=data)
    return Status(201, lot_out(lot))


@router.post("/transformations", response={201: list[LotOut]}, summary="Process input lots into output lots")
def transform(request: HttpRequest, payload: TransformIn) -> Status[Any]:
    c = caller(request)
    data = payload.dict()
    data["inputs"] = _quantities(payload.inputs)
    t = chain.transform(actor=c.actor, organization=c.organization, data=data)
    return Status(201, [lot_out(lot) for lot in t.outputs.all()])


@router.post("/packing", response={201: list[str]}, summary="Pack into cartons/bags/pallets; returns the SSCCs")
def pack(request: HttpRequest, payload: PackIn) -> Status[Any]:
    c = caller(request)
    data = payload.dict()
    data["contents"] = _quantities(payload.contents)
    units = chain.pack(actor=c.actor, organization=c.organization, data=data)
    return Status(201, [u.sscc for u in units])


@router.put("/lots/{lot_id}/claims", response=LotOut, summary="Set the certificates a draft lot claims")
def set_claims(request: HttpRequest, lot_id: int, payload: ClaimsIn) -> dict[str, Any]:
    lot = chain.update_claims(actor=caller(request).actor, lot=_own_lot(request, lot_id), claims=payload.claims)
    return lot_out(lot)


@router.post("/lots/{lot_id}/check", response=list[VerdictOut], summary="Run every rule on the lot now")
def check(request: HttpRequest, lot_id: int) -> list[dict[str, Any]]:
    verdicts = rules.check_lot(actor=caller(request).actor, lot=_own_lot(request, lot_id))
    return [verdict_out(v) for v in verdicts]


@router.post("/lots/{lot_id}/submit", response=LotOut, summary="Submit a draft lot for the agency's review")
def submit(request: HttpRequest, lot_id: int) -> dict[str, Any]:
    lot = _own_lot(request, lot_id)
    return lot_out(publication.submit_lot(actor=caller(request).actor, lot=lot))


@router.get("/shipments", response=list[ShipmentOut], summary="Shipments sent or received by the organisation")
@paginate(BoundedPageNumberPagination)
def list_shipments(request: HttpRequest, status: str | None = None) -> Any:
    qs = logistics_selectors.shipments_for(caller(request).organization)
    if status:
        qs = qs.filter(status=status)
    return [shipment_out(s) for s in qs[:1000]]


@router.post("/shipments", response={201: ShipmentOut}, summary="Ship lots or SSCC units to an organisation or buyer")
def create_shipment(request: HttpRequest, payload: ShipmentIn) -> Status[Any]:
    c = caller(request)
    data = payload.dict()
    data["lines"] = _quantities(payload.lines)
    shipment = chain.create_shipment(actor=c.actor, organization=c.organization, data=data)
    return Status(201, shipment_out(shipment))


@router.get("/shipments/{public_id}", response=ShipmentOut)
def get_shipment(request: HttpRequest, public_id: str) -> dict[str, Any]:
    return shipment_out(_shipment(request, public_id))


@router.post("/shipments/{public_id}/confirm", response=ShipmentOut, summary="Receiver confirms receipt")
def confirm(request: HttpRequest, public_id: str, payload: ReceiptIn) -> dict[str, Any]:
    shipment = chain.confirm_receipt(
        actor=caller(request).actor, shipment=_shipment(request, public_id), data=payload.dict()
    )
    return shipment_out(shipment)


@router.post("/shipments/{public_id}/reject", response=ShipmentOut, summary="Receiver refuses the goods")
def reject(request: HttpRequest, public_id: str, payload: ReasonIn) -> dict[str, Any]:
    s = logistics.reject_shipment(
        actor=caller(request).actor, shipment=_shipment(request, public_id), reason=payload.reason
    )
    return shipment_out(s)


@router.post("/shipments/{public_id}/cancel", response=ShipmentOut, summary="Sender cancels a pending shipment")
def cancel(request: HttpRequest, public_id: str, payload: ReasonIn) -> dict[str, Any]:
    s = logistics.cancel_shipment(
        actor=caller(request).actor, shipment=_shipment(request, public_id), reason=payload.reason
    )
    return shipment_out(s)


__all__ = ["router"]

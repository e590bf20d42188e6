"""Reads of lots' movements: lineage (which lots a lot came from), what an organisation holds, shipments."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from django.db.models import Q, QuerySet, Sum

from catalog.models import Lot, Organization
from logistics.choices import DONE_STATUSES, ShipmentStatus
from logistics.models import Shipment, ShipmentLine, TransformationInput, YieldFlag

MAX_DEPTH = 50


def lineage(lot: Lot, direction: Literal["upstream", "downstream"]) -> list[Lot]:
    """The lots `lot` was made from through processing (upstream), or that were made from it (downstream),
    directly or not, nearest first (the lot itself excluded; at most `MAX_DEPTH` steps)."""
    seen = {lot.pk}
    frontier = [lot.pk]
    ordered: list[int] = []
    for _depth in range(MAX_DEPTH):
        if direction == "upstream":
            found = set(TransformationInput.objects.filter(transformation__outputs__in=frontier).values_list("lot_id"))
        else:
            found = set(Lot.objects.filter(made_by__inputs__lot__in=frontier).values_list("pk"))
        frontier = [pk for (pk,) in found if pk not in seen]
        if not frontier:
            break
        seen.update(frontier)
        ordered.extend(sorted(frontier))
    by_pk = Lot.objects.select_related("product__organization").in_bulk(ordered)
    return [by_pk[pk] for pk in ordered]


def upstream_lots(lot: Lot) -> list[Lot]:
    """Every lot `lot` was made from, through processing, nearest first (the lot itself excluded)."""
    return lineage(lot, "upstream")


def downstream_lots(lot: Lot) -> list[Lot]:
    """Every lot made (directly or not) from `lot`."""
    return lineage(lot, "downstream")


def _sum(qs: QuerySet, field: str) -> Decimal:
    return qs.aggregate(total=Sum(field))["total"] or Decimal(0)


def available(organization: Organization, lot: Lot) -> Decimal:
    """How much of `lot` the organisation holds: produced or received, minus processed and sent on."""
    if lot.product.organization_id == organization.pk:
        held = lot.quantity
    else:
        held = _sum(
            ShipmentLine.objects.filter(lot=lot, shipment__receiver=organization, shipment__status__in=DONE_STATUSES),
            "received_quantity",
        )
    used = _sum(TransformationInput.objects.filter(lot=lot, transformation__organization=organization), "quantity")
    sent = _sum(
        ShipmentLine.objects.filter(lot=lot, shipment__sender=organization).exclude(
            shipment__status__in=(ShipmentStatus.REJECTED, ShipmentStatus.CANCELLED)
        ),
        "quantity",
    )
    return held - used - sent


def held_lots(organization: Organization) -> QuerySet[Lot]:
    """Lots the organisation produced or has received (confirmed), newest first."""
    received = ShipmentLine.objects.filter(shipment__receiver=organization, shipment__status__in=DONE_STATUSES).values(
        "lot_id"
    )
    return (
        Lot.objects.filter(Q(product__organization=organization) | Q(pk__in=received))
        .select_related("product")
        .order_by("-production_date", "-id")
    )


def shipments_for(organization: Organization) -> QuerySet[Shipment]:
    return (
        Shipment.objects.filter(Q(sender=organization) | Q(receiver=organization))
        .select_related("sender", "receiver")
        .prefetch_related("lines__lot__product")
    )


def pending_receipts(organization: Organization) -> QuerySet[Shipment]:
    """Shipments waiting for this organisation to confirm receipt."""
    return shipments_for(organization).filter(receiver=organization, status=ShipmentStatus.PENDING)


def yield_flags(officer: Any) -> QuerySet[YieldFlag]:
    """Harvests confirmed beyond the plausible yield that an officer sees (its province; all for an admin)."""
    rows = YieldFlag.objects.select_related("lot__product", "growing_area", "organization", "confirmed_by")
    if not getattr(officer, "is_superuser", False) and officer.agency_id is not None:
        rows = rows.filter(organization__province_code=officer.agency.province_code)
    return rows.order_by("-created_at", "-id")

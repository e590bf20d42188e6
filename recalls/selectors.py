"""Reads of recalls for the officer pages, the producer workspace and the consumer lot page.

For the portal: `recall_notice_for_lot(lot)` returns the latest recall that names the lot (open or closed,
the lot stays recalled) as a dict — code, notice, reason, hazard_class, started_at, status, closed_at —
or None; `active_recall_for_lot(lot)` returns the open `Recall` or None.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum

from catalog.models import Lot
from recalls.choices import RecallStatus
from recalls.models import Recall, RecallLot, RecallParty


def active_recall_for_lot(lot: Lot) -> Recall | None:
    link = (
        RecallLot.objects.filter(lot=lot, recall__status=RecallStatus.OPEN)
        .select_related("recall")
        .order_by("-recall__started_at")
        .first()
    )
    return link.recall if link else None


def recall_notice_for_lot(lot: Lot) -> dict[str, Any] | None:
    link = RecallLot.objects.filter(lot=lot).select_related("recall").order_by("-recall__started_at").first()
    if link is None:
        return None
    r = link.recall
    return {
        "code": r.code,
        "notice": r.notice,
        "reason": r.reason,
        "hazard_class": r.hazard_class,
        "hazard_label": r.get_hazard_class_display(),
        "started_at": r.started_at,
        "status": r.status,
        "closed_at": r.closed_at,
    }


def recalls(officer: Any) -> QuerySet[Recall]:
    qs = Recall.objects.select_related("organization", "started_by")
    if getattr(officer, "is_superuser", False) or officer.agency_id is None:
        return qs
    return qs.filter(organization__province_code=officer.agency.province_code)


def for_organization(org: Any) -> QuerySet[RecallParty]:
    """The recall requests an organisation must answer (for the producer workspace)."""
    return RecallParty.objects.filter(organization=org).select_related("recall").order_by("-recall__started_at")


def progress(recall: Recall) -> dict[str, Any]:
    parties = recall.parties.filter(organization__isnull=False)
    total = parties.count()
    acknowledged = parties.filter(acknowledged_at__isnull=False).count()
    lots = recall.lots.filter(lot__isnull=False).select_related("lot")
    quantity = sum((rl.lot.quantity for rl in lots if rl.lot), Decimal(0))
    withdrawn = parties.aggregate(total=Sum("quantity_withdrawn"))["total"] or Decimal(0)
    return {
        "parties": total,
        "acknowledged": acknowledged,
        "percent": round(acknowledged * 100 / total) if total else 100,
        "lots": recall.lots.count(),
        "catalog_lots": lots.count(),
        "quantity": quantity,
        "withdrawn": withdrawn,
    }


def map_points(recall: Recall) -> list[dict[str, Any]]:
    """Points to draw: facilities of affected organisations (with coordinates)."""
    from catalog.models import Facility

    org_ids = {p.organization_id for p in recall.parties.all() if p.organization_id}
    glns = {p.gln for p in recall.parties.all() if p.gln}
    points = []
    for f in Facility.objects.filter(Q(organization_id__in=org_ids) | Q(gln__in=glns)).exclude(latitude=None):
        points.append(
            {
                "name": f.name,
                "org": f.organization_id,
                "lat": float(f.latitude),  # type: ignore[arg-type]
                "lon": float(f.longitude),  # type: ignore[arg-type]
                "root": f.organization_id == recall.organization_id,
            }
        )
    return points

"""Reads of recalls for the officer pages, the producer workspace and the consumer lot page.

For the portal: `recall_notice_for_lot(lot)` returns the latest recall that names the lot (open or closed,
the lot stays recalled) as a dict — code, notice, reason, hazard_class, started_at, status, closed_at —
or None; `active_recall_for_lot(lot)` returns the open `Recall` or None.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from catalog.models import Lot
from recalls.choices import RecallStatus
from recalls.display import progress_rows
from recalls.models import Recall, RecallLot, RecallParty
from recalls.scope import add_quantity


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
    """Acknowledgements and quantities withdrawn against the quantities in scope, per unit (never kg plus bags).

    `units`: one row per unit {unit, withdrawn, total, text ("2.000 kg / 18.000 kg"), percent};
    `text`: the rows joined with " · ".
    """
    parties = recall.parties.filter(organization__isnull=False)
    total = parties.count()
    acknowledged = parties.filter(acknowledged_at__isnull=False).count()
    lots = recall.lots.filter(lot__isnull=False).select_related("lot")
    in_scope: dict[str, Decimal] = {}
    for rl in lots:
        add_quantity(in_scope, rl.lot.quantity, rl.lot.unit)  # type: ignore[union-attr]
    withdrawn: dict[str, Decimal] = {}
    for qty, unit in parties.exclude(quantity_withdrawn=None).values_list("quantity_withdrawn", "unit"):
        add_quantity(withdrawn, qty, unit)
    rows = progress_rows(withdrawn, in_scope)
    return {
        "parties": total,
        "acknowledged": acknowledged,
        "percent": round(acknowledged * 100 / total) if total else 100,
        "lots": recall.lots.count(),
        "catalog_lots": lots.count(),
        "units": rows,
        "text": " · ".join(r["text"] for r in rows),
    }

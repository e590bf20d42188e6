"""What a lot's public page reads from quality and recalls: lab results, the recall notice, holds."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from catalog.models import Lot
from catalog.selectors import PUBLIC_LOT_STATUSES, digital_link
from core.models import AuditEntry
from quality import selectors as quality
from quality.selectors import hold_facts, lab_results_for_lot, public_holds, upstream_holds
from recalls.selectors import recall_notice_for_lot


def lab_tests(lot: Lot) -> list[Any]:
    return list(lab_results_for_lot(lot)[:50])


def recall_notice(lot: Lot) -> dict[str, Any] | None:
    """The recall notice of a recalled lot: the recalls app's notice, else the reason the officer gave.

    Hook: `recalls.selectors.recall_notice_for_lot(lot)` returns {code, notice, reason, hazard_label, started_at}.
    """
    if lot.status != "recalled":
        return None
    notice = recall_notice_for_lot(lot)
    if notice:
        return notice
    entry = (
        AuditEntry.objects.filter(object_type="catalog.lot", object_id=str(lot.pk), action="recall")
        .order_by("-at")
        .first()
    )
    return {
        "code": "",
        "notice": entry.reason if entry else "",
        "reason": "",
        "started_at": entry.at if entry else None,
    }


def with_hold_flag(lots: QuerySet[Lot]) -> QuerySet[Lot]:
    """Lots annotated `on_hold` for the public lists ("Đang tạm giữ")."""
    return quality.with_hold_flag(lots)


def holds(lot: Lot) -> dict[str, Any]:
    """What the public sees of holds: `hold` (the lot's own active hold, as `quality.selectors.hold_facts`, or
    None), `upstream_holds` (held lots it was made from or packed with: gtin, lot, product, digital_link, public,
    hold) and `safety_status` ('recalled', 'held', 'verifying' or 'ok')."""
    out: dict[str, Any] = {"safety_status": "ok", "hold": None, "upstream_holds": []}
    if lot.status == "recalled":
        return {**out, "safety_status": "recalled"}
    holds = list(public_holds())  # one query; usually empty, and then nothing more is read
    own = next((h for h in holds if h.lot_id == lot.pk), None)
    if own is not None:
        return {**out, "safety_status": "held", "hold": hold_facts(own)}
    upstream = []
    for hold in upstream_holds(lot, holds) if holds else []:
        held = hold.lot
        upstream.append(
            {
                "gtin": held.product.gtin,
                "lot": held.lot_code,
                "product": held.product.name,
                "digital_link": digital_link(held.product.gtin, held.lot_code),
                "public": held.status in PUBLIC_LOT_STATUSES and held.product.organization.status == "approved",
                "hold": hold_facts(hold),
            }
        )
    if upstream:
        return {**out, "safety_status": "verifying", "upstream_holds": upstream}
    return out

"""Reads from apps that may not be installed on every node (lab tests, recalls, EPCIS): absent means empty."""

from __future__ import annotations

from typing import Any

from django.apps import apps

from catalog.models import Lot


def lab_tests(lot: Lot) -> list[Any]:
    if not apps.is_installed("quality"):
        return []
    from quality.selectors import lab_results_for_lot

    return list(lab_results_for_lot(lot)[:50])


def recall_notice(lot: Lot) -> dict[str, Any] | None:
    """The recall notice of a recalled lot: the recalls app's notice, else the reason the officer gave.

    Hook: `recalls.selectors.recall_notice_for_lot(lot)` returns {code, notice, reason, hazard_label, started_at}.
    """
    if lot.status != "recalled":
        return None
    if apps.is_installed("recalls"):
        from recalls.selectors import recall_notice_for_lot

        notice = recall_notice_for_lot(lot)
        if notice:
            return notice
    from core.models import AuditEntry

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

"""The ledger payload of a recall (appended when it starts and when it closes)."""

from __future__ import annotations

from typing import Any

from recalls.models import Recall


def recall_payload(recall: Recall) -> dict[str, Any]:
    return {
        "code": recall.code,
        "origin": recall.origin,
        "hazard_class": recall.hazard_class,
        "reason": recall.reason,
        "notice": recall.notice,
        "status": recall.status,
        "organization_tax_code": recall.organization.tax_code,
        "root_lab_test": recall.root_lab_test_id,
        "lots": sorted(recall.lots.values_list("key", flat=True)),
        "started_at": recall.started_at.isoformat(),
        "closed_at": recall.closed_at.isoformat() if recall.closed_at else None,
    }

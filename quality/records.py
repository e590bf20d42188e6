"""The ledger payload of a test result."""

from __future__ import annotations

from typing import Any

from quality.models import LabTest, LotHold


def lab_test_payload(test: LabTest) -> dict[str, Any]:
    return {
        "kind": test.kind,
        "analyte": test.analyte.code,
        # as the column stores them (6 places), so the leaf appended from the unsaved value ("0.12") is the one
        # the audit recomputes from the row ("0.120000")
        "value": f"{test.value:.6f}",
        "unit": test.unit,
        "limit": f"{test.limit:.6f}" if test.limit is not None else None,
        "limit_source": test.limit_source,
        "passed": test.passed,
        "method": test.method,
        "laboratory": test.laboratory,
        "sample_code": test.sample_code,
        "sampled_on": test.sampled_on.isoformat(),
        "organization_tax_code": test.organization.tax_code,
        "lots": sorted(f"{lot.product.gtin}/{lot.lot_code}" for lot in test.lots.select_related("product")),
        "facility_gln": test.facility.gln if test.facility else None,
        "growing_area_code": test.growing_area.code if test.growing_area else None,
    }


def lot_hold_payload(hold: LotHold) -> dict[str, Any]:
    """A hold as recorded when placed and again when released (the audit compares the latest version)."""
    lot = hold.lot
    return {
        "lot": f"{lot.product.gtin}/{lot.lot_code}",
        "lab_test": hold.lab_test_id,
        "reason": hold.reason,
        "held_at": hold.held_at.isoformat(),
        "released_at": hold.released_at.isoformat() if hold.released_at else None,
        "release_reason": hold.release_reason,
    }

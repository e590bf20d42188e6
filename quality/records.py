"""The ledger payload of a test result."""

from __future__ import annotations

from typing import Any

from quality.models import LabTest


def lab_test_payload(test: LabTest) -> dict[str, Any]:
    return {
        "kind": test.kind,
        "analyte": test.analyte.code,
        "value": str(test.value),
        "unit": test.unit,
        "limit": str(test.limit) if test.limit is not None else None,
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

"""What of a stamp batch goes into the ledger: the decision and a digest of the serials it made genuine."""

from __future__ import annotations

import hashlib
from typing import Any

from ledger.choices import LeafKind
from ledger.records import register
from stamps.models import StampBatch


def batch_payload(batch: StampBatch) -> dict[str, Any]:
    serials = sorted(batch.stamps.values_list("serial", flat=True))
    return {
        "gtin": batch.product.gtin,
        "lot": batch.lot.lot_code if batch.lot else None,
        "organization_tax_code": batch.organization.tax_code,
        "quantity": batch.quantity,
        "status": batch.status,
        "serials_sha256": hashlib.sha256("\n".join(serials).encode()).hexdigest(),
    }


def register_all() -> None:
    register(LeafKind.STAMP_BATCH, StampBatch, batch_payload)

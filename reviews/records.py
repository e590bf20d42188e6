"""The ledger payload of a review decision."""

from __future__ import annotations

import hashlib
from typing import Any

from gs1.canonical import canonical_bytes
from reviews.models import Review


def review_payload(review: Review) -> dict[str, Any]:
    return {
        "kind": review.kind,
        "subject_type": review.subject_type,
        "subject_id": review.subject_id,
        "subject": review.subject_label,
        "organization_tax_code": review.organization.tax_code,
        "decision": review.decision,
        "reason": review.reason,
        "decided_by": review.decided_by.username if review.decided_by else None,
        "automatic": review.automatic,
        "decided_at": review.decided_at.isoformat(),
        "snapshot_sha256": hashlib.sha256(canonical_bytes(review.snapshot)).hexdigest(),
    }

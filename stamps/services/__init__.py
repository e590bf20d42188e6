"""Every write of the stamps domain: batches (request, approve, reject, revoke, printed) and scans."""

from stamps.services.batches import (
    MAX_BATCH,
    approve_batch,
    mark_printed,
    reject_batch,
    request_batch,
    revoke_batch,
)
from stamps.services.scans import Throttled, attach_location, record_scan, verify_check_code

__all__ = [
    "MAX_BATCH",
    "Throttled",
    "approve_batch",
    "attach_location",
    "mark_printed",
    "record_scan",
    "reject_batch",
    "request_batch",
    "revoke_batch",
    "verify_check_code",
]

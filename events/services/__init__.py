"""Every write of the events domain: capture (with genealogy and ledger) and the recall scope service.

Other apps call `capture_events(...)` / `capture_document(...)`; see their docstrings.
"""

from events.services.capture import CaptureResult, CaptureTooLarge, capture_document, capture_events, record_failure
from events.services.recall import RecallScope, recall_scope

__all__ = [
    "CaptureResult",
    "CaptureTooLarge",
    "RecallScope",
    "capture_document",
    "capture_events",
    "recall_scope",
    "record_failure",
]

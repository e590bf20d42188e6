"""Every write of the quality domain: atomic, checks the actor (an officer of the organisation's province),
writes the audit entry and, for test results, the ledger leaf."""

from quality.services.inspections import (
    confirm_follow_up,
    open_violation,
    plan_inspection,
    record_inspection,
    update_violation,
)
from quality.services.lab_tests import lots_to_hold, max_level_for, record_lab_test, release_hold, set_max_level

__all__ = [
    "confirm_follow_up",
    "lots_to_hold",
    "max_level_for",
    "open_violation",
    "plan_inspection",
    "record_inspection",
    "record_lab_test",
    "release_hold",
    "set_max_level",
    "update_violation",
]

"""Reads of test results, holds, inspections and violations shared by pages, the API and other apps.

`lab_results_for_lot(lot)` is what the consumer lot page shows (results with their limits);
`active_holds(lot)` tells whether a lot is held (reviews refuse to publish a held lot).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from catalog.models import Lot
from quality.choices import CLOSED_HANDLING, InspectionStatus
from quality.models import Inspection, LabTest, LotHold, Violation


def lab_results_for_lot(lot: Lot) -> QuerySet[LabTest]:
    """Results that speak for a lot: linked to it, or to one of its origin growing areas; newest first.

    Each has analyte (name via `analyte_name`), value, unit, limit (None where no maximum level applies),
    limit_source (the regulation), passed, method, laboratory, sampled_on.
    """
    return (
        LabTest.objects.filter(Q(lots=lot) | Q(growing_area__in=lot.origin_areas.all()))
        .select_related("analyte")
        .distinct()
        .order_by("-sampled_on", "-id")
    )


def active_holds(lot: Lot) -> QuerySet[LotHold]:
    return LotHold.objects.filter(lot=lot, released_at__isnull=True)


def _province(officer: Any) -> Q:
    if getattr(officer, "is_superuser", False) or officer.agency_id is None:
        return Q()
    return Q(organization__province_code=officer.agency.province_code)


def lab_tests(officer: Any) -> QuerySet[LabTest]:
    return LabTest.objects.filter(_province(officer)).select_related("analyte", "organization")


def inspections(officer: Any) -> QuerySet[Inspection]:
    return Inspection.objects.filter(_province(officer)).select_related("facility", "organization", "lead")


def overdue_follow_ups(officer: Any, today: dt.date | None = None) -> QuerySet[Inspection]:
    today = today or timezone.localdate()
    return inspections(officer).filter(
        status=InspectionStatus.DONE, follow_up_due__lt=today, follow_up_done_at__isnull=True
    )


def violations(officer: Any) -> QuerySet[Violation]:
    return Violation.objects.filter(_province(officer)).select_related("organization", "facility")


def open_violations(officer: Any) -> QuerySet[Violation]:
    return violations(officer).exclude(status__in=CLOSED_HANDLING)

"""Complaint cases for the officer pages, dashboards and reports."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from complaints.models import ComplaintCase
from complaints.services import OPEN_STATUSES


def cases(officer: Any) -> QuerySet[ComplaintCase]:
    qs = ComplaintCase.objects.select_related("feedback__organization", "feedback__product", "feedback__lot")
    if officer is None or getattr(officer, "is_superuser", False) or officer.agency_id is None:
        return qs
    qs = qs.filter(feedback__organization__province_code=officer.agency.province_code)
    return scoped(qs, officer)


def scoped(qs: QuerySet[ComplaintCase], officer: Any) -> QuerySet[ComplaintCase]:
    """Within the officer's department scope (issue 25): the agency's product groups and communes, then the
    officer's own; empty scopes narrow nothing."""
    agency = officer.agency
    for categories in (
        list(agency.scope_categories.values_list("pk", flat=True)),
        list(officer.scope_categories.values_list("pk", flat=True)),
    ):
        if categories:
            qs = qs.filter(feedback__product__category_id__in=categories)
    for wards in (agency.scope_ward_codes or [], officer.scope_ward_codes or []):
        if wards:
            qs = qs.filter(feedback__organization__ward_code__in=wards)
    return qs


def open_cases(officer: Any) -> QuerySet[ComplaintCase]:
    return cases(officer).filter(feedback__status__in=OPEN_STATUSES)


def overdue_cases(officer: Any) -> QuerySet[ComplaintCase]:
    return open_cases(officer).filter(response_due__lt=timezone.now())

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
    return qs.filter(feedback__organization__province_code=officer.agency.province_code)


def open_cases(officer: Any) -> QuerySet[ComplaintCase]:
    return cases(officer).filter(feedback__status__in=OPEN_STATUSES)


def overdue_cases(officer: Any) -> QuerySet[ComplaintCase]:
    return open_cases(officer).filter(response_due__lt=timezone.now())

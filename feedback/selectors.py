"""Feedback reads for the public follow page and for producers' and agencies' lists."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from catalog.models import Organization
from feedback.choices import FeedbackKind
from feedback.models import Feedback


def by_tracking_code(code: str) -> Feedback | None:
    return (
        Feedback.objects.select_related("product", "lot", "organization")
        .prefetch_related("answers__organization")
        .filter(tracking_code=code)
        .first()
    )


def for_organization(organization: Organization) -> QuerySet[Feedback]:
    return Feedback.objects.filter(organization=organization).select_related("product", "lot")


def counterfeit_reports(officer: Any) -> QuerySet[Feedback]:
    """Counterfeit reports an officer handles: those of organisations (producers, or the agency itself for
    unknown codes) of the officer's province; a platform admin sees all. Newest first."""
    qs = Feedback.objects.filter(kind=FeedbackKind.COUNTERFEIT).select_related("organization", "product", "lot", "case")
    if getattr(officer, "is_superuser", False) or getattr(officer, "agency_id", None) is None:
        return qs
    return qs.filter(organization__province_code=officer.agency.province_code)

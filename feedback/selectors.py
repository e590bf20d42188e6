"""Feedback reads for the public follow page and for producers' and agencies' lists."""

from __future__ import annotations

from django.db.models import Avg, Count, QuerySet

from catalog.models import Organization, Product
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


def rating_summary(product: Product) -> dict[str, float | int | None]:
    agg = Feedback.objects.filter(product=product, rating__isnull=False).aggregate(avg=Avg("rating"), n=Count("id"))
    return {"average": round(agg["avg"], 1) if agg["avg"] else None, "count": agg["n"]}

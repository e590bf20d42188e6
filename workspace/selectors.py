"""What the producer's dashboard shows: what needs attention now, and lots and scans over time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from catalog.models import Certificate, Lot, Organization
from logistics.choices import ShipmentStatus
from logistics.selectors import pending_receipts, shipments_for
from rules.selectors import blocked_lots
from workspace.charts import months_back

EXPIRY_WARNING_DAYS = 60


@dataclass
class Attention:
    pending_receipts: list[Any] = field(default_factory=list)
    awaiting_receiver: int = 0
    expiring_certificates: list[Certificate] = field(default_factory=list)
    blocked: list[Any] = field(default_factory=list)
    new_feedback: list[Any] = field(default_factory=list)
    drafts: int = 0
    notifications: list[Any] = field(default_factory=list)

    @property
    def total(self) -> int:
        return (
            len(self.pending_receipts)
            + len(self.expiring_certificates)
            + len(self.blocked)
            + len(self.new_feedback)
            + len(self.notifications)
        )


def expiring_certificates(org: Organization, today: dt.date | None = None) -> list[Certificate]:
    """Certificates that run out within 60 days, or ran out in the last 30 (reminders)."""
    today = today or timezone.localdate()
    return list(
        Certificate.objects.filter(
            organization=org,
            valid_to__gte=today - dt.timedelta(days=30),
            valid_to__lte=today + dt.timedelta(days=EXPIRY_WARNING_DAYS),
        ).order_by("valid_to")
    )


def attention(org: Organization, user: Any) -> Attention:
    out = Attention(
        pending_receipts=list(pending_receipts(org)[:20]),
        awaiting_receiver=shipments_for(org).filter(sender=org, status=ShipmentStatus.PENDING).count(),
        expiring_certificates=expiring_certificates(org),
        blocked=blocked_lots(org),
        drafts=Lot.objects.filter(product__organization=org, status="draft").count(),
    )
    try:
        from feedback.choices import FeedbackStatus
        from feedback.selectors import for_organization

        out.new_feedback = list(for_organization(org).filter(status=FeedbackStatus.NEW)[:20])
    except ImportError:  # the feedback app is not installed on this node
        pass
    try:
        from notifications.selectors import for_user

        out.notifications = list(for_user(user).filter(read_at__isnull=True)[:10])
    except (ImportError, LookupError):
        pass
    return out


def lots_per_month(org: Organization, months: int = 12) -> list[tuple[str, int]]:
    starts = months_back(timezone.localdate(), months)
    rows = (
        Lot.objects.filter(product__organization=org, production_date__gte=starts[0])
        .annotate(month=TruncMonth("production_date"))
        .values("month")
        .annotate(n=Count("id"))
    )
    counts = {r["month"].strftime("%Y-%m"): r["n"] for r in rows}
    return [(f"{m:%m/%y}", counts.get(m.strftime("%Y-%m"), 0)) for m in starts]


def scans_per_month(org: Organization, months: int = 12) -> list[tuple[str, int]]:
    starts = months_back(timezone.localdate(), months)
    try:
        from stamps.models import Scan
    except ImportError:
        return [(f"{m:%m/%y}", 0) for m in starts]
    since = timezone.make_aware(dt.datetime.combine(starts[0], dt.time()))
    gtins = list(org.products.values_list("gtin", flat=True))
    rows = (
        Scan.objects.filter(gtin__in=gtins, at__gte=since)
        .annotate(month=TruncMonth("at"))
        .values("month")
        .annotate(n=Count("id"))
    )
    counts: dict[str, int] = {}
    for r in rows:
        month = timezone.localtime(r["month"]) if timezone.is_aware(r["month"]) else r["month"]
        counts[month.strftime("%Y-%m")] = counts.get(month.strftime("%Y-%m"), 0) + r["n"]
    return [(f"{m:%m/%y}", counts.get(m.strftime("%Y-%m"), 0)) for m in starts]


def lot_counts(org: Organization) -> dict[str, int]:
    rows = Lot.objects.filter(product__organization=org).values("status").annotate(n=Count("id"))
    return {r["status"]: r["n"] for r in rows}


__all__ = ["Attention", "attention", "expiring_certificates", "lot_counts", "lots_per_month", "scans_per_month"]

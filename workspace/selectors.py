"""What the producer's dashboard shows: what to do next, what needs attention now, and lots and scans over time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.choices import LotStatus, OrganizationStatus
from catalog.models import Certificate, GrowingArea, Lot, Organization, Product
from catalog.services import missing_for_publication
from diary.choices import Activity
from diary.models import DiaryEntry
from feedback.choices import FeedbackStatus
from feedback.selectors import for_organization
from logistics.choices import ShipmentStatus
from logistics.selectors import pending_receipts, shipments_for
from notifications.selectors import unread_for
from rules.definitions import BY_CODE
from rules.models import RuleDecision
from stamps.choices import BatchStatus
from stamps.models import Scan, StampBatch

EXPIRY_WARNING_DAYS = 60
LIST_LIMIT = 10  # rows of each kind of to-do on the dashboard; the full lists are one tap away


def months_back(today: dt.date, n: int) -> list[dt.date]:
    """The first days of the last `n` months, oldest first, ending with the current month."""
    first = today.replace(day=1)
    out = []
    for _i in range(n):
        out.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return list(reversed(out))


@dataclass
class Step:
    """One step of a new organisation's first run: what to do, where, and whether it is done."""

    key: str
    done: bool
    url_name: str


@dataclass
class BlockedLot:
    """An unpublished lot a rule stops, in words: which rule, why, what to do and from when it is allowed."""

    lot: Lot
    title: str
    reason: str
    remedy: str
    allowed_from: dt.date | None


@dataclass
class Attention:
    pending_receipts: list[Any] = field(default_factory=list)
    awaiting_receiver: int = 0
    expiring_certificates: list[Certificate] = field(default_factory=list)
    blocked: list[BlockedLot] = field(default_factory=list)
    new_feedback: list[Any] = field(default_factory=list)
    drafts: int = 0
    ready_lots: list[Lot] = field(default_factory=list)
    incomplete_lots: list[tuple[Lot, list[str]]] = field(default_factory=list)
    stamps_to_print: list[Any] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    notifications: list[Any] = field(default_factory=list)
    unread_notifications: int = 0

    @property
    def steps_left(self) -> int:
        return sum(1 for s in self.steps if not s.done)

    @property
    def next_step(self) -> str:
        return next((s.key for s in self.steps if not s.done), "")

    @property
    def total(self) -> int:
        """Things to do now. Notifications are news, not work: they are read or dismissed in their own list."""
        return (
            self.steps_left
            + len(self.pending_receipts)
            + len(self.expiring_certificates)
            + len(self.blocked)
            + len(self.ready_lots)
            + len(self.incomplete_lots)
            + len(self.stamps_to_print)
            + len(self.new_feedback)
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


def first_steps(org: Organization) -> list[Step]:
    """A new organisation's guided start, read in one query: a growing area, a product, a diary entry, a harvest."""
    row = (
        Organization.objects.filter(pk=org.pk)
        .annotate(
            has_area=Exists(GrowingArea.objects.filter(organization=OuterRef("pk"))),
            has_product=Exists(Product.objects.filter(organization=OuterRef("pk"))),
            has_entry=Exists(
                DiaryEntry.objects.filter(organization=OuterRef("pk")).exclude(activity=Activity.HARVESTING)
            ),
            has_harvest=Exists(Lot.objects.filter(product__organization=OuterRef("pk"), origin_areas__isnull=False)),
        )
        .values("has_area", "has_product", "has_entry", "has_harvest")
        .first()
    ) or {}
    return [
        Step("area", bool(row.get("has_area")), "workspace:area_new"),
        Step("product", bool(row.get("has_product")), "workspace:products"),
        Step("diary", bool(row.get("has_entry")), "workspace:diary"),
        Step("harvest", bool(row.get("has_harvest")), "workspace:harvest"),
    ]


def _rule_text(decision: RuleDecision) -> BlockedLot:
    """A decision's rule, reason and remedy in the reader's language, from the rule's texts and the decision's
    facts (the stored reason was written in the language of whoever triggered the check)."""
    spec = BY_CODE.get(decision.rule)
    if spec is None:
        return BlockedLot(decision.lot, "", decision.reason, decision.remedy, decision.allowed_from)
    try:
        reason, remedy = _(spec.reason) % decision.facts, _(spec.remedy) % decision.facts
    except (KeyError, TypeError, ValueError):  # facts of an older version of the rule
        reason, remedy = decision.reason, decision.remedy
    return BlockedLot(decision.lot, _(spec.title), reason, remedy, decision.allowed_from)


def blocked_lots(org: Organization) -> list[BlockedLot]:
    """The organisation's unpublished lots whose latest decision of some rule blocks or holds them (two queries),
    the ones allowed soonest first; one row per lot (its first blocking rule)."""
    latest = (
        RuleDecision.objects.filter(
            lot__product__organization=org, lot__status__in=(LotStatus.DRAFT, LotStatus.SUBMITTED)
        )
        .values("lot", "rule")
        .annotate(last=Max("id"))
        .values("last")
    )
    rows = (
        RuleDecision.objects.filter(id__in=latest, outcome__in=("block", "hold"))
        .select_related("lot__product")
        .order_by("lot_id", "id")
    )
    out: dict[int, BlockedLot] = {}
    for decision in rows:
        out.setdefault(decision.lot_id, _rule_text(decision))
    far = dt.date.max
    return sorted(out.values(), key=lambda b: (b.allowed_from or far, b.lot.pk))


def draft_lots(org: Organization, blocked: list[BlockedLot]) -> tuple[list[Lot], list[tuple[Lot, list[str]]]]:
    """Draft lots no rule blocks: those ready to submit, and those still missing something (with what)."""
    stopped = [b.lot.pk for b in blocked]
    lots = (
        Lot.objects.filter(product__organization=org, status=LotStatus.DRAFT)
        .exclude(pk__in=stopped)
        .select_related("product__organization")
        .prefetch_related("origin_areas")
        .order_by("-production_date", "-id")[: LIST_LIMIT * 2]
    )
    ready: list[Lot] = []
    incomplete: list[tuple[Lot, list[str]]] = []
    for lot in lots:
        missing = missing_for_publication(lot)  # reads the prefetched rows only
        if missing:
            incomplete.append((lot, missing))
        else:
            ready.append(lot)
    return ready[:LIST_LIMIT], incomplete[:LIST_LIMIT]


def stamps_to_print(org: Organization) -> list[Any]:
    """Approved stamp batches whose label sheet has not been printed yet."""
    return list(
        StampBatch.objects.filter(organization=org, status=BatchStatus.APPROVED, printed_at__isnull=True)
        .select_related("product", "lot")
        .order_by("created_at")[:LIST_LIMIT]
    )


def unread_notifications(user: Any) -> tuple[list[Any], int]:
    """The user's newest unread, undismissed notifications and how many there are."""
    rows = list(unread_for(user)[: LIST_LIMIT + 1])
    if len(rows) <= LIST_LIMIT:
        return rows, len(rows)
    return rows[:LIST_LIMIT], unread_for(user).count()


def attention(org: Organization, user: Any) -> Attention:
    blocked = blocked_lots(org)
    ready, incomplete = draft_lots(org, blocked) if org.status == OrganizationStatus.APPROVED else ([], [])
    out = Attention(
        pending_receipts=list(pending_receipts(org)[:20]),
        awaiting_receiver=shipments_for(org).filter(sender=org, status=ShipmentStatus.PENDING).count(),
        expiring_certificates=expiring_certificates(org),
        blocked=blocked,
        drafts=Lot.objects.filter(product__organization=org, status=LotStatus.DRAFT).count(),
        ready_lots=ready,
        incomplete_lots=incomplete,
        stamps_to_print=stamps_to_print(org),
        steps=first_steps(org),
    )
    if all(step.done for step in out.steps):
        out.steps = []
    out.new_feedback = list(for_organization(org).filter(status=FeedbackStatus.NEW)[:20])
    out.notifications, out.unread_notifications = unread_notifications(user)
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


__all__ = [
    "Attention",
    "BlockedLot",
    "Step",
    "attention",
    "blocked_lots",
    "expiring_certificates",
    "first_steps",
    "lot_counts",
    "lots_per_month",
    "scans_per_month",
]

"""Evaluating the declared rules against a lot: one verdict per rule, with the facts that explain it.

Reads only (diary entries, lineage, certificates); `rules.services` records decisions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.choices import CertificateScope, LotStatus
from catalog.models import Certificate, GrowingArea, Lot
from diary.models import DiaryEntry
from logistics.models import LotClaim, Transformation
from logistics.selectors import upstream_lots
from rules.choices import Outcome
from rules.definitions import RULES, RuleSpec


@dataclass
class Verdict:
    rule: RuleSpec
    outcome: str
    facts: dict[str, Any] = field(default_factory=dict)
    allowed_from: dt.date | None = None

    @property
    def blocks(self) -> bool:
        return self.outcome != Outcome.PASS

    @property
    def reason(self) -> str:
        return _(self.rule.reason) % self.facts if self.blocks else ""

    @property
    def remedy(self) -> str:
        return _(self.rule.remedy) % self.facts if self.blocks else ""

    @property
    def title(self) -> str:
        return _(self.rule.title)


def _day(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


@dataclass
class LotContext:
    """What the evaluators need about a lot, read once: the harvests it comes from and what it is made of."""

    lot: Lot
    upstream: list[Lot]
    harvests: list[tuple[Lot, GrowingArea, dt.date]]

    @classmethod
    def of(cls, lot: Lot) -> LotContext:
        upstream = upstream_lots(lot)
        processed = set(Transformation.objects.filter(outputs__in=[lot, *upstream]).values_list("outputs", flat=True))
        harvests = []
        for source in [lot, *upstream]:
            if source.pk in processed:
                continue
            for area in source.origin_areas.all():
                harvests.append((source, area, source.production_date))
        return cls(lot=lot, upstream=upstream, harvests=harvests)


def _waiting_period(rule: RuleSpec, ctx: LotContext) -> Verdict:
    activities, days_field = rule.params["activities"], rule.params["days_field"]
    worst: tuple[dt.date, DiaryEntry, Lot, dt.date] | None = None
    for source, area, harvested in ctx.harvests:
        end = timezone.make_aware(dt.datetime.combine(harvested + dt.timedelta(days=1), dt.time()))
        start = end - dt.timedelta(days=400)
        entries = DiaryEntry.objects.filter(  # entries corrected or voided do not count; their corrections do
            growing_area=area, activity__in=activities, occurred_at__lt=end, occurred_at__gte=start, correction=""
        )
        for entry in entries:
            days = getattr(entry, days_field)
            if not days:
                continue
            safe = entry.local_date + dt.timedelta(days=days)
            if entry.local_date <= harvested < safe and (worst is None or safe > worst[0]):
                worst = (safe, entry, source, harvested)
    if worst is None:
        return Verdict(rule, Outcome.PASS)
    safe, entry, source, harvested = worst
    facts = {
        "harvested": _day(harvested),
        "area": entry.growing_area.code,
        "days": getattr(entry, days_field),
        "input": entry.product_name or "?",
        "applied": _day(entry.local_date),
        "allowed_from": _day(safe),
        "entry": str(entry.client_id),
        "harvest_lot": source.lot_code,
    }
    return Verdict(rule, rule.outcome, facts, safe)


def _certificate_claim(rule: RuleSpec, ctx: LotContext) -> Verdict:
    claims = list(LotClaim.objects.filter(lot=ctx.lot).values_list("kind", flat=True))
    for kind in sorted(claims):
        for _source, area, harvested in ctx.harvests:
            valid = Certificate.objects.filter(kind=kind, valid_from__lte=harvested, valid_to__gte=harvested).filter(
                Q(growing_area=area) | Q(scope=CertificateScope.ORGANIZATION, organization=area.organization_id)
            )
            if not valid.exists():
                label = dict(Certificate._meta.get_field("kind").choices or []).get(kind, kind)
                facts = {"kind": str(label), "area": area.code, "harvested": _day(harvested), "claim": kind}
                return Verdict(rule, rule.outcome, facts)
    return Verdict(rule, Outcome.PASS)


def _recalled_input(rule: RuleSpec, ctx: LotContext) -> Verdict:
    for source in ctx.upstream:
        if source.status == LotStatus.RECALLED:
            facts = {"input": source.lot_code, "product": source.product.name, "input_gtin": source.product.gtin}
            return Verdict(rule, rule.outcome, facts)
    return Verdict(rule, Outcome.PASS)


def _condition_hold(rule: RuleSpec, ctx: LotContext) -> Verdict:
    # iot sits above the rules: its hold table is looked up by name, never imported
    holds = apps.get_model("iot", "ConditionHold").objects.filter(lot=ctx.lot, released_at=None).order_by("held_at")
    hold = holds.first()
    if hold is None:
        return Verdict(rule, Outcome.PASS)
    return Verdict(rule, rule.outcome, {"excursion": hold.reason, "hold": hold.pk})


EVALUATORS: dict[str, Callable[[RuleSpec, LotContext], Verdict]] = {
    "waiting_period": _waiting_period,
    "certificate_claim": _certificate_claim,
    "recalled_input": _recalled_input,
    "condition_hold": _condition_hold,
}


def evaluate(lot: Lot) -> list[Verdict]:
    """Every rule's verdict on `lot`, in the order the rules are declared."""
    ctx = LotContext.of(lot)
    return [EVALUATORS[rule.kind](rule, ctx) for rule in RULES]

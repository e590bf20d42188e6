"""Reads of rule decisions for pages and the API."""

from __future__ import annotations

from django.db.models import QuerySet

from catalog.models import Lot, Organization
from rules.engine import Verdict, evaluate
from rules.models import RuleDecision
from rules.services import latest_decisions


def current_blockers(lot: Lot) -> list[Verdict]:
    """What stops the lot now (evaluated live, not recorded)."""
    return [v for v in evaluate(lot) if v.blocks]


def decisions_for(lot: Lot) -> QuerySet[RuleDecision]:
    return RuleDecision.objects.filter(lot=lot).order_by("-id")


def blocked_lots(organization: Organization) -> list[tuple[Lot, RuleDecision]]:
    """The organisation's unpublished lots whose latest decision of some rule blocks or holds them."""
    out = []
    lots = Lot.objects.filter(product__organization=organization, status__in=("draft", "submitted"))
    for lot in lots.filter(rule_decisions__isnull=False).distinct().select_related("product"):
        for decision in latest_decisions(lot).values():
            if decision.blocks:
                out.append((lot, decision))
                break
    return out


__all__ = ["blocked_lots", "current_blockers", "decisions_for", "latest_decisions"]

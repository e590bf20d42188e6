"""What of a rule decision goes into the ledger."""

from __future__ import annotations

from typing import Any

from ledger.choices import LeafKind
from ledger.records import register
from rules.models import RuleDecision


def decision_payload(decision: RuleDecision) -> dict[str, Any]:
    lot = decision.lot
    return {
        "gtin": lot.product.gtin,
        "lot": lot.lot_code,
        "rule": decision.rule,
        "version": decision.version,
        "outcome": decision.outcome,
        "reason": decision.reason,
        "allowed_from": decision.allowed_from.isoformat() if decision.allowed_from else None,
        "facts": decision.facts,
        "trigger": decision.trigger,
        "decided_at": decision.decided_at.isoformat(),
    }


def register_all() -> None:
    register(LeafKind.RULE_DECISION, RuleDecision, decision_payload)

"""Running the rules and recording their decisions (each decision a ledger leaf, in the caller's transaction)."""

from __future__ import annotations

from django.db import transaction

from accounts import permissions
from accounts.permissions import Actor, can_write, person, require
from catalog.models import Lot
from core import audit
from core.choices import AuditAction
from ledger.services import append_record
from logistics.selectors import downstream_lots
from rules.choices import Trigger
from rules.engine import Verdict, evaluate
from rules.models import RuleDecision


def latest_decisions(lot: Lot) -> dict[str, RuleDecision]:
    """The newest decision of each rule for `lot`."""
    out: dict[str, RuleDecision] = {}
    for decision in RuleDecision.objects.filter(lot=lot).order_by("-id"):
        out.setdefault(decision.rule, decision)
    return out


def _same(decision: RuleDecision | None, verdict: Verdict) -> bool:
    return (
        decision is not None
        and decision.version == verdict.rule.version
        and decision.outcome == verdict.outcome
        and decision.reason == verdict.reason
        and decision.allowed_from == verdict.allowed_from
    )


def record(
    lot: Lot,
    verdicts: list[Verdict],
    *,
    trigger: str,
    actor: Actor | None = None,
    force: bool = False,
    first_passes: bool = False,
) -> list[RuleDecision]:
    """Write a decision (and its ledger leaf) for each verdict that differs from the rule's last decision
    for the lot; with `force` (a submission), for every verdict. A first verdict that merely passes is
    not written unless forced or `first_passes` (someone asked for the check: the answer is kept once)."""
    latest = latest_decisions(lot)
    written = []
    user = person(actor)
    for verdict in verdicts:
        previous = latest.get(verdict.rule.code)
        first_pass = previous is None and not verdict.blocks and not first_passes
        if not force and (_same(previous, verdict) or first_pass):
            continue
        decision = RuleDecision.objects.create(
            lot=lot,
            rule=verdict.rule.code,
            version=verdict.rule.version,
            outcome=verdict.outcome,
            reason=verdict.reason,
            remedy=verdict.remedy,
            allowed_from=verdict.allowed_from,
            facts=verdict.facts,
            trigger=trigger,
            actor=user,
        )
        decision.ledger_index = append_record(decision)
        decision.save(update_fields=["ledger_index"])
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=decision,
            organization_id=lot.product.organization_id,
            reason=verdict.reason,
        )
        written.append(decision)
    return written


def evaluate_and_record(
    lot: Lot, *, trigger: str, actor: Actor | None = None, force: bool = False, first_passes: bool = False
) -> list[Verdict]:
    verdicts = evaluate(lot)
    record(lot, verdicts, trigger=trigger, actor=actor, force=force, first_passes=first_passes)
    return verdicts


@transaction.atomic
def check_lot(*, actor: Actor, lot: Lot, trigger: str = Trigger.CHECK) -> list[Verdict]:
    """Run every rule on a lot now and record what changed: a check writes a decision (ledger leaf, audit entry)
    only for a rule whose verdict differs from its last decision for the lot, or that has none yet, so checking
    again and again writes nothing; a submission records every verdict (forced)."""
    organization = lot.product.organization
    require(can_write(actor, organization) or permissions.is_officer_for(actor, organization))
    return evaluate_and_record(lot, trigger=trigger, actor=actor, force=trigger != Trigger.CHECK, first_passes=True)


def reevaluate(lots: list[Lot], *, trigger: str, actor: Actor | None = None) -> None:
    """After an event: the lots and everything made from them (recorded only where a verdict changed)."""
    seen: set[int] = set()
    for lot in lots:
        for target in [lot, *downstream_lots(lot)]:
            if target.pk in seen:
                continue
            seen.add(target.pk)
            evaluate_and_record(target, trigger=trigger, actor=actor)

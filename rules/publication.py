"""The publication workflow's rule step: evaluate every rule, record the verdicts, then refuse or mark the lot.

One call each, in one transaction: `submit_lot` (the producer's submission; every verdict recorded, as the
submission's evidence) and `publish_lot` (an officer's approval, directly or by a review decision; a verdict
recorded where it changed). When a rule blocks, the verdicts are kept (committed) and `ValidationError` (code
`blocked_by_rule`, each reason with its remedy) is raised after the transaction; nothing else changes. The
submission's after-commit step (a review policy's automatic approval) is `workflows.publication.submit_lot`.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.permissions import Actor
from catalog.models import Lot
from catalog.services import lots as catalog
from exchange.national import services as national
from rules.choices import Trigger
from rules.engine import Verdict
from rules.services import evaluate_and_record


def _refusal(verdicts: list[Verdict]) -> ValidationError:
    return ValidationError([f"{v.reason} {v.remedy}" for v in verdicts if v.blocks], code="blocked_by_rule")


def submit_lot(*, actor: Actor, lot: Lot) -> Lot:
    """The producer submits a draft lot for review: refused (nothing written) when it may not be submitted or is
    incomplete; refused with the rules' reasons (their verdicts recorded) when a rule blocks; else submitted."""
    with transaction.atomic():
        lot = catalog.locked(lot)
        catalog.check_submittable(actor, lot)
        verdicts = evaluate_and_record(lot, trigger=Trigger.SUBMIT, actor=actor, force=True)
        if not any(v.blocks for v in verdicts):
            return catalog.mark_submitted(actor=actor, lot=lot)
    raise _refusal(verdicts)


def publish_lot(*, actor: Actor, lot: Lot, reason: str = "") -> Lot:
    """An officer of the province publishes a lot: as `submit_lot`, with `catalog.mark_published`."""
    with transaction.atomic():
        lot = catalog.locked(lot)
        catalog.check_publishable(actor, lot)
        verdicts = evaluate_and_record(lot, trigger=Trigger.PUBLISH, actor=actor)
        if not any(v.blocks for v in verdicts):
            published = catalog.mark_published(actor=actor, lot=lot, reason=reason)
            # the national portal's outbox, in this transaction: the producer, the product, then the lot
            for record in (published.product.organization, published.product, published):
                national.enqueue_published(actor=actor, instance=record)
            return published
    raise _refusal(verdicts)

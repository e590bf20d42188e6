"""Publication of a lot: submission for review and an officer's publication, each one call.

`submit_lot`: the rules evaluated and recorded, then refused or `catalog.mark_submitted`
(`rules.publication.submit_lot`), then, after commit, the review policy's automatic approval
(`reviews.services.auto_review_lot`) or, when it does not apply, the notice to the officers whose department covers
the lot (`reviews.services.announce_submission`). `publish_lot` is the rules' publication step as it is
(`rules.publication.publish_lot`; a review decision calls it too).
"""

from __future__ import annotations

import logging

from django.db import transaction

from accounts.permissions import Actor
from catalog.models import Lot
from reviews.services import announce_submission, auto_review_lot
from rules import publication
from rules.publication import publish_lot

log = logging.getLogger(__name__)

__all__ = ["publish_lot", "submit_lot"]


def _auto_review(lot: Lot) -> None:
    """After the submission commits: approve it when the province's policy for its category allows, else tell the
    officers whose department covers it; never raise (the submission stands; the lot then waits in the officers'
    queue, where they find it anyway)."""
    try:
        if auto_review_lot(lot) is None:
            announce_submission(lot)
    except Exception:
        log.exception("auto review of lot %s failed", lot.pk)


def submit_lot(*, actor: Actor, lot: Lot) -> Lot:
    """The producer submits a draft lot: see the module."""
    submitted = publication.submit_lot(actor=actor, lot=lot)
    transaction.on_commit(lambda: _auto_review(submitted))
    return submitted

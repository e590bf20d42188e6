"""Review decisions: approve, reject with a reason, ask for changes; the producer is notified.

Every decision is atomic: it applies its effect through the owning app's service (publish the lot, approve
the organisation, approve the stamp batch…), stores a `Review` with the snapshot, diff and evidence, writes
the audit entry and a ledger leaf, and notifies the organisation (workspace + e-mail after commit).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import permissions
from accounts.permissions import SYSTEM, Actor, person, require
from catalog import departments
from catalog.choices import LotStatus, OrganizationStatus
from catalog.models import Lot, PriorityCategory, Product
from catalog.services import missing_for_publication
from core import audit
from core.choices import AuditAction
from ledger.services import append_record
from notifications.choices import NotificationKind
from notifications.services import notify_officers, notify_organization
from quality.selectors import active_holds
from reviews import selectors
from reviews.choices import RISK_RANK, Decision
from reviews.models import Review, ReviewPolicy
from reviews.subjects import diff, snapshot, subject_for

log = logging.getLogger(__name__)

DECISION_TITLES = {
    Decision.APPROVED: gettext_lazy("Đã được phê duyệt"),
    Decision.REJECTED: gettext_lazy("Bị từ chối"),
    Decision.CHANGES_REQUESTED: gettext_lazy("Cần sửa đổi"),
}


def _category_of(subject: models.Model) -> int | None:
    """The product group a decision is about (a lot's or a product's), for the officer's department scope."""
    if isinstance(subject, Lot):
        return subject.product.category_id
    return getattr(subject, "category_id", None) if isinstance(subject, Product) else None


def _check_blockers(instance: models.Model) -> None:
    if isinstance(instance, Lot):
        from quality.selectors import active_holds

        holds = list(active_holds(instance))
        if holds:
            raise ValidationError(
                _("Lô đang bị tạm giữ: %(reason)s. Cần giải toả trước khi công bố.")
                % {"reason": "; ".join(h.reason for h in holds)}
            )


@transaction.atomic
def decide(*, actor: Actor, subject: models.Model, decision: str, reason: str = "", automatic: bool = False) -> Review:
    """Record one decision on `subject` (an organisation, lot, stamp batch or master-data record).

    Approval needs no reason; rejection and asking for changes do. The subject's own service applies the
    effect and checks the actor again (an officer of the subject organisation's province).
    """
    kind = subject_for(subject)
    if decision not in Decision.values:
        raise ValidationError({"decision": [_("Quyết định không hợp lệ.")]})
    subject = type(subject)._default_manager.select_for_update().get(pk=subject.pk)
    organization = kind.organization(subject)
    require(permissions.is_officer_for(actor, organization, _category_of(subject)))
    reason = (reason or "").strip()
    if decision != Decision.APPROVED and not reason:
        raise ValidationError({"reason": [_("Cần nêu lý do khi từ chối hoặc yêu cầu sửa đổi.")]})
    if decision == Decision.APPROVED:
        _check_blockers(subject)
    current = snapshot(subject)
    changes = diff(selectors.baseline(subject), current)
    evidence = selectors.evidence(subject)
    effect = kind.effects.get(decision)
    if effect is not None:
        effect(actor, subject, reason)
    review = Review.objects.create(
        kind=kind.kind,
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        subject_label=kind.label(subject)[:255],
        organization=organization,
        decision=decision,
        reason=reason,
        decided_by=person(actor),
        automatic=automatic,
        snapshot=current,
        diff=changes,
        evidence=evidence,
    )
    audit.record(
        actor=actor,
        action=AuditAction.APPROVE if decision == Decision.APPROVED else AuditAction.REJECT,
        instance=review,
        organization_id=organization.pk,
        reason=reason,
    )
    append_record(review)
    title = f"{DECISION_TITLES[Decision(decision)]}: {review.subject_label}"
    body = reason or _("Cơ quan quản lý đã phê duyệt nội dung bạn gửi.")
    notify_organization(
        organization,
        kind=NotificationKind.REVIEW,
        title=title,
        body=body,
        link=reverse("oversight:review_decision", args=[review.pk]),
        about=review,
    )
    return review


def approve(*, actor: Actor, subject: models.Model, reason: str = "") -> Review:
    return decide(actor=actor, subject=subject, decision=Decision.APPROVED, reason=reason)


def reject(*, actor: Actor, subject: models.Model, reason: str) -> Review:
    return decide(actor=actor, subject=subject, decision=Decision.REJECTED, reason=reason)


def request_changes(*, actor: Actor, subject: models.Model, reason: str) -> Review:
    return decide(actor=actor, subject=subject, decision=Decision.CHANGES_REQUESTED, reason=reason)


@transaction.atomic
def set_policy(
    *, actor: Actor, category: PriorityCategory, auto_approve_lots: bool, max_risk_class: str
) -> ReviewPolicy:
    """An agency officer sets the category's auto-approval policy."""
    require(permissions.is_agency_officer(actor))
    if max_risk_class not in RISK_RANK:
        raise ValidationError({"max_risk_class": [_("Mức nguy cơ không hợp lệ.")]})
    policy, _created = ReviewPolicy.objects.select_for_update().get_or_create(category=category)
    before = audit.snapshot(policy)
    policy.auto_approve_lots = bool(auto_approve_lots)
    policy.max_risk_class = max_risk_class
    policy.updated_by = person(actor)
    policy.save()
    audit.record(actor=actor, action=AuditAction.UPDATE, instance=policy, before=before)
    return policy


def auto_approvable(lot: Lot) -> bool:
    """Whether the category's policy lets this submitted lot be published without an officer."""

    policy = ReviewPolicy.objects.filter(category_id=lot.product.category_id, auto_approve_lots=True).first()
    return (
        policy is not None
        and lot.status == LotStatus.SUBMITTED
        and lot.product.organization.status == OrganizationStatus.APPROVED
        and RISK_RANK.get(lot.product.risk_class, 9) <= RISK_RANK[policy.max_risk_class]
        and not active_holds(lot).exists()
        and not missing_for_publication(lot)
    )


def auto_review_lot(lot: Lot) -> Review | None:
    """Publish a submitted lot when the policy allows; the decision is a Review with `automatic=True`."""
    lot = Lot.objects.select_related("product__organization", "product__category").get(pk=lot.pk)
    if not auto_approvable(lot):
        return None
    return decide(
        actor=SYSTEM,
        subject=lot,
        decision=Decision.APPROVED,
        reason=_("Tự động duyệt theo chính sách của nhóm %(category)s.") % {"category": lot.product.category.name},
        automatic=True,
    )


@transaction.atomic
def announce_submission(lot: Lot) -> list[Any]:
    """Tell the officers who will review a submitted lot that it waits (after the submission commits and the review
    policy declined to approve it by itself): the officers whose department scope covers the lot's product group and
    the producer's commune (`catalog.departments.responsible_officers`, the routing of complaints), not every officer
    of the province. A lot no longer waiting (approved meanwhile, or withdrawn) tells nobody."""
    lot = Lot.objects.select_related("product__organization", "product__category").get(pk=lot.pk)
    if lot.status != LotStatus.SUBMITTED:
        return []
    organization = lot.product.organization
    return notify_officers(
        departments.responsible_officers(organization, lot.product.category_id),
        kind=NotificationKind.REVIEW_QUEUE,
        title=_("Lô %(lot)s của %(organization)s chờ phê duyệt")
        % {"lot": f"{lot.product.name} {lot.lot_code}", "organization": organization.name},
        body=_("Nhóm sản phẩm: %(category)s.") % {"category": lot.product.category.name},
        link=reverse("oversight:review", args=["catalog.lot", lot.pk]),
        about=lot,
    )

"""Review queues, the last approved version of a record, and the evidence shown beside a decision."""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, Exists, F, Model, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.choices import LotStatus, OrganizationKind, OrganizationStatus
from catalog.models import Certificate, Lot, Organization
from catalog.selectors import certificates_for_lot
from catalog.services import missing_for_publication
from core.choices import AuditAction
from core.models import AuditEntry
from quality.selectors import active_holds
from reviews.choices import Decision, DocumentKind
from reviews.models import RegistrationDocument, Review
from reviews.subjects import MASTER_DATA_MODELS, stamp_batch_model
from rules.definitions import BY_CODE
from rules.selectors import decisions_for

MASTER_DATA_TYPES = tuple(m._meta.label_lower for m in MASTER_DATA_MODELS)


def _province_filter(officer: Any, field: str) -> Q:
    """Officers see their province; platform admins see everything."""
    if getattr(officer, "is_superuser", False) or officer.agency_id is None:
        return Q()
    return Q(**{field: officer.agency.province_code})


def _last_decision(subject_type: str) -> Subquery:
    return Subquery(
        Review.objects.filter(subject_type=subject_type, subject_id=OuterRef("pk_text"))
        .order_by("-decided_at")
        .values("decided_at")[:1]
    )


def pending_organizations(officer: Any) -> QuerySet[Organization]:
    """Self-registered organisations waiting for approval, not yet decided since their last change."""
    return (
        Organization.objects.filter(status=OrganizationStatus.PENDING)
        .exclude(kind=OrganizationKind.AGENCY)
        .filter(_province_filter(officer, "province_code"))
        .annotate(pk_text=Cast("pk", CharField()))
        .annotate(last_decision=_last_decision("catalog.organization"))
        .filter(Q(last_decision__isnull=True) | Q(last_decision__lt=F("updated_at")))
        .order_by("created_at")
    )


def pending_lots(officer: Any) -> QuerySet[Lot]:
    """Lots submitted for publication, oldest first."""
    return (
        Lot.objects.filter(status=LotStatus.SUBMITTED)
        .filter(_province_filter(officer, "product__organization__province_code"))
        .select_related("product__organization", "product__category")
        .order_by("submitted_at", "id")
    )


def pending_stamp_batches(officer: Any) -> QuerySet[Any] | list[Any]:
    """Stamp batch requests waiting for an agency (once the stamps app provides them)."""
    model = stamp_batch_model()
    if model is None:
        return []
    qs = model._default_manager.filter(status="requested")
    return qs.filter(_province_filter(officer, "organization__province_code")).select_related("organization")


def pending_master_data(officer: Any) -> QuerySet[AuditEntry]:
    """The latest producer change (not the demo or the command line) of each master-data record not reviewed since.

    Returns audit entries (one per record: its latest create/update by a person), newest first.
    """
    latest_review = (
        Review.objects.filter(subject_type=OuterRef("object_type"), subject_id=OuterRef("object_id"))
        .order_by("-decided_at")
        .values("decided_at")[:1]
    )
    newer = AuditEntry.objects.filter(
        object_type=OuterRef("object_type"), object_id=OuterRef("object_id"), at__gt=OuterRef("at")
    ).filter(action__in=[AuditAction.CREATE, AuditAction.UPDATE], actor__isnull=False)
    qs = (
        AuditEntry.objects.filter(
            object_type__in=MASTER_DATA_TYPES,
            action__in=[AuditAction.CREATE, AuditAction.UPDATE],
            actor__isnull=False,
        )
        .annotate(last_review=Subquery(latest_review), has_newer=Exists(newer))
        .filter(has_newer=False)
        .filter(Q(last_review__isnull=True) | Q(last_review__lt=F("at")))
        .select_related("actor")
    )
    if not getattr(officer, "is_superuser", False) and officer.agency_id is not None:
        orgs = Organization.objects.filter(province_code=officer.agency.province_code).values("pk")
        qs = qs.filter(organization_id__in=orgs)
    return qs.order_by("-at")


def queue_counts(officer: Any) -> dict[str, int]:
    batches = pending_stamp_batches(officer)
    return {
        "organization": pending_organizations(officer).count(),
        "lot": pending_lots(officer).count(),
        "stamp_batch": len(batches) if isinstance(batches, list) else batches.count(),
        "master_data": pending_master_data(officer).count(),
    }


def last_approval(subject: Model) -> Review | None:
    return (
        Review.objects.filter(
            subject_type=subject._meta.label_lower, subject_id=str(subject.pk), decision=Decision.APPROVED
        )
        .order_by("-decided_at", "-id")
        .first()
    )


def baseline(subject: Model) -> dict[str, Any] | None:
    """The last approved version of a record: the snapshot of its last approval, or, for a record changed by
    its producer and never reviewed, the state before the first of those changes; None for a new record."""
    approved = last_approval(subject)
    if approved is not None:
        return approved.snapshot
    first_change = (
        AuditEntry.objects.filter(
            object_type=subject._meta.label_lower, object_id=str(subject.pk), action=AuditAction.UPDATE
        )
        .exclude(before__isnull=True)
        .order_by("at", "id")
        .first()
    )
    if first_change is not None and first_change.before:
        from reviews.subjects import SKIP_FIELDS

        return {k: v for k, v in first_change.before.items() if k not in SKIP_FIELDS}
    return None


def _cert(c: Certificate, today: Any) -> dict[str, Any]:
    return {
        "id": c.pk,
        "kind": c.get_kind_display(),
        "number": c.number,
        "issuer": c.issuer,
        "valid_to": c.valid_to.isoformat(),
        "valid": c.is_valid_on(today),
    }


def evidence(subject: Model) -> dict[str, Any]:
    """Certificates, test results, rule decisions and missing publication items for the decision page."""
    today = timezone.localdate()
    data: dict[str, Any] = {"certificates": [], "lab_tests": [], "rule_decisions": [], "missing": []}
    if isinstance(subject, Lot):
        from quality.selectors import lab_results_for_lot

        data["certificates"] = [_cert(c, today) for c in certificates_for_lot(subject)]
        data["lab_tests"] = [
            {
                "id": t.pk,
                "analyte": t.analyte_name,
                "value": str(t.value),
                "unit": t.unit,
                "limit": str(t.limit) if t.limit is not None else None,
                "passed": t.passed,
                "laboratory": t.laboratory,
                "sampled_on": t.sampled_on.isoformat(),
            }
            for t in lab_results_for_lot(subject)
        ]
        data["rule_decisions"] = rule_decisions_for(subject)
        data["missing"] = [str(m) for m in missing_for_publication(subject)]
    elif isinstance(subject, Organization):
        data["certificates"] = [_cert(c, today) for c in subject.certificates.all()[:50]]
    elif isinstance(subject, Certificate):
        data["certificates"] = [_cert(subject, today)]
    return data


def rule_decisions_for(lot: Lot) -> list[dict[str, Any]]:
    """Rule decisions about a lot ("smart contract" checks, each a ledger leaf), newest first."""
    return [
        {
            "rule": f"{d.rule} v{d.version}",
            # the officer reads the rule's name, never its code
            "title": _(BY_CODE[d.rule].title) if d.rule in BY_CODE else _("Quy tắc đã ngừng áp dụng"),
            "outcome": d.get_outcome_display(),
            "message": d.reason + (f" — {d.remedy}" if d.remedy else ""),
            "at": d.decided_at.isoformat(),
            "ledger_index": d.ledger_index,
        }
        for d in decisions_for(lot)[:50]
    ]


def history(subject: Model) -> QuerySet[Review]:
    return Review.objects.filter(subject_type=subject._meta.label_lower, subject_id=str(subject.pk)).select_related(
        "decided_by"
    )


def recent_decisions(officer: Any) -> QuerySet[Review]:
    return (
        Review.objects.filter(_province_filter(officer, "organization__province_code"))
        .select_related("decided_by", "organization")
        .order_by("-decided_at")
    )


def lot_state(subject: Model) -> dict[str, Any] | None:
    """A lot's own state for the badge beside it: its status label and whether a hold or a recall makes it bad."""
    if not isinstance(subject, Lot):
        return None

    held = subject.status != LotStatus.RECALLED and active_holds(subject).exists()
    return {
        "label": _("Đang tạm giữ") if held else subject.get_status_display(),
        "bad": held or subject.status == LotStatus.RECALLED,
    }


def registration_documents(subject: Model) -> list[RegistrationDocument] | None:
    """The papers an organisation uploaded with its registration (None for other subjects)."""
    if not isinstance(subject, Organization):
        return None
    documents = RegistrationDocument.objects.filter(organization=subject).order_by("uploaded_at", "pk")
    return sorted(documents, key=lambda d: d.kind != DocumentKind.BUSINESS_LICENCE)  # the licence first


def label_entries(entries: list[AuditEntry]) -> list[AuditEntry]:
    """Master-data audit entries, each given `record_kind` ("sản phẩm") and `record_label` (its name)."""
    from reviews.display import model_for

    for entry in entries:
        model = model_for(entry.object_type)
        obj = model._default_manager.filter(pk=entry.object_id).first() if model is not None else None
        entry.record_kind = str(model._meta.verbose_name) if model is not None else entry.object_type  # type: ignore[attr-defined]
        entry.record_label = str(obj) if obj is not None else f"#{entry.object_id}"  # type: ignore[attr-defined]
    return entries


def return_of(lot: Lot) -> Review | None:
    """The officer's decision that sent a lot back to its producer, while the lot is still a draft since it."""
    if lot.status != LotStatus.DRAFT:
        return None
    last = history(lot).order_by("-decided_at", "-id").first()
    if last is None or last.decision == Decision.APPROVED:
        return None
    return last

"""What can be reviewed, and how: each subject type's organisation, label, snapshot and decision effects.

Organisations, lots and master data (products, facilities, growing areas, certificates) are handled here;
stamp batch requests are handled when the stamps app provides `StampBatch` and its approve/reject services.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models

from accounts.permissions import Actor
from catalog.models import Certificate, Facility, GrowingArea, Lot, Organization, Product
from catalog.services import approve_organization, return_lot_to_draft
from core import audit
from reviews.choices import Decision, ReviewKind
from rules.publication import publish_lot
from stamps import services as stamp_services

SKIP_FIELDS = {"id", "created_at", "updated_at", "submitted_at", "published_at", "approved_at", "status", "search_text"}
MASTER_DATA_MODELS: tuple[type[models.Model], ...] = (Product, Facility, GrowingArea, Certificate)


@dataclass(frozen=True)
class Subject:
    kind: str
    organization: Callable[[Any], Organization]
    label: Callable[[Any], str]
    # decision → function(actor, instance, reason) that applies it to the record (or None: record only)
    effects: dict[str, Callable[..., Any]]


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The reviewable content of a record: its fields (status and timestamps left out), a lot's origin areas."""
    data = {k: v for k, v in audit.snapshot(instance).items() if k not in SKIP_FIELDS}
    if isinstance(instance, Lot):
        data["origin_areas"] = sorted(instance.origin_areas.values_list("code", flat=True))
    return data


def diff(before: dict[str, Any] | None, after: dict[str, Any]) -> list[dict[str, Any]]:
    """Field-by-field changes from `before` (None: a new record, every field is new) to `after`."""
    before = before or {}
    keys = sorted(set(before) | set(after))
    return [
        {"field": k, "old": before.get(k), "new": after.get(k)}
        for k in keys
        if before.get(k) != after.get(k) and k not in SKIP_FIELDS
    ]


def _approve_org(actor: Actor, org: Organization, reason: str) -> None:

    approve_organization(actor=actor, organization=org, reason=reason)


def _publish_lot(actor: Actor, lot: Lot, reason: str) -> None:

    publish_lot(actor=actor, lot=lot, reason=reason)


def _return_lot(actor: Actor, lot: Lot, reason: str) -> None:

    return_lot_to_draft(actor=actor, lot=lot, reason=reason)


def _lot_label(lot: Lot) -> str:
    return f"{lot.product.name} — {lot.lot_code}"


SUBJECTS: dict[str, Subject] = {
    "catalog.organization": Subject(
        ReviewKind.ORGANIZATION,
        organization=lambda o: o,
        label=lambda o: f"{o.name} ({o.tax_code})",
        effects={Decision.APPROVED: _approve_org},
    ),
    "catalog.lot": Subject(
        ReviewKind.LOT,
        organization=lambda lot: lot.product.organization,
        label=_lot_label,
        effects={
            Decision.APPROVED: _publish_lot,
            Decision.REJECTED: _return_lot,
            Decision.CHANGES_REQUESTED: _return_lot,
        },
    ),
}
for _model in MASTER_DATA_MODELS:
    SUBJECTS[_model._meta.label_lower] = Subject(
        ReviewKind.MASTER_DATA,
        organization=lambda r: r.organization,
        label=lambda r: f"{r._meta.verbose_name}: {r}",
        effects={},
    )


def stamp_batch_model() -> type[models.Model] | None:
    """The stamps app's batch model once it exists (it is built in parallel); None until then."""
    try:
        return apps.get_model("stamps", "StampBatch")
    except LookupError:
        return None


def _stamp_subject() -> Subject | None:
    model = stamp_batch_model()
    if model is None:
        return None

    def approve(actor: Actor, batch: Any, reason: str) -> None:
        stamp_services.approve_batch(actor=actor, batch=batch)

    def reject(actor: Actor, batch: Any, reason: str) -> None:
        stamp_services.reject_batch(actor=actor, batch=batch, reason=reason)

    effects: dict[str, Callable[..., Any]] = {}
    if hasattr(stamp_services, "approve_batch"):
        effects[Decision.APPROVED] = approve
    if hasattr(stamp_services, "reject_batch"):
        effects[Decision.REJECTED] = reject
        effects[Decision.CHANGES_REQUESTED] = reject
    return Subject(
        ReviewKind.STAMP_BATCH,
        organization=lambda b: b.organization,
        label=lambda b: str(b),
        effects=effects,
    )


def subject_for(instance: models.Model) -> Subject:
    label = instance._meta.label_lower
    if label in SUBJECTS:
        return SUBJECTS[label]
    stamp = _stamp_subject()
    if stamp is not None and label == "stamps.stampbatch":
        return stamp
    raise LookupError(label)


def resolve(subject_type: str, subject_id: str) -> models.Model:
    """Load a reviewable record by type label and id (raises LookupError / DoesNotExist)."""
    app_label, model_name = subject_type.split(".", 1)
    model = apps.get_model(app_label, model_name)
    if subject_type not in SUBJECTS and subject_type != "stamps.stampbatch":
        raise LookupError(subject_type)
    return model._default_manager.get(pk=subject_id)

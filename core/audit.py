"""Writing audit entries; called by services inside their transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import TYPE_CHECKING, Any, cast

from django.db import models
from django.db.models.fields.files import FieldFile

from core.models import AuditEntry

if TYPE_CHECKING:
    from accounts.models import User
    from accounts.permissions import Actor


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The concrete field values of a model instance as JSON-ready data (foreign keys by id)."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        data[field.attname] = _plain(getattr(instance, field.attname))
    return data


def entry(
    *,
    actor: Actor | None,
    action: str,
    instance: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    organization_id: int | None = None,
    reason: str = "",
) -> AuditEntry:
    """The audit entry for `instance`, not saved yet (`record` saves it; a bulk writer inserts it its own way);
    `after` defaults to the instance's current snapshot."""
    # The command-line operator (accounts.permissions.SYSTEM) has no user row: it is named in the reason.
    user = cast("User", actor) if getattr(actor, "pk", None) is not None else None  # accounts.permissions.person
    if user is None and getattr(actor, "username", "") == "system":
        reason = f"[system] {reason}".strip()
    return AuditEntry(
        actor=user,
        action=action,
        object_type=instance._meta.label_lower,
        object_id=str(instance.pk),
        organization_id=organization_id,
        before=before,
        after=after if after is not None else snapshot(instance),
        reason=reason,
    )


def record(
    *,
    actor: Actor | None,
    action: str,
    instance: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    organization_id: int | None = None,
    reason: str = "",
) -> AuditEntry:
    """Write one audit entry for `instance` (see `entry`)."""
    new = entry(
        actor=actor,
        action=action,
        instance=instance,
        before=before,
        after=after,
        organization_id=organization_id,
        reason=reason,
    )
    new.save(force_insert=True)
    return new

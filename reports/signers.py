"""Who signs an agency's documents (settings per agency): officers add and retire signers; the report form picks one.

Writes are services (atomic, permission-checked, audited). Reads: `signers_for(actor)`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.permissions import Actor, require
from core import audit
from core.choices import AuditAction
from reports.document_text import vn_upper
from reports.models import ReportSigner

DEFAULT_TITLE = "GIÁM ĐỐC"


def _agency_id(actor: Actor) -> int | None:
    return getattr(actor, "agency_id", None)


def signers_for(actor: Actor, *, active_only: bool = True) -> QuerySet[ReportSigner]:
    """The signers of the actor's agency (a platform admin without an agency: the signers without one)."""
    signers = ReportSigner.objects.filter(agency_id=_agency_id(actor))
    return signers.filter(is_active=True) if active_only else signers


def _text(field: str, value: Any, limit: int, *, required: bool) -> str:
    text = " ".join(str(value or "").split())
    if required and not text:
        raise ValidationError({field: [_("Trường này là bắt buộc.")]})
    if len(text) > limit:
        raise ValidationError({field: [_("Quá dài (tối đa %(n)s ký tự).") % {"n": limit}]})
    return text


@transaction.atomic
def add_signer(*, actor: Actor, title: Any, name: Any, on_behalf_of: Any = "") -> ReportSigner:
    """An officer records who signs for the agency: "GIÁM ĐỐC", or "KT. GIÁM ĐỐC" with "PHÓ GIÁM ĐỐC"."""
    require(permissions.is_agency_officer(actor))
    signer = ReportSigner.objects.create(
        agency_id=_agency_id(actor),
        title=vn_upper(_text("title", title, 80, required=True)),
        name=_text("name", name, 120, required=True),
        on_behalf_of=vn_upper(_text("on_behalf_of", on_behalf_of, 80, required=False)),
    )
    audit.record(actor=actor, action=AuditAction.CREATE, instance=signer, organization_id=signer.agency_id)
    return signer


@transaction.atomic
def retire_signer(*, actor: Actor, signer: ReportSigner) -> ReportSigner:
    """The signer is no longer offered (reports already signed keep the name they were printed with)."""
    require(permissions.is_agency_officer(actor) and signer.agency_id == _agency_id(actor))
    signer = ReportSigner.objects.select_for_update().get(pk=signer.pk)
    if signer.is_active:
        before = audit.snapshot(signer)
        signer.is_active = False
        signer.save(update_fields=["is_active"])
        audit.record(
            actor=actor, action=AuditAction.UPDATE, instance=signer, before=before, organization_id=signer.agency_id
        )
    return signer


def chosen(actor: Actor, signer_id: int | None) -> tuple[str, str, str]:
    """(on_behalf_of, title, name) printed on a document: the signer picked on the form (of the actor's agency),
    else the agency's first signer, else "GIÁM ĐỐC" with the name left for the pen."""
    signers = signers_for(actor)
    if signer_id:
        signer = signers.filter(pk=signer_id).first()
        if signer is None:
            raise ValidationError({"signer": [_("Người ký không thuộc cơ quan của bạn.")]})
    else:
        signer = signers.first()
    if signer is None:
        return "", DEFAULT_TITLE, ""
    return signer.on_behalf_of, signer.title, signer.name

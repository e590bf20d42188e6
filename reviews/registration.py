"""Registration documents: the business licence and certificates an organisation uploads when it signs up, kept
privately for the officers who review its registration.

`sign_up_with_documents` is what the sign-up page calls: the person's account, the pending organisation and its
documents, all or nothing. Every upload is checked (`core.uploads`: size, type by content, no active PDF)
before anything is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.permissions import Actor, require
from accounts.services import sign_up_producer
from catalog.models import Organization
from core import audit
from core.choices import AuditAction
from core.uploads import DOCUMENT_TYPES, check_upload
from reviews.choices import DocumentKind
from reviews.models import RegistrationDocument

MAX_DOCUMENTS = 6
# The form field each kind of document comes from (errors are attached to it).
FIELDS = {DocumentKind.BUSINESS_LICENCE: "licence", DocumentKind.CERTIFICATE: "certificates"}

Documents = Sequence[tuple[str, UploadedFile]]


def check_documents(documents: Documents) -> None:
    """Refuse too many documents, an unknown kind, or a file that is not a clean PDF, JPEG or PNG."""
    if len(documents) > MAX_DOCUMENTS:
        raise ValidationError(
            {"certificates": [_("Tối đa %(n)s tệp giấy tờ mỗi lần.") % {"n": MAX_DOCUMENTS}]}, code="too_many"
        )
    for kind, upload in documents:
        if kind not in DocumentKind.values:
            raise ValidationError(_("Loại giấy tờ không hợp lệ."), code="kind")
        try:
            check_upload(upload, DOCUMENT_TYPES)
        except ValidationError as exc:
            raise ValidationError({FIELDS[DocumentKind(kind)]: exc.messages}) from exc


@transaction.atomic
def add_registration_documents(
    *, actor: Actor, organization: Organization, documents: Documents
) -> list[RegistrationDocument]:
    """A member of the organisation adds documents to its registration (each one audited)."""
    require(permissions.can_edit_organization_data(actor, organization))
    check_documents(documents)
    stored = []
    for kind, upload in documents:
        doc = RegistrationDocument(organization=organization, kind=kind, uploaded_by=permissions.person(actor))
        doc.file.save(upload.name or "giay-to", upload, save=False)
        doc.save()
        audit.record(actor=actor, action=AuditAction.CREATE, instance=doc, organization_id=organization.pk)
        stored.append(doc)
    return stored


@transaction.atomic
def sign_up_with_documents(
    *, user_data: dict[str, Any], password: str, organization_data: dict[str, Any], documents: Documents
) -> Any:
    """Sign a producer up (account + pending organisation) with the documents for the officer's review."""

    check_documents(documents)  # before anything is written: a refused file leaves no account behind
    user = sign_up_producer(user_data=user_data, password=password, organization_data=organization_data)
    if documents:
        organization = Organization.objects.get(memberships__user=user)
        add_registration_documents(actor=user, organization=organization, documents=documents)
    return user

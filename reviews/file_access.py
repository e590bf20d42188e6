"""Who may read a registration document (see core.files): the organisation's members and the agency officers of
its province (who review the registration), and platform admins. Anyone else gets 404."""

from __future__ import annotations

from typing import Any

from accounts import permissions
from core import files
from reviews.models import RegistrationDocument


def can_read_document(user: Any, document: RegistrationDocument) -> bool:
    org = document.organization
    return permissions.is_member(user, org) or permissions.is_officer_for(user, org)


files.register("reviews.registrationdocument", "file", can_read=can_read_document)

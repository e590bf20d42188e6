"""Who may read quality files (see core.files): a lab-test report by the tested organisation's members and
agency officers of its province; inspection photos by those officers only (no page shows them to the inspected
organisation). Platform admins read both; nobody else does."""

from __future__ import annotations

from typing import Any

from accounts import permissions
from core import files
from quality.models import InspectionPhoto, LabTest


def can_read_lab_test_document(user: Any, test: LabTest) -> bool:
    return permissions.is_member(user, test.organization) or permissions.is_officer_for(user, test.organization)


def can_read_inspection_photo(user: Any, photo: InspectionPhoto) -> bool:
    return permissions.is_officer_for(user, photo.inspection.organization)


files.register("quality.labtest", "document", can_read=can_read_lab_test_document)
files.register("quality.inspectionphoto", "image", can_read=can_read_inspection_photo)

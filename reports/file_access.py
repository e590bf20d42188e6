"""Who may read periodic report files (see core.files): agency officers of this province and platform admins,
as the report pages require."""

from __future__ import annotations

from typing import Any

from accounts import permissions
from core import files
from reports.models import ReportJob

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def can_read(user: Any, job: ReportJob) -> bool:
    return permissions.is_agency_officer(user)


def spreadsheet_type(head: bytes) -> str | None:
    return XLSX if head.startswith(b"PK\x03\x04") else None


files.register("reports.reportjob", "xlsx", can_read=can_read, content_type=spreadsheet_type)
files.register("reports.reportjob", "pdf", can_read=can_read)

"""Who may read a feedback (or complaint) photo (see core.files): those who see the feedback in the UI, that is
the producer's members (workspace) and the agency officers of its province handling it (oversight), and platform
admins. The consumer who sent it sees it on the follow page, which knows the tracking code: that page links the
photo with a time-limited grant (`core.files.url(..., grant=True)`)."""

from __future__ import annotations

from typing import Any

from accounts import permissions
from core import files
from feedback.models import Feedback


def can_read_photo(user: Any, item: Feedback) -> bool:
    return permissions.is_member(user, item.organization) or permissions.is_officer_for(user, item.organization)


files.register("feedback.feedback", "photo", can_read=can_read_photo)

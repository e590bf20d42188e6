"""Who may read diary photos and voice notes (see core.files): the organisation's members, agency officers of
its province and platform admins."""

from __future__ import annotations

from typing import Any

from accounts import permissions
from core import files
from diary.models import DiaryEntry
from diary.uploads import sniff_audio

AUDIO_TYPES = {"webm": "audio/webm", "ogg": "audio/ogg", "wav": "audio/wav", "mp4": "audio/mp4", "mp3": "audio/mpeg"}


def can_read(user: Any, entry: DiaryEntry) -> bool:
    return permissions.is_member(user, entry.organization) or permissions.is_officer_for(user, entry.organization)


def audio_type(head: bytes) -> str | None:
    kind = sniff_audio(head)
    return AUDIO_TYPES[kind] if kind else None


files.register("diary.diaryentry", "photo", can_read=can_read)
files.register("diary.diaryentry", "voice", can_read=can_read, content_type=audio_type)

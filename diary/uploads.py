"""Checks of voice notes (audio recorded by the phone): size, and type by content, never by name."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

AUDIO_EXTENSIONS = {"webm": ".webm", "ogg": ".ogg", "wav": ".wav", "mp4": ".m4a", "mp3": ".mp3"}


def sniff_audio(head: bytes) -> str | None:
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm"  # Matroska/WebM: what Chromium's MediaRecorder makes
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "wav"
    if head[4:8] == b"ftyp":
        return "mp4"  # AAC in MP4 (Safari, many Android recorders)
    if head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "mp3"
    return None


def check_voice(upload: UploadedFile) -> str:
    """Refuse a voice note that is too large or not audio; returns the detected type."""
    limit = settings.TRUYXUAT_MAX_UPLOAD_BYTES
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            _("Tệp quá lớn: tối đa %(limit)s MB. / File too large: at most %(limit)s MB.")
            % {"limit": round(limit / 1024 / 1024, 1)}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = sniff_audio(head)
    if kind is None:
        raise ValidationError(
            _("Tệp ghi âm không hợp lệ; chỉ nhận WebM, Ogg, WAV, M4A, MP3. / Not an accepted audio file.")
        )
    return kind

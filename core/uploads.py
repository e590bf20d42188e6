"""Upload checks: size limit and file type by content (magic bytes), never by the name the client sent."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

SIGNATURES = {
    "pdf": (b"%PDF-",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "webp": (b"RIFF",),
}
EXTENSIONS = {"pdf": ".pdf", "jpeg": ".jpg", "png": ".png", "webp": ".webp"}
DOCUMENT_TYPES = ("pdf", "jpeg", "png")
IMAGE_TYPES = ("jpeg", "png", "webp")


def sniff(head: bytes) -> str | None:
    for kind, signatures in SIGNATURES.items():
        if any(head.startswith(sig) for sig in signatures):
            if kind == "webp" and head[8:12] != b"WEBP":
                continue
            return kind
    return None


def check_upload(upload: UploadedFile, allowed: tuple[str, ...], max_bytes: int | None = None) -> str:
    """Refuse an upload that is too large or not one of `allowed`; returns the detected type."""
    limit = max_bytes or settings.TRUYXUAT_MAX_UPLOAD_BYTES
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            _("Tệp quá lớn: tối đa %(limit)s MB. / File too large: at most %(limit)s MB.")
            % {"limit": round(limit / 1024 / 1024, 1)},
            code="upload_too_large",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head)
    if kind not in allowed:
        names = ", ".join(k.upper() for k in allowed)
        raise ValidationError(
            _("Loại tệp không được chấp nhận; chỉ nhận %(names)s. / File type not accepted; only %(names)s.")
            % {"names": names},
            code="upload_type",
        )
    return kind

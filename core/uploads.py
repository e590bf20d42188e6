"""Upload checks: size limit and file type by content (magic bytes), never by the name the client sent; PDFs
that could run something (JavaScript, automatic actions, launches, embedded files, rich media, XFA forms)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import IO, Any

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

# Keys and action types that make a PDF run, launch or carry something (ISO 32000-2 §12.6, §7.11.4, §13.7,
# §12.7.8): any object holding one makes the PDF refused.
PDF_ACTIVE_KEYS = frozenset(
    {"/JavaScript", "/JS", "/AA", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/EF", "/RichMedia", "/XFA"}
)
PDF_ACTIVE_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/RichMediaExecute", "/GoToE", "/Rendition"}
)
PDF_ACTIVE_TYPES = frozenset({"/EmbeddedFile", "/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound"})
PDF_MAX_DEPTH = 64


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
    if kind == "pdf":
        check_pdf(upload)
    return kind


class UnreadablePdf(Exception):
    pass


def _walk(value: Any, depth: int = 0) -> Iterator[Any]:
    """The dictionaries directly inside `value` (not following indirect references: each is visited itself)."""
    from pypdf.generic import ArrayObject, DictionaryObject

    if depth > PDF_MAX_DEPTH:
        raise UnreadablePdf("nested too deep")
    if isinstance(value, DictionaryObject):
        yield value
        for item in value.values():
            yield from _walk(item, depth + 1)
    elif isinstance(value, ArrayObject):
        for item in value:
            yield from _walk(item, depth + 1)


def _is_active(obj: Any, reader: Any) -> str | None:
    from pypdf.generic import DictionaryObject, IndirectObject

    keys = set(obj.keys())
    found = keys & PDF_ACTIVE_KEYS
    if found:
        return min(found)
    if obj.get("/S") in PDF_ACTIVE_ACTIONS:
        return str(obj["/S"])
    for key in ("/Type", "/Subtype"):
        if obj.get(key) in PDF_ACTIVE_TYPES:
            return str(obj[key])
    if "/OpenAction" in obj:
        action = obj["/OpenAction"]
        if isinstance(action, IndirectObject):
            action = reader.get_object(action)
        if isinstance(action, DictionaryObject):  # an action (an array is only a page to open at)
            return "/OpenAction"
    return None


def pdf_active_content(stream: IO[bytes]) -> str | None:
    """The first thing in a PDF that could run or carry content (a key or action name), else None.

    Every object is parsed (pypdf), including those inside compressed object streams, so nothing hides from a
    byte search by compression or #-escaped names. Raises UnreadablePdf for a file that cannot be parsed or is
    encrypted with a password (its objects cannot be inspected).
    """
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError
    from pypdf.generic import IndirectObject

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # a damaged file is refused, not logged line by line
    try:
        reader = PdfReader(stream, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadablePdf("encrypted")
        numbers = {(num, gen) for gen, entries in reader.xref.items() for num in entries}
        numbers |= {(num, 0) for num in reader.xref_objStm}
        for dictionary in _walk(reader.trailer):
            if found := _is_active(dictionary, reader):
                return found
        for num, gen in sorted(numbers):
            obj = reader.get_object(IndirectObject(num, gen, reader))
            for dictionary in _walk(obj):
                if found := _is_active(dictionary, reader):
                    return found
    except UnreadablePdf:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError) as exc:
        raise UnreadablePdf(str(exc)) from exc
    return None


def check_pdf(upload: UploadedFile) -> None:
    """Refuse a PDF with JavaScript, automatic actions, launches or embedded files, or one that cannot be read."""
    upload.seek(0)
    try:
        found = pdf_active_content(upload)  # type: ignore[arg-type]
    except UnreadablePdf as exc:
        raise ValidationError(
            _(
                "Không đọc được tệp PDF (hỏng hoặc có mật khẩu); hãy lưu lại thành PDF thường rồi tải lên. / The PDF "
                "could not be read (damaged or password-protected); save it again as a plain PDF and upload that."
            ),
            code="upload_pdf_unreadable",
        ) from exc
    finally:
        upload.seek(0)
    if found is not None:
        raise ValidationError(
            _(
                "Tệp PDF có mã JavaScript, hành động tự chạy hoặc tệp đính kèm (%(found)s) nên không được nhận; hãy in "
                "lại thành PDF thường (In → Lưu dưới dạng PDF) rồi tải lên. / The PDF contains JavaScript, an "
                "automatic action or an embedded file (%(found)s) and is not accepted; print it again to a plain PDF "
                "(Print → Save as PDF) and upload that."
            )
            % {"found": found.lstrip("/")},
            code="upload_pdf_active",
        )

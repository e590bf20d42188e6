"""Serving uploaded files by permission: the mechanics only.

Each domain app says, in its `file_access.py`, who may read each of its file fields::

    files.register("catalog.product", "image", can_read=can_read_image, is_public=image_is_public)

`can_read(user, obj)` decides for a signed-in (or anonymous) person; `is_public(obj)` marks files anyone may
see (served with a public cache header, without looking at the session). Everyone else gets 404, never 403, so a
refusal confirms nothing. Links come from `url(fieldfile)` (templates: `{{ obj.image|file_url }}`); a page shown
to whoever holds a secret (a consumer's feedback tracking code) links with `url(fieldfile, grant=True)`: the link
carries a signature valid for `GRANT_SECONDS` that lets its holder read that one file.

The response's type comes from the file's first bytes, never from its name; images and audio are shown inline,
everything else (PDF, spreadsheets, unknown) is an attachment. Private files are `Cache-Control: private,
no-store`.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core import signing
from django.db.models import Model
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from core.uploads import sniff

GRANT_SECONDS = 3600
PUBLIC_MAX_AGE = 3600
MAX_PK = 2**63 - 1  # larger ids exist in no table (and overflow SQLite's integers)
_GRANT_SALT = "core.files.grant"

MIME_TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
INLINE_PREFIXES = ("image/", "audio/")


@dataclass(frozen=True)
class Access:
    model: str  # "app_label.modelname", lower case
    field: str
    can_read: Callable[[Any, Any], bool]
    is_public: Callable[[Any], bool] | None = None
    content_type: Callable[[bytes], str | None] | None = None  # for types core.uploads.sniff does not know


_registry: dict[tuple[str, str], Access] = {}


def register(
    model: str,
    field: str,
    *,
    can_read: Callable[[Any, Any], bool],
    is_public: Callable[[Any], bool] | None = None,
    content_type: Callable[[bytes], str | None] | None = None,
) -> None:
    """Declare who may read `model.field` (called by the owning app's `file_access` module)."""
    key = (model.lower(), field)
    _registry[key] = Access(key[0], field, can_read, is_public, content_type)


def registered() -> list[Access]:
    return list(_registry.values())


def _path(fieldfile: FieldFile) -> str:
    instance: Model = fieldfile.instance
    return reverse(
        "file",
        kwargs={
            "model": instance._meta.label_lower,
            "pk": instance.pk,
            "field": fieldfile.field.name,
            "name": posixpath.basename(fieldfile.name or ""),
        },
    )


def url(fieldfile: FieldFile | None, *, grant: bool = False) -> str:
    """The link to a stored file ("" when there is none); `grant=True` lets whoever holds the link read it."""
    if not fieldfile:
        return ""
    path = _path(fieldfile)
    key = (fieldfile.instance._meta.label_lower, fieldfile.field.name)
    if key not in _registry:
        raise LookupError(f"{key[0]}.{key[1]} has no file access rule (register it in its app's file_access.py)")
    if grant:
        signed = signing.TimestampSigner(salt=_GRANT_SALT).sign(path)
        path += "?g=" + signed[len(path) + 1 :]
    return path


def _granted(request: HttpRequest) -> bool:
    token = request.GET.get("g", "")
    if not token:
        return False
    try:
        signing.TimestampSigner(salt=_GRANT_SALT).unsign(f"{request.path}:{token}", max_age=GRANT_SECONDS)
    except signing.BadSignature:
        return False
    return True


def content_type_of(head: bytes, extra: Callable[[bytes], str | None] | None = None) -> str:
    kind = sniff(head)
    if kind is not None:
        return MIME_TYPES[kind]
    return (extra(head) if extra else None) or "application/octet-stream"


def file_response(
    fieldfile: FieldFile,
    *,
    public: bool = False,
    content_type: Callable[[bytes], str | None] | None = None,
) -> HttpResponse:
    """Stream a stored file with its sniffed type, a Content-Disposition, nosniff and a cache policy."""
    try:
        handle = fieldfile.storage.open(fieldfile.name or "", "rb")
    except (FileNotFoundError, IsADirectoryError) as exc:
        raise Http404 from exc
    head = handle.read(16)
    handle.seek(0)
    mime = content_type_of(head, content_type)
    inline = mime.startswith(INLINE_PREFIXES)
    response: HttpResponse = FileResponse(  # type: ignore[assignment]  # a streaming response, as Django means
        handle, content_type=mime, as_attachment=not inline, filename=posixpath.basename(fieldfile.name or "")
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}" if public else "private, no-store"
    # Opened on its own, a file runs nothing and loads nothing.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"
    return response


@require_safe
def serve(request: HttpRequest, model: str, pk: int, field: str, name: str) -> HttpResponse:
    """GET /files/<app.model>/<pk>/<field>/<name>: the file, to those its app lets read it; 404 to anyone else."""
    access = _registry.get((model, field))
    if access is None or pk > MAX_PK:
        raise Http404
    try:
        cls = apps.get_model(model)
    except (LookupError, ValueError) as exc:
        raise Http404 from exc
    obj = cls._default_manager.filter(pk=pk).first()
    fieldfile = getattr(obj, field, None) if obj is not None else None
    if not fieldfile or posixpath.basename(fieldfile.name) != name:
        raise Http404
    public = bool(access.is_public and access.is_public(obj))
    if not public and not _granted(request) and not access.can_read(request.user, obj):
        raise Http404
    return file_response(fieldfile, public=public, content_type=access.content_type)

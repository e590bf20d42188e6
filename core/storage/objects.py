"""Uploads on S3-compatible object storage (django-storages), named as on disk: a random directory per file.

Chosen by settings when `TRUYXUAT_S3_BUCKET` is set. Reads go through `core.files.file_response`, which opens the
object with the storage API and streams it after the owning app's permission check; the bucket is never public and
no URL to it is handed out. Tests run it against moto's S3 server (`core/tests/s3.py`).
"""

from __future__ import annotations

import os

from storages.backends.s3 import S3Storage

from core.storage.files import unguessable


class PrivateS3Storage(S3Storage):
    def generate_filename(self, filename: str | os.PathLike[str]) -> str:
        return str(super().generate_filename(unguessable(filename)))

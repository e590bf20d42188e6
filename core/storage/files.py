"""Where uploads are kept: MEDIA_ROOT (or the object store, `core.storage.objects`), each file in a directory of its
own with an unguessable name.

`reports/2026/bao-cao-quarter-1-2026.xlsx` becomes `reports/2026/<22 random characters>/bao-cao-quarter-1-2026.xlsx`:
nobody finds a file by guessing its name, and the name a person sees when downloading stays readable. Files are
written 0600 and directories 0700 (`FILE_UPLOAD_PERMISSIONS`, `FILE_UPLOAD_DIRECTORY_PERMISSIONS`). Files are
served only through `core.files.serve`, which asks the owning app who may read them; MEDIA_URL serves nothing.
"""

from __future__ import annotations

import os
import posixpath
import secrets

from django.core.files.storage import FileSystemStorage


def unguessable(filename: str | os.PathLike[str]) -> str:
    """`dir/name` → `dir/<22 random characters>/name`."""
    dirname, basename = posixpath.split(str(filename).replace("\\", "/"))
    return posixpath.join(dirname, secrets.token_urlsafe(16), basename)


class PrivateFileSystemStorage(FileSystemStorage):
    def generate_filename(self, filename: str | os.PathLike[str]) -> str:
        return super().generate_filename(unguessable(filename))

"""The scheduled push of open data to the provincial warehouse: a job that re-enqueues itself on its period.

Each run writes a release (a snapshot the first time, then the changes since the last release), then POSTs every
release the target has not yet accepted, oldest first, as one zip (`datapackage.json` and the data files) to
`TRUYXUAT_OPEN_DATA_PUSH_URL` with `X-API-Key`, `Content-Digest: sha-256=:…:` (RFC 9530) and the release's id and
cursor; it stops at the first refusal so that the warehouse receives the changes in order, and tries again on the
next period. Every attempt is an `OpenDataPush` row with the HTTP status and the target's answer. `truyxuat
opendata schedule` starts the cycle (`TRUYXUAT_OPEN_DATA_PUSH_EVERY` seconds); nothing runs without a target.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from accounts.permissions import SYSTEM
from core import audit
from core.jobs import enqueue_once, job
from exchange.choices import ReleaseKind
from exchange.models import OpenDataPush, OpenDataRelease
from exchange.opendata.services import release

TIMEOUT = 60


def bundle(rel: OpenDataRelease) -> bytes:
    """The release as one zip: its Data Package descriptor and every file it lists."""
    directory = Path(rel.directory)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(directory / "datapackage.json", "datapackage.json")
        for f in rel.files.order_by("path"):
            zf.write(directory / f.path, f.path)
    return out.getvalue()


def _post(url: str, data: bytes, rel: OpenDataRelease) -> tuple[int | None, str]:
    digest = base64.b64encode(hashlib.sha256(data).digest()).decode()
    headers = {
        "Content-Type": "application/zip",
        "Content-Digest": f"sha-256=:{digest}:",
        "X-Open-Data-Release": str(rel.pk),
        "X-Open-Data-Kind": rel.kind,
        "X-Open-Data-Cursor": rel.cursor,
    }
    if settings.TRUYXUAT_OPEN_DATA_PUSH_KEY:
        headers["X-API-Key"] = settings.TRUYXUAT_OPEN_DATA_PUSH_KEY
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
            return answer.status, answer.read(4000).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(4000).decode("utf-8", "replace")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return None, str(getattr(exc, "reason", exc))[:4000]


def push(rel: OpenDataRelease, url: str) -> OpenDataPush:
    """POST one release to the target and record the attempt and the answer."""
    data = bundle(rel)
    status, answer = _post(url, data, rel)
    record = OpenDataPush.objects.create(
        release=rel,
        target=url[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        http_status=status,
        accepted=status is not None and 200 <= status < 300,
        answer=answer,
    )
    audit.record(actor=SYSTEM, action="create", instance=record, reason="open data push")
    return record


def push_due() -> list[OpenDataPush]:
    """A new release, then every release the target has not accepted, oldest first, until one is refused."""
    url = settings.TRUYXUAT_OPEN_DATA_PUSH_URL
    if not url:
        return []
    kind = ReleaseKind.CHANGES if OpenDataRelease.objects.exists() else ReleaseKind.SNAPSHOT
    release(actor=SYSTEM, kind=kind)
    accepted = OpenDataPush.objects.filter(target=url[:255], accepted=True).values_list("release_id", flat=True)
    pending = OpenDataRelease.objects.exclude(pk__in=list(accepted)).order_by("created_at", "id")
    done: list[OpenDataPush] = []
    for rel in pending:
        done.append(push(rel, url))
        if not done[-1].accepted:
            break
    return done


def schedule(after: dt.timedelta | None = None) -> bool:
    """Make sure a push is waiting, a period from now (in the caller's transaction)."""
    every = after if after is not None else dt.timedelta(seconds=settings.TRUYXUAT_OPEN_DATA_PUSH_EVERY)
    return enqueue_once(push_job, run_after=timezone.now() + every)


@job(attempts=1)
def push_job() -> int:
    try:
        return len(push_due())
    finally:
        schedule()

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
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.permissions import SYSTEM, Actor
from core import audit
from core.jobs import enqueue_once, job
from exchange.choices import PushRunStatus, ReleaseKind
from exchange.models import OpenDataPush, OpenDataPushRun, OpenDataRelease
from exchange.opendata.datasets import DATASETS
from exchange.opendata.services import release

TIMEOUT = 60
BUSY = (PushRunStatus.QUEUED, PushRunStatus.RUNNING)
STATS_TITLE = "Thống kê theo xã và nhóm sản phẩm / Statistics per commune and category"


def dataset_title(name: str) -> str:
    """The bilingual title of a dataset of a release (the commune statistics are not a pull dataset)."""
    return DATASETS[name].title if name in DATASETS else STATS_TITLE if name == "commune_stats" else name


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


def push(rel: OpenDataRelease, url: str, run: OpenDataPushRun | None = None) -> OpenDataPush:
    """POST one release to the target and record the attempt and the answer (and the officer's run, if any)."""
    data = bundle(rel)
    status, answer = _post(url, data, rel)
    record = OpenDataPush.objects.create(
        release=rel,
        run=run,
        target=url[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        http_status=status,
        accepted=status is not None and 200 <= status < 300,
        answer=answer,
    )
    audit.record(actor=SYSTEM, action="create", instance=record, reason="open data push")
    return record


def pending(url: str) -> list[OpenDataRelease]:
    """The releases the target has not accepted yet, oldest first (what the next run sends after its new one)."""
    accepted = OpenDataPush.objects.filter(target=url[:255], accepted=True).values_list("release_id", flat=True)
    return list(OpenDataRelease.objects.exclude(pk__in=list(accepted)).order_by("created_at", "id"))


def push_due(run: OpenDataPushRun | None = None, progress: Callable[[str], None] | None = None) -> list[OpenDataPush]:
    """A new release, then every release the target has not accepted, oldest first, until one is refused."""
    url = settings.TRUYXUAT_OPEN_DATA_PUSH_URL
    if not url:
        return []
    say = progress or (lambda text: None)
    kind = ReleaseKind.CHANGES if OpenDataRelease.objects.exists() else ReleaseKind.SNAPSHOT
    release(
        actor=SYSTEM,
        kind=kind,
        progress=lambda name, rows: say(_("Đã ghi %(d)s: %(n)s dòng") % {"d": dataset_title(name), "n": rows}),
    )
    done: list[OpenDataPush] = []
    waiting = pending(url)
    for i, rel in enumerate(waiting, 1):
        say(_("Đang gửi bản phát hành %(i)s/%(n)s") % {"i": i, "n": len(waiting)})
        done.append(push(rel, url, run))
        if not done[-1].accepted:
            break
    return done


def progress_key(pk: int) -> str:
    return f"exchange:open-data-push:{pk}"


def progress_of(run: OpenDataPushRun) -> str:
    """The stage a running push reports (empty before it starts and once it has finished)."""
    return str(cache.get(progress_key(run.pk)) or "") if run.status == PushRunStatus.RUNNING else ""


@transaction.atomic
def request_push(*, actor: Actor) -> OpenDataPushRun:
    """An officer of the province asks for a push now: one run at a time, to the configured target, by a job."""
    if not permissions.is_agency_officer(actor):
        raise PermissionDenied(
            _("Chỉ cán bộ quản lý của tỉnh mới đẩy dữ liệu được / Only the province's officers can push.")
        )
    url = settings.TRUYXUAT_OPEN_DATA_PUSH_URL
    if not url:
        raise ValidationError(
            _("Chưa cấu hình địa chỉ kho dữ liệu của tỉnh, nên chưa đẩy được / No warehouse address is configured.")
        )
    if OpenDataPushRun.objects.select_for_update().filter(status__in=BUSY).exists():
        raise ValidationError(
            _("Đang có một lần đẩy chờ chạy hoặc đang chạy; hãy đợi nó xong / A push is already waiting or running.")
        )
    run = OpenDataPushRun.objects.create(requested_by=permissions.person(actor), target=url[:255])
    audit.record(actor=actor, action="create", instance=run, reason="open data push requested")
    push_now_job.enqueue(run.pk)
    return run


@job(attempts=1)
def push_now_job(pk: int) -> int:
    """The officer's run: the stage in the cache while it runs, the counts or the error on the row at the end."""
    run = OpenDataPushRun.objects.get(pk=pk)
    if run.status != PushRunStatus.QUEUED:
        return 0
    run.status, run.started_at = PushRunStatus.RUNNING, timezone.now()
    run.save(update_fields=["status", "started_at"])
    try:
        done = push_due(run, lambda text: cache.set(progress_key(pk), text, 3600))
    except Exception as exc:  # recorded on the row for the officer; the job itself is not retried
        run.status, run.error = PushRunStatus.FAILED, str(exc)[:2000]
        done = []
    else:
        run.status = PushRunStatus.DONE
    run.sent, run.accepted = len(done), sum(1 for p in done if p.accepted)
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "sent", "accepted", "finished_at"])
    audit.record(actor=SYSTEM, action="update", instance=run, reason="open data push finished")
    cache.delete(progress_key(pk))
    return len(done)


def schedule(after: dt.timedelta | None = None) -> bool:
    """Make sure a push is waiting, a period from now (in the caller's transaction)."""
    every = after if after is not None else dt.timedelta(seconds=settings.TRUYXUAT_OPEN_DATA_PUSH_EVERY)
    return enqueue_once(push_job, run_after=timezone.now() + every)


@job(attempts=1)
def push_job() -> int:
    """The scheduled run; it steps aside for a period when an officer's run is going (they would send twice)."""
    try:
        if OpenDataPushRun.objects.filter(status=PushRunStatus.RUNNING).exists():
            return 0
        return len(push_due())
    finally:
        schedule()

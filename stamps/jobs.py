"""The label sheet job (`core.jobs`), enqueued by `stamps.services.labels.request_labels`.

The PDF is rendered into a private temporary file first, then stored (local disk or object store) and the row
marked done in one transaction: a worker killed mid-job leaves no document behind (the temporary file goes with
it) and the job runs again (`core.jobs.worker` takes back a dead worker's job). Progress is written as pages are
laid out, each update committed on its own so the waiting page sees it.
"""

from __future__ import annotations

import logging
import tempfile

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from accounts.permissions import SYSTEM
from core.jobs import job
from stamps.choices import LabelJobStatus
from stamps.models import LabelJob
from stamps.printing import render_batch

log = logging.getLogger(__name__)


def _set(label_job: LabelJob, **fields: object) -> None:
    LabelJob.objects.filter(pk=label_job.pk).update(**fields)


@job(attempts=3, backoff=10.0)
def render_labels(label_job_id: int) -> str:
    label_job = LabelJob.objects.select_related("batch__product", "batch__lot").filter(pk=label_job_id).first()
    if label_job is None or label_job.status == LabelJobStatus.DONE:
        return "done already"  # at least once: a repeated run finds its work done
    _set(label_job, status=LabelJobStatus.RUNNING, progress=0, message="")
    with tempfile.TemporaryFile() as out:
        try:
            pages = render_batch(
                actor=SYSTEM,
                batch=label_job.batch,
                out=out,  # type: ignore[arg-type]  # a binary file object, as reportlab takes
                layout=label_job.layout,
                progress=lambda done, total: _set(label_job, progress=min(99, int(done * 100 / max(total, 1)))),
            )
        except ValidationError as exc:  # the batch can no longer be printed: no retry would help
            _set(label_job, status=LabelJobStatus.FAILED, message=" ".join(exc.messages)[:255])
            return "failed"
        out.seek(0)
        with transaction.atomic():
            label_job.pdf.save(f"tem-{label_job.batch_id}.pdf", File(out), save=False)
            _set(
                label_job,
                pdf=label_job.pdf.name,
                pages=pages,
                progress=100,
                status=LabelJobStatus.DONE,
                finished_at=timezone.now(),
            )
    return f"{pages} pages"

"""Label sheets as jobs: `request_labels` stores the request (atomic, audited) and enqueues `stamps.jobs
.render_labels`, which renders the PDF outside the request with progress on the row."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import Actor, person, require
from core import audit
from core.choices import AuditAction
from stamps import jobs
from stamps.choices import BatchStatus, LabelJobStatus, LabelLayout
from stamps.models import LabelJob, StampBatch
from stamps.printing import can_print


def request_labels(*, actor: Actor, batch: StampBatch, layout: str | None = None) -> LabelJob:
    """Ask for the label sheet PDF of an approved batch (members of the producer, or officers). A request already
    waiting or running for the same batch and layout is answered instead of a second one."""
    with transaction.atomic():
        batch = StampBatch.objects.select_for_update(of=("self",)).select_related("organization").get(pk=batch.pk)
        require(can_print(actor, batch))
        if batch.status != BatchStatus.APPROVED:
            raise ValidationError(_("Chỉ in được lô tem đã cấp."))
        chosen = layout or batch.layout
        if chosen not in LabelLayout.values:
            raise ValidationError(_("Khổ tem không hợp lệ."))
        waiting = LabelJob.objects.filter(
            batch=batch, layout=chosen, status__in=(LabelJobStatus.QUEUED, LabelJobStatus.RUNNING)
        ).first()
        if waiting is not None:
            return waiting
        job = LabelJob.objects.create(batch=batch, layout=chosen, requested_by=person(actor))
        audit.record(actor=actor, action=AuditAction.CREATE, instance=job, organization_id=batch.organization_id)
        jobs.render_labels.enqueue(job.pk)  # commits with the request, or not at all
    return job

"""The outbox: queue a published record, deliver it (a job, retried with backoff), dead letters and replay.

`enqueue_published(actor=…, instance=…)` is the one call the publication workflow makes (lot published,
organisation approved, product listed, recall started or closed); it stores the record's payload under its stable
id, and commits a delivery job with it. `deliver(pk)` is the job: one POST to `TRUYXUAT_NATIONAL_PORTAL_URL`;
2xx accepted, 400/409/422 refused with the receiver's reason (not retried), anything else (5xx, timeout,
unreachable) retried after `BACKOFF × 2^(attempt-1)` seconds until `TRUYXUAT_NATIONAL_PORTAL_ATTEMPTS`, then the
record is dead-lettered for an officer to replay.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import ssl
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from accounts import permissions
from accounts.permissions import Actor
from core import audit
from exchange.choices import PortalStatus
from exchange.models import PortalAttempt, PortalRecord
from exchange.national.mapping import MAPPERS, kind_of

REFUSAL_STATUSES = {400, 409, 422}
TIMEOUT = 15


def _digest(payload: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@transaction.atomic
def enqueue_published(*, actor: Actor, instance: Any) -> PortalRecord | None:
    """Queue the current published version of `instance` for the national portal (idempotent: an unchanged payload
    already queued or accepted queues nothing). Called inside the publishing service's transaction."""
    kind = kind_of(instance)
    rid, title, body = MAPPERS[kind](instance)
    digest = _digest(body)
    record = PortalRecord.objects.select_for_update().filter(record_id=rid).first()
    if record is not None and record.payload_sha256 == digest and record.status != PortalStatus.REFUSED:
        return None
    if record is None:
        record = PortalRecord(kind=kind, source_id=str(instance.pk), record_id=rid, version=1)
    else:
        record.version += 1
    record.title = title[:255]
    record.payload = {"recordId": rid, "kind": kind, "version": record.version, "data": body}
    record.payload_sha256 = digest
    record.status = PortalStatus.QUEUED
    record.attempts = 0
    record.next_attempt_at = None
    record.refused_reason = record.last_error = ""
    record.save()
    audit.record(actor=actor, action="create", instance=record, reason="national portal outbox")
    deliver_job.enqueue(record.pk)  # the job's row commits with the record, or neither does
    return record


def _post(record: PortalRecord) -> tuple[int | None, str]:
    """One POST of the record; (HTTP status or None when unreachable, the answer's text)."""
    url = settings.TRUYXUAT_NATIONAL_PORTAL_URL
    data = json.dumps(record.payload, ensure_ascii=False).encode()
    headers = {
        "Content-Type": "application/json",
        "Idempotency-Key": f"{record.record_id}:{record.version}",
    }
    if settings.TRUYXUAT_NATIONAL_PORTAL_KEY:
        headers["X-API-Key"] = settings.TRUYXUAT_NATIONAL_PORTAL_KEY
    context = None
    if url.startswith("https:"):
        context = ssl.create_default_context()
        if settings.TRUYXUAT_NATIONAL_PORTAL_CERT:
            context.load_cert_chain(
                settings.TRUYXUAT_NATIONAL_PORTAL_CERT, settings.TRUYXUAT_NATIONAL_PORTAL_CERT_KEY or None
            )
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT, context=context) as answer:
            return answer.status, answer.read(4096).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(4096).decode("utf-8", "replace")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return None, str(getattr(exc, "reason", exc))


def _reason(text: str) -> str:
    try:
        doc = json.loads(text)
    except ValueError:
        return text[:1000]
    if isinstance(doc, dict):
        return str(doc.get("detail") or doc.get("message") or doc.get("error") or text)[:1000]
    return text[:1000]


def deliver(pk: int) -> str:
    """Deliver one record (the job's body); returns the record's status. Nothing is sent without an endpoint."""
    if not settings.TRUYXUAT_NATIONAL_PORTAL_URL:
        return PortalStatus.QUEUED
    with transaction.atomic():
        record = PortalRecord.objects.select_for_update().get(pk=pk)
        if record.status not in (PortalStatus.QUEUED, PortalStatus.RETRYING):
            return str(record.status)
        record.attempts += 1
        record.sent_at = timezone.now()
        record.save(update_fields=["attempts", "sent_at", "updated_at"])
        version = record.version
    status, text = _post(record)  # outside the transaction: a slow endpoint holds no lock
    retry_at = None
    with transaction.atomic():
        record = PortalRecord.objects.select_for_update().get(pk=pk)
        if record.version != version:  # a newer version was queued meanwhile: its own job sends it
            return str(record.status)
        record.answered_at = timezone.now()
        if status is not None and 200 <= status < 300:
            record.status = PortalStatus.ACCEPTED
            try:
                record.remote_reference = str(json.loads(text).get("id", ""))[:120]
            except (ValueError, AttributeError):
                record.remote_reference = ""
            record.last_error = ""
        elif status in REFUSAL_STATUSES:
            record.status = PortalStatus.REFUSED
            record.refused_reason = _reason(text)
        else:
            record.last_error = f"HTTP {status}: {_reason(text)}" if status else _reason(text)
            if record.attempts >= settings.TRUYXUAT_NATIONAL_PORTAL_ATTEMPTS:
                record.status = PortalStatus.DEAD
            else:
                record.status = PortalStatus.RETRYING
                delay = settings.TRUYXUAT_NATIONAL_PORTAL_BACKOFF * 2 ** (record.attempts - 1)
                retry_at = timezone.now() + dt.timedelta(seconds=delay)
                record.next_attempt_at = retry_at
        record.save()
        PortalAttempt.objects.create(
            record=record, version=version, http_status=status, outcome=record.status, message=text[:2000]
        )
        if retry_at is not None:
            deliver_job.using(run_after=retry_at).enqueue(pk)
    return str(record.status)


@task()
def deliver_job(pk: int) -> str:
    return deliver(pk)


@transaction.atomic
def replay(*, actor: Actor, record: PortalRecord) -> PortalRecord:
    """An officer sends a dead-lettered or refused record again (same id and version: the receiver de-duplicates)."""
    if not (permissions.is_agency_officer(actor) or permissions.is_platform_admin(actor)):
        raise PermissionDenied(_("Chỉ cán bộ quản lý mới gửi lại được."))
    record = PortalRecord.objects.select_for_update().get(pk=record.pk)
    if record.status not in (PortalStatus.DEAD, PortalStatus.REFUSED):
        raise ValidationError(_("Chỉ gửi lại được bản ghi bị từ chối hoặc gửi không được."))
    before = audit.snapshot(record)
    record.status = PortalStatus.QUEUED
    record.attempts = 0
    record.next_attempt_at = None
    record.save()
    audit.record(actor=actor, action="update", instance=record, before=before, reason="replay")
    deliver_job.enqueue(record.pk)
    return record


@transaction.atomic
def queue_waiting() -> int:
    """A delivery job for every record still waiting (queued, or retrying and due); how many."""
    waiting = PortalRecord.objects.filter(status__in=(PortalStatus.QUEUED, PortalStatus.RETRYING)).values_list(
        "pk", flat=True
    )
    pks = list(waiting)
    for pk in pks:
        deliver_job.enqueue(pk)
    return len(pks)

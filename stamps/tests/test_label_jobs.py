"""Label sheets as jobs: requested by a member, made by the worker with progress, stored through the storage API
and read only by those who may print the batch; a failed run leaves no document and runs again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django_tasks_db.models import DBTaskResult

from catalog.tests.factories import LotFactory, ProductFactory
from core import files
from core.errors import Forbidden
from core.models import AuditEntry
from core.tests.jobs import JobFailed, run_jobs
from stamps import jobs, services
from stamps.choices import LabelJobStatus
from stamps.models import LabelJob
from stamps.services.labels import request_labels

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch(producer, officer, organization):
    lot = LotFactory(product=ProductFactory(organization=organization, name="Sâm Ngọc Linh"), lot_code="SNL-01")
    made = services.request_batch(actor=producer, product=lot.product, lot=lot, quantity=70, layout="a4-65")
    return services.approve_batch(actor=officer, batch=made)


def test_a_member_asks_the_worker_makes_it_the_page_shows_it(batch, producer, other_producer, client):
    job = request_labels(actor=producer, batch=batch)
    assert (job.status, job.progress, job.pdf.name) == (LabelJobStatus.QUEUED, 0, "")
    assert request_labels(actor=producer, batch=batch) == job  # the same request waiting: one job
    assert AuditEntry.objects.filter(object_type="stamps.labeljob", object_id=str(job.pk)).count() == 1
    client.force_login(producer)
    page = client.get(f"/workspace/stamps/labels/{job.pk}/")
    assert "Đang tạo tệp in tem" in page.content.decode()

    assert run_jobs() == 1
    job.refresh_from_db()
    assert (job.status, job.progress, job.pages) == (LabelJobStatus.DONE, 100, 2)
    assert default_storage.exists(job.pdf.name)
    page = client.get(f"/workspace/stamps/labels/{job.pk}/").content.decode()
    assert "Đã tạo xong: 2 trang." in page and files.url(job.pdf) in page
    download = client.get(files.url(job.pdf))
    assert download.status_code == 200 and download["Cache-Control"] == "private, no-store"
    assert b"".join(download.streaming_content)[:5] == b"%PDF-"
    client.force_login(other_producer)
    assert client.get(files.url(job.pdf)).status_code == 404
    assert client.get(f"/workspace/stamps/labels/{job.pk}/").status_code == 404
    with pytest.raises(Forbidden):
        request_labels(actor=other_producer, batch=batch)


def test_a_run_that_fails_midway_leaves_no_document_and_runs_again(batch, producer, monkeypatch):
    job = request_labels(actor=producer, batch=batch)
    real = jobs._set

    def power_cut_after_the_first_page(label_job, **fields):  # type: ignore[no-untyped-def]
        real(label_job, **fields)
        if fields.get("progress", 0) > 0 and fields.get("status") is None:
            raise OSError("power cut")

    monkeypatch.setattr(jobs, "_set", power_cut_after_the_first_page)
    with pytest.raises(JobFailed):
        run_jobs()
    job.refresh_from_db()
    assert job.pdf.name == "" and job.status == LabelJobStatus.RUNNING
    assert not default_storage.exists("labels")  # nothing stored, not even a part
    assert DBTaskResult.objects.get().status == "READY"  # to be run again after its backoff
    monkeypatch.setattr(jobs, "_set", real)
    assert run_jobs(until=dt.datetime(2100, 1, 1, tzinfo=dt.UTC)) == 1  # past its backoff
    job.refresh_from_db()
    assert job.status == LabelJobStatus.DONE and default_storage.exists(job.pdf.name)


def test_only_an_approved_batch_is_printed(producer, organization):
    lot = LotFactory(product=ProductFactory(organization=organization))
    waiting = services.request_batch(actor=producer, product=lot.product, lot=lot, quantity=5, layout="a4-65")
    with pytest.raises(ValidationError):
        request_labels(actor=producer, batch=waiting)
    assert LabelJob.objects.count() == 0

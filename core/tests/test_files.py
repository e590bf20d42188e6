"""core.files mechanics: no open /media/, unguessable private names on disk, headers, grants, every file field
has a rule. The per-kind permission matrices live in each app's tests/test_file_access.py."""

from __future__ import annotations

import os
import re
import stat

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.db.models import FileField

from catalog.tests.factories import CertificateFactory, OrganizationFactory, ProductFactory
from core import files
from core.tests.filematrix import plain_pdf, png

pytestmark = pytest.mark.django_db


def test_every_file_field_has_an_access_rule():
    fields = {
        (model._meta.label_lower, field.name)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, FileField)
    }
    assert fields == {(a.model, a.field) for a in files.registered()}
    assert fields == {  # a new file field must be added here, with its rule in its app's file_access.py
        ("catalog.certificate", "document"),
        ("catalog.product", "image"),
        ("diary.diaryentry", "photo"),
        ("diary.diaryentry", "voice"),
        ("feedback.feedback", "photo"),
        ("news.article", "image"),
        ("quality.inspectionphoto", "image"),
        ("quality.labtest", "document"),
        ("reports.reportjob", "pdf"),
        ("reports.reportjob", "xlsx"),
        ("reviews.registrationdocument", "file"),
        ("showcase.photo", "image"),
        ("stamps.labeljob", "pdf"),
    }


def test_media_route_is_gone(client, producer, organization, settings):
    cert = CertificateFactory(organization=organization, document=ContentFile(plain_pdf(), name="scan.pdf"))
    assert (settings.MEDIA_ROOT / cert.document.name).exists()
    client.force_login(producer)
    assert client.get(f"/media/{cert.document.name}").status_code == 404
    assert client.get(files.url(cert.document)).status_code == 200


def test_upload_names_are_random_and_private_on_disk(settings):
    org = OrganizationFactory()
    first = CertificateFactory(organization=org, document=ContentFile(plain_pdf(), name="bao-cao.pdf"))
    second = CertificateFactory(organization=org, document=ContentFile(plain_pdf(), name="bao-cao.pdf"))
    pattern = re.compile(r"^certificates/\d{4}/[A-Za-z0-9_-]{22}/bao-cao\.pdf$")
    assert pattern.match(first.document.name), first.document.name
    assert pattern.match(second.document.name), second.document.name
    assert first.document.name != second.document.name
    path = settings.MEDIA_ROOT / first.document.name
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(path.parent.parent).st_mode) == 0o700


def test_private_file_headers(client, producer, organization):
    cert = CertificateFactory(organization=organization, document=ContentFile(plain_pdf(), name="scan.pdf"))
    client.force_login(producer)
    response = client.get(files.url(cert.document))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="scan.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == cert.document.open("rb").read()


def test_type_comes_from_the_content_not_the_name(client, organization):
    """An image uploaded as page.html is served as the PNG it is, inline; a publicly visible one with a public
    cache header."""
    product = ProductFactory(organization=organization, image=ContentFile(png(), name="page.html"))
    response = client.get(files.url(product.image))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'inline; filename="page.html"'
    assert response["Cache-Control"] == f"public, max-age={files.PUBLIC_MAX_AGE}"
    assert "sandbox" in response["Content-Security-Policy"]


def test_unknown_type_is_a_download(client, producer, organization):
    cert = CertificateFactory(organization=organization, document=ContentFile(b"<script>x</script>", name="a.pdf"))
    client.force_login(producer)
    response = client.get(files.url(cert.document))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


def test_references_that_do_not_match_are_404(client, producer, organization):
    cert = CertificateFactory(organization=organization, document=ContentFile(plain_pdf(), name="scan.pdf"))
    client.force_login(producer)
    good = files.url(cert.document)
    assert client.get(good).status_code == 200
    assert client.get(good.replace("scan.pdf", "other.pdf")).status_code == 404  # the stored name must match
    assert client.get(good.replace("/document/", "/image/")).status_code == 404  # no such rule
    assert client.get(good.replace("catalog.certificate", "accounts.user")).status_code == 404
    assert client.get(good.replace(f"/{cert.pk}/", f"/{2**70}/")).status_code == 404
    assert client.post(good).status_code in (403, 405)
    cert.document.storage.delete(cert.document.name)  # the row is there, the file is not
    assert client.get(good).status_code == 404


def test_grant_lets_its_holder_read_one_file_for_a_while(client, organization, monkeypatch):
    cert = CertificateFactory(organization=organization, document=ContentFile(plain_pdf(), name="scan.pdf"))
    other = CertificateFactory(organization=organization, document=ContentFile(plain_pdf(), name="scan.pdf"))
    plain, granted = files.url(cert.document), files.url(cert.document, grant=True)
    assert client.get(plain).status_code == 404
    assert granted.startswith(plain + "?g=")
    assert client.get(granted).status_code == 200
    token = granted.split("?g=")[1]
    assert client.get(files.url(other.document) + "?g=" + token).status_code == 404  # not another file
    assert client.get(plain + "?g=" + token[:-2] + "xx").status_code == 404
    monkeypatch.setattr(files, "GRANT_SECONDS", -1)  # every grant is now older than allowed
    assert client.get(granted).status_code == 404

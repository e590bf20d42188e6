"""Uploads on S3-compatible object storage (moto's real S3-API server on loopback, `core/tests/s3.py`): names stay
unguessable, the bucket holds no public grant, files reach only those their app lets read them, through the view;
readiness reports the store."""

from __future__ import annotations

import re

import pytest
from django.core.files.base import ContentFile

from catalog.tests.factories import CertificateFactory
from core import files
from core.tests.filematrix import plain_pdf
from core.tests.s3 import s3_endpoint, s3_storage  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


def test_private_files_live_in_the_bucket_and_only_the_view_serves_them(
    s3_storage,  # noqa: F811
    client,
    producer,
    other_producer,
    organization,
    settings,
):
    s3, bucket = s3_storage
    data = plain_pdf()
    cert = CertificateFactory(organization=organization, document=ContentFile(data, name="giay-chung-nhan.pdf"))
    assert re.match(r"^certificates/\d{4}/[A-Za-z0-9_-]{22}/giay-chung-nhan\.pdf$", cert.document.name)
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert keys == [cert.document.name]
    assert not (settings.MEDIA_ROOT / cert.document.name).exists()  # nothing on the local disk
    grants = s3.get_object_acl(Bucket=bucket, Key=cert.document.name)["Grants"]
    assert [g for g in grants if g["Grantee"].get("URI") == ALL_USERS] == []
    assert files.url(cert.document).startswith("/files/catalog.certificate/")  # our view, never the store

    assert client.get(files.url(cert.document)).status_code == 404  # anonymous
    client.force_login(other_producer)
    assert client.get(files.url(cert.document)).status_code == 404  # another organisation
    client.force_login(producer)
    response = client.get(files.url(cert.document))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == data


def test_readiness_checks_the_object_store(s3_storage, client, settings, s3_endpoint):  # noqa: F811
    answer = client.get("/readyz")
    assert answer.status_code == 200
    assert answer.json() == {"database": "ok", "object_store": "ok", "status": "ok"}
    options = settings.STORAGES["default"]["OPTIONS"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {**options, "endpoint_url": "http://127.0.0.1:9"}},
    }
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json() == {"database": "ok", "object_store": "unreachable", "status": "error"}

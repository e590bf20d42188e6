"""Diary photos and voice notes through the workspace API arrive: multipart file fields (the OpenAPI says so), stored
privately, listed in the entry's JSON and its history, served only through the permission-checked files view."""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from accounts.services import create_api_token
from core import files
from core.models import AuditEntry
from diary.models import DiaryEntry
from diary.services import record_entry
from diary.tests.factories import farm

API = "/api/v1/workspace"
WEBM = b"\x1a\x45\xdf\xa3" + b"\x00" * 60  # a WebM (Matroska EBML) header, what Chromium's MediaRecorder makes


def jpeg(size: tuple[int, int] = (80, 60), color: str = "#4a7a2c") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG", quality=85)
    return out.getvalue()


@pytest.fixture
def setup(organization, producer):
    area, _product = farm(organization)
    token = create_api_token(actor=producer, organization=organization, name="phone")[1]
    return area, {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _spraying(area, **extra):
    return {
        "client_id": str(uuid.uuid4()),
        "growing_area": area.pk,
        "activity": "spraying",
        "product_name": "Anvil 5SC",
        "phi_days": "14",
        **extra,
    }


def _media_files(settings) -> list[str]:
    root = settings.MEDIA_ROOT / "diary"  # the farm's product has a picture of its own
    return (
        sorted(str(p.relative_to(settings.MEDIA_ROOT)) for p in root.rglob("*") if p.is_file()) if root.exists() else []
    )


def test_openapi_declares_the_files_as_multipart_fields(client):
    schema = client.get("/api/openapi.json").json()
    for path, names in (
        ("/api/v1/workspace/diary/entries", ("photo", "voice")),
        ("/api/v1/workspace/products", ("image",)),
        ("/api/v1/workspace/certificates", ("document",)),
    ):
        operation = schema["paths"][path]["post"]
        assert [p["name"] for p in operation.get("parameters", [])] == []
        assert list(operation["requestBody"]["content"]) == ["multipart/form-data"]
        body = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
        for name in names:
            assert body["properties"][name]["anyOf"][0] == {"format": "binary", "type": "string"}


def test_multipart_photo_and_voice_are_stored_and_listed(client, setup, producer, settings):
    area, auth = setup
    photo = jpeg()
    body = _spraying(area, photo=SimpleUploadedFile("IMG_0001.jpg", photo), voice=SimpleUploadedFile("v.webm", WEBM))
    response = client.post(f"{API}/diary/entries", body, **auth)
    assert response.status_code == 201
    entry = DiaryEntry.objects.get()
    assert entry.photo.name.startswith("diary/photos/") and entry.photo.name.endswith("/IMG_0001.jpg")
    assert entry.voice.name.endswith("/v.webm")
    assert (
        response.json()["photo"] == files.url(entry.photo) == f"/files/diary.diaryentry/{entry.pk}/photo/IMG_0001.jpg"
    )
    assert response.json()["voice"] == files.url(entry.voice)
    assert len(_media_files(settings)) == 2
    # the list shows the links too; the member reads the photo, another organisation's member gets 404
    listed = client.get(f"{API}/diary/entries", **auth).json()["items"]
    assert [(e["client_id"], e["photo"]) for e in listed] == [(body["client_id"], files.url(entry.photo))]
    member = Client()
    member.force_login(producer)
    served = member.get(response.json()["photo"])
    assert (served.status_code, served["Content-Type"]) == (200, "image/jpeg")
    assert b"".join(served.streaming_content) == photo
    history = member.get("/workspace/diary/history/").content.decode()
    assert f'<img src="{files.url(entry.photo)}"' in history


def test_other_organisation_cannot_read_the_photo(client, setup, other_producer):
    area, auth = setup
    response = client.post(f"{API}/diary/entries", _spraying(area, photo=SimpleUploadedFile("p.jpg", jpeg())), **auth)
    stranger = Client()
    stranger.force_login(other_producer)
    assert stranger.get(response.json()["photo"]).status_code == 404


def test_entry_without_files_lists_none(client, setup):
    area, auth = setup
    response = client.post(f"{API}/diary/entries", _spraying(area), **auth)
    assert (response.status_code, response.json()["photo"], response.json()["voice"]) == (201, None, None)


@pytest.mark.parametrize(
    ("name", "data", "field", "message"),
    [
        (
            "photo",
            b"<html>not a picture</html>",
            "photo",
            "Loại tệp không được chấp nhận; chỉ nhận JPEG, PNG, WEBP. / File type not accepted; only JPEG, PNG, WEBP.",
        ),
        (
            "voice",
            b"MZ\x90\x00 an executable",
            "voice",
            "Tệp ghi âm không hợp lệ; chỉ nhận WebM, Ogg, WAV, M4A, MP3. / Not an accepted audio file.",
        ),
    ],
)
def test_a_bad_file_refuses_the_whole_entry(client, setup, settings, name, data, field, message):
    area, auth = setup
    response = client.post(f"{API}/diary/entries", _spraying(area, **{name: SimpleUploadedFile("x.jpg", data)}), **auth)
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": field, "message": message}]
    assert DiaryEntry.objects.count() == 0
    assert _media_files(settings) == []


def test_a_photo_over_the_limit_is_refused(client, setup, settings):
    area, auth = setup
    settings.TRUYXUAT_MAX_UPLOAD_BYTES = 1024 * 1024
    big = jpeg((2400, 1800)) + b"\x00" * (1024 * 1024)
    response = client.post(f"{API}/diary/entries", _spraying(area, photo=SimpleUploadedFile("big.jpg", big)), **auth)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "photo", "message": "Tệp quá lớn: tối đa 1.0 MB. / File too large: at most 1.0 MB."}
    ]
    assert DiaryEntry.objects.count() == 0


def test_retry_brings_a_missing_photo_and_never_replaces_one(client, setup, organization, producer):
    area, auth = setup
    body = _spraying(area)
    entry, created = record_entry(actor=producer, organization=organization, data=dict(body))
    assert created and not entry.photo
    first = jpeg(color="#112233")
    response = client.post(f"{API}/diary/entries", {**body, "photo": SimpleUploadedFile("a.jpg", first)}, **auth)
    assert (response.status_code, response.json()["created"]) == (200, False)
    entry.refresh_from_db()
    assert response.json()["photo"] == files.url(entry.photo)
    stored = entry.photo.name
    update = AuditEntry.objects.get(object_id=str(entry.pk), action="update")
    assert (update.before["photo"], update.after["photo"]) == (None, stored)
    again = client.post(f"{API}/diary/entries", {**body, "photo": SimpleUploadedFile("b.jpg", jpeg())}, **auth)
    assert again.status_code == 200
    entry.refresh_from_db()
    assert entry.photo.name == stored
    assert entry.photo.read() == first
    assert DiaryEntry.objects.count() == 1
    assert AuditEntry.objects.filter(object_id=str(entry.pk), action="update").count() == 1

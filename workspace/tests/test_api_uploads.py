"""Product images and certificate scans sent through the workspace API are stored and checked exactly like the
forms' uploads (`core.uploads`: size, type by content, PDFs with active content refused; private storage)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.services import create_api_token
from catalog.models import Certificate, Product
from core import files
from core.tests.filematrix import plain_pdf, png
from core.tests.pdfbytes import classic
from diary.tests.test_attachments import jpeg

API = "/api/v1/workspace"
JS_PDF = classic(
    b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>", (b"<< /S /JavaScript /JS (app.alert\\('x'\\);) >>",)
)
TYPE_ERROR = "Loại tệp không được chấp nhận; chỉ nhận {names}. / File type not accepted; only {names}."


@pytest.fixture
def auth(organization, producer):
    token = create_api_token(actor=producer, organization=organization, name="erp")[1]
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _product(**extra):
    return {"name": "Cà phê nhân Thôn 4", "category": "coffee", **extra}


def _certificate(**extra):
    return {
        "kind": "vietgap",
        "number": "VG-51-0042",
        "issuer": "Trung tâm Chứng nhận",
        "valid_from": "2026-01-01",
        "valid_to": "2028-12-31",
        "scope": "organization",
        **extra,
    }


def _served(user, url: str) -> bytes:
    reader = Client()
    reader.force_login(user)
    response = reader.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_product_image_is_stored_privately(client, auth, producer, settings):
    picture = jpeg()
    response = client.post(f"{API}/products", _product(image=SimpleUploadedFile("cafe.jpg", picture)), **auth)
    assert response.status_code == 201
    product = Product.objects.get(pk=response.json()["id"])
    assert product.image.name.startswith("products/") and product.image.name.endswith("/cafe.jpg")
    assert len(product.image.name.split("/")[2]) == 22  # a directory with an unguessable name (core.storage.files)
    assert (settings.MEDIA_ROOT / product.image.name).stat().st_mode & 0o777 == 0o600
    assert _served(producer, files.url(product.image)) == picture


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"GIF89a not accepted", TYPE_ERROR.format(names="JPEG, PNG, WEBP")),
        (plain_pdf(), TYPE_ERROR.format(names="JPEG, PNG, WEBP")),
    ],
)
def test_product_image_of_the_wrong_type_refuses_the_product(client, auth, data, message):
    response = client.post(f"{API}/products", _product(image=SimpleUploadedFile("cafe.jpg", data)), **auth)
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "image", "message": message}]
    assert Product.objects.filter(name="Cà phê nhân Thôn 4").count() == 0


def test_product_image_over_the_limit_is_refused(client, auth, settings):
    settings.TRUYXUAT_MAX_UPLOAD_BYTES = 1024 * 1024
    response = client.post(
        f"{API}/products", _product(image=SimpleUploadedFile("big.png", png() + bytes(1024 * 1024))), **auth
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "image", "message": "Tệp quá lớn: tối đa 1.0 MB. / File too large: at most 1.0 MB."}
    ]
    assert Product.objects.filter(name="Cà phê nhân Thôn 4").count() == 0


def test_certificate_scan_is_stored_and_served_to_the_member(client, auth, producer):
    scan = plain_pdf()
    response = client.post(f"{API}/certificates", _certificate(document=SimpleUploadedFile("vg.pdf", scan)), **auth)
    assert response.status_code == 201
    cert = Certificate.objects.get(pk=response.json()["id"])
    assert cert.document.name.startswith("certificates/") and cert.document.name.endswith("/vg.pdf")
    assert _served(producer, files.url(cert.document)) == scan


def test_certificate_scan_with_javascript_is_refused(client, auth):
    response = client.post(f"{API}/certificates", _certificate(document=SimpleUploadedFile("vg.pdf", JS_PDF)), **auth)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "document"
    assert error["message"].startswith("Tệp PDF có mã JavaScript, hành động tự chạy hoặc tệp đính kèm (OpenAction)")
    assert Certificate.objects.filter(number="VG-51-0042").count() == 0


def test_certificate_scan_that_is_not_a_document_is_refused(client, auth):
    body = _certificate(document=SimpleUploadedFile("vg.pdf", b"PK\x03\x04 a zip"))
    response = client.post(f"{API}/certificates", body, **auth)
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "document", "message": TYPE_ERROR.format(names="PDF, JPEG, PNG")}]
    assert Certificate.objects.filter(number="VG-51-0042").count() == 0

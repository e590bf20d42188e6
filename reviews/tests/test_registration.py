"""Registration documents: uploaded at sign-up (checked, private), listed on the registration review page, read
by the organisation's members and the officers of its province only (issue 16 item 4)."""

from __future__ import annotations

import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import User
from catalog.models import Organization
from core import files
from core.errors import Forbidden
from core.models import AuditEntry
from core.tests.filematrix import expect, plain_pdf, png, statuses, users
from core.tests.pdfbytes import classic
from reviews import registration
from reviews.models import RegistrationDocument

FORM: dict[str, object] = {
    "username": "nongdan1",
    "first_name": "Y Blang",
    "phone": "0905000111",
    "email": "",
    "organization_name": "HTX Cà phê Măng Đen",
    "organization_kind": "cooperative",
    "tax_code": "0314409058",
    "ward_code": "23473",
    "legacy_district": "",
    "street_address": "Thôn 3",
    "password1": "Ca-phe-ngon-2026!",
    "password2": "Ca-phe-ngon-2026!",
}

ACTIVE_PDF = classic(
    b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>", (b"<< /S /JavaScript /JS (app.alert\\('x'\\);) >>",)
)


def _files(**named):
    return {name: SimpleUploadedFile(fname, data) for name, (fname, data) in named.items()}


def test_signup_with_licence_and_certificates_stores_them_privately(client, db):
    data = dict(FORM)
    data["licence"] = SimpleUploadedFile("giay-phep.pdf", plain_pdf())
    data["certificates"] = [SimpleUploadedFile("vietgap.png", png()), SimpleUploadedFile("ocop.jpg", _jpeg())]
    response = client.post(reverse("accounts:signup"), data)
    assert response.status_code == 302
    org = Organization.objects.get(tax_code="0314409058")
    docs = list(RegistrationDocument.objects.filter(organization=org).order_by("pk"))
    assert [(d.kind, d.filename) for d in docs] == [
        ("licence", "giay-phep.pdf"),
        ("certificate", "vietgap.png"),
        ("certificate", "ocop.jpg"),
    ]
    user = User.objects.get(username="nongdan1")
    assert all(d.uploaded_by == user for d in docs)
    assert docs[0].file.name.startswith("registration/") and docs[0].file.name.count("/") == 3  # a random directory
    assert AuditEntry.objects.filter(object_type="reviews.registrationdocument", action="create").count() == 3


@pytest.mark.parametrize(
    ("field", "upload", "message"),
    [
        ("licence", ("giay-phep.pdf", b"MZ\x90\x00 not a pdf at all"), "Loại tệp không được chấp nhận"),
        ("licence", ("giay-phep.pdf", ACTIVE_PDF), "Tệp PDF có mã JavaScript"),
        ("certificates", ("vietgap.png", b"GIF89a not accepted"), "Loại tệp không được chấp nhận"),
    ],
)
def test_signup_with_a_refused_file_stores_nothing(client, db, field, upload, message):
    response = client.post(reverse("accounts:signup"), {**FORM, **_files(**{field: upload})})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert User.objects.count() == 0
    assert Organization.objects.count() == 0
    assert RegistrationDocument.objects.count() == 0


def test_too_many_documents_are_refused(client, db):
    data = dict(FORM)
    data["certificates"] = [SimpleUploadedFile(f"c{i}.png", png()) for i in range(registration.MAX_DOCUMENTS + 1)]
    response = client.post(reverse("accounts:signup"), data)
    assert response.status_code == 400
    assert "Tối đa 6 tệp giấy tờ mỗi lần." in response.content.decode()
    assert User.objects.count() == 0


def test_signup_without_documents_still_works_and_the_review_page_says_so(client, officer, db):
    assert client.post(reverse("accounts:signup"), FORM).status_code == 302
    org = Organization.objects.get(tax_code="0314409058")
    client.force_login(officer)
    page = client.get(reverse("oversight:review", args=["catalog.organization", org.pk])).content.decode()
    assert "Chưa nộp giấy tờ nào" in page


def test_the_review_page_lists_the_documents_with_links(client, officer, db):
    data = {**FORM, "licence": SimpleUploadedFile("giay-phep.pdf", plain_pdf())}
    assert client.post(reverse("accounts:signup"), data).status_code == 302
    doc = RegistrationDocument.objects.get()
    client.force_login(officer)
    page = client.get(reverse("oversight:review", args=["catalog.organization", doc.organization_id])).content.decode()
    listed = re.search(r'<ul id="registration-documents">(.*?)</ul>', page, re.S).group(1)
    assert "Giấy chứng nhận đăng ký kinh doanh/HTX" in listed
    assert f'href="{files.url(doc.file)}"' in listed
    response = client.get(files.url(doc.file))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"


def test_document_permission_matrix(client, organization, producer, producer_staff, other_producer, officer):
    doc = RegistrationDocument.objects.create(
        organization=organization, kind="licence", file=ContentFile(plain_pdf(), name="giay-phep.pdf")
    )
    people = users(producer, producer_staff, other_producer, officer)
    assert statuses(people, files.url(doc.file), type(client)) == expect({"owner", "staff", "officer", "admin"})


@pytest.mark.parametrize("name", ["anonymous", "consumer", "other_producer", "officer"])
def test_only_members_add_documents(actors, organization, name):
    upload = SimpleUploadedFile("giay-phep.pdf", plain_pdf())
    with pytest.raises(Forbidden):
        registration.add_registration_documents(
            actor=actors[name], organization=organization, documents=[("licence", upload)]
        )
    assert RegistrationDocument.objects.count() == 0
    assert not AuditEntry.objects.filter(object_type="reviews.registrationdocument").exists()


def test_a_member_adds_a_document(producer, organization):
    upload = SimpleUploadedFile("chung-nhan.pdf", plain_pdf())
    [doc] = registration.add_registration_documents(
        actor=producer, organization=organization, documents=[("certificate", upload)]
    )
    assert doc.organization == organization and doc.kind == "certificate"
    assert Client().get(files.url(doc.file)).status_code == 404


def _jpeg() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "green").save(out, "JPEG")
    return out.getvalue()

"""PDF uploads: a plain PDF is accepted; one with JavaScript, an automatic action, a launch or an embedded file
is refused with a clear Vietnamese + English message, also when hidden in a compressed object stream."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog import services as catalog
from catalog.models import Certificate
from core.tests.filematrix import plain_pdf
from core.tests.pdfbytes import classic, compressed
from core.uploads import DOCUMENT_TYPES, check_upload

CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
JS_ACTION = b"<< /S /JavaScript /JS (app.alert\\('x'\\);) >>"


def _check(data: bytes) -> str:
    return check_upload(SimpleUploadedFile("scan.pdf", data, content_type="application/pdf"), DOCUMENT_TYPES)


def _refused(data: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        _check(data)
    return info.value


def test_plain_pdfs_are_accepted():
    assert _check(plain_pdf()) == "pdf"  # reportlab's, as a scanner or office suite would write it
    assert _check(classic(CATALOG)) == "pdf"
    # /OpenAction naming only the page to open at is no action
    assert _check(classic(b"<< /Type /Catalog /Pages 2 0 R /OpenAction [3 0 R /Fit] >>")) == "pdf"
    assert _check(compressed(CATALOG, (b"<< /Producer (scanner) >>",))) == "pdf"


def test_open_action_javascript_is_refused():
    error = _refused(classic(b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>", (JS_ACTION,)))
    assert error.code == "upload_pdf_active"
    assert error.messages == [
        "Tệp PDF có mã JavaScript, hành động tự chạy hoặc tệp đính kèm (OpenAction) nên không được nhận; hãy in lại "
        "thành PDF thường (In → Lưu dưới dạng PDF) rồi tải lên. / The PDF contains JavaScript, an automatic action "
        "or an embedded file (OpenAction) and is not accepted; print it again to a plain PDF (Print → Save as PDF) "
        "and upload that."
    ]


def test_embedded_file_is_refused():
    data = classic(
        b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 4 0 R >> >>",
        (
            b"<< /Names [(tool.exe) 5 0 R] >>",
            b"<< /Type /Filespec /F (tool.exe) /EF << /F 6 0 R >> >>",
            b"<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream",
        ),
    )
    error = _refused(data)
    assert error.code == "upload_pdf_active"
    assert "(EmbeddedFiles)" in error.messages[0]


@pytest.mark.parametrize(
    ("catalog", "extra", "found"),
    [
        (b"<< /Type /Catalog /Pages 2 0 R /AA << /WC 4 0 R >> >>", (JS_ACTION,), "AA"),
        (
            b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /XFA 4 0 R >> >>",
            (b"<< /Length 0 >>\nstream\n\nendstream",),
            "XFA",
        ),
        (CATALOG, (b"<< /Type /Annot /Subtype /Link /A << /S /Launch /F (cmd.exe) >> >>",), "Launch"),
        (b"<< /Type /Catalog /Pages 2 0 R >>", (b"<< /Type /Annot /Subtype /RichMedia >>",), "RichMedia"),
    ],
)
def test_other_active_content_is_refused(catalog, extra, found):
    error = _refused(classic(catalog, extra))
    assert f"({found})" in error.messages[0]


def test_javascript_hidden_in_a_compressed_object_stream_is_refused():
    """The catalogue (in the open) names a JavaScript tree that exists only compressed, its keys #-escaped:
    a byte search for /JavaScript finds nothing, the parser does."""
    data = compressed(
        b"<< /Type /Catalog /Pages 2 0 R /Names 4 0 R >>",
        (b"<< /J#61vaScript 5 0 R >>", b"<< /Names [(x) 6 0 R] >>", JS_ACTION.replace(b"/JS ", b"/J#53 ")),
    )
    assert b"JavaScript" not in data and b"/JS" not in data
    assert "(JavaScript)" in _refused(data).messages[0]


def test_unreadable_pdf_is_refused():
    error = _refused(b"%PDF-1.4\nnot really a pdf\n")
    assert error.code == "upload_pdf_unreadable"
    assert error.messages[0].startswith("Không đọc được tệp PDF")


@pytest.mark.django_db
def test_certificate_scan_with_javascript_is_refused_by_the_service_and_the_form(client, producer, organization):
    data = {"kind": "vietgap", "number": "VG-9", "issuer": "QUACERT", "scope": "organization"}
    bad = classic(b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>", (JS_ACTION,))
    upload = SimpleUploadedFile("scan.pdf", bad, content_type="application/pdf")
    with pytest.raises(ValidationError) as info:
        catalog.create_certificate(
            actor=producer,
            organization=organization,
            data={**data, "valid_from": dt.date(2026, 1, 1), "valid_to": dt.date(2028, 1, 1)},
            document=upload,
        )
    assert "(OpenAction)" in info.value.message_dict["document"][0]
    client.force_login(producer)
    response = client.post(
        "/workspace/certificates/",
        {**data, "valid_from": "2026-01-01", "valid_to": "2028-01-01", "document": upload},
    )
    assert response.status_code == 400
    assert "The PDF contains JavaScript" in response.content.decode()
    assert Certificate.objects.count() == 0
    good = SimpleUploadedFile("scan.pdf", plain_pdf(), content_type="application/pdf")
    client.post(
        "/workspace/certificates/", {**data, "valid_from": "2026-01-01", "valid_to": "2028-01-01", "document": good}
    )
    assert Certificate.objects.count() == 1

"""The printable recall decision and public notice (Decree 30/2020/NĐ-CP): header, number, date, signer, lots;
numbered per agency and year when the recall starts; opened only by whoever may open the recall."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.tests.factories import UserFactory
from catalog.tests.factories import AgencyFactory, LotFactory, ProductFactory
from oversight.tests.recall_helpers import previewed_digest
from quality import services as quality_services
from recalls import services
from recalls.models import Recall
from recalls.tests.coffee import coffee_chain
from reports.signers import add_signer


@pytest.fixture
def sở(agency, officer):
    agency.name = "Sở Khoa học và Công nghệ"
    agency.save()
    officer.refresh_from_db()
    return add_signer(actor=officer, on_behalf_of="KT. Giám đốc", title="Phó Giám đốc", name="Nguyễn Văn An")


def _lines(pdf: bytes) -> list[list[str]]:
    reader = PdfReader(io.BytesIO(pdf))
    return [[x.strip() for x in page.extract_text().splitlines() if x.strip()] for page in reader.pages]


def _recall_from_a_lab_test(client, officer, signer, organization, other_organization):
    organization.name, other_organization.name = "HTX Cà phê Đăk Hà", "Công ty Rang xay Măng Đen"
    organization.save()
    other_organization.save()
    coffee = coffee_chain(organization, other_organization)
    test = quality_services.record_lab_test(
        actor=officer,
        data={
            "analyte": "borax",
            "value": "3",
            "laboratory": "Trung tâm Kỹ thuật TĐC",
            "sampled_on": dt.date(2026, 11, 1),
            "kind": "rapid",
        },
        lots=[coffee.beans],  # type: ignore[list-item]
    )
    client.force_login(officer)
    ask = {"lab_test": test.pk, "reason": "Phát hiện hàn the", "hazard_class": "I", "signer": signer.pk}
    response = client.post(reverse("oversight:recall_new"), {**ask, "scope": previewed_digest(client, ask)})
    assert response.status_code == 302
    return Recall.objects.get()


def test_the_decision_in_the_administrative_format(client, officer, sở, organization, other_organization):
    recall = _recall_from_a_lab_test(client, officer, sở, organization, other_organization)
    assert (recall.decision_number, recall.notice_number) == ("01/QĐ-SKHCN", "01/TB-SKHCN")
    assert (recall.signer_on_behalf_of, recall.signer_title, recall.signer_name) == (
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Nguyễn Văn An",
    )
    response = client.get(reverse("oversight:recall_decision_pdf", args=[recall.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    pages = _lines(response.content)
    first, text = pages[0], " ".join(line for page in pages for line in page)
    day = timezone.localtime(recall.started_at).date()
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    assert first[:8] == [
        "UBND TỈNH QUẢNG NGÃI",
        "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 01/QĐ-SKHCN",
        f"Quảng Ngãi, ngày {day.day:02d} tháng {month} năm {day.year}",
        "QUYẾT ĐỊNH",
        "Về việc thu hồi sản phẩm Cà phê nhân Robusta, lô CP-01",
    ]
    assert first[8] == "GIÁM ĐỐC SỞ KHOA HỌC VÀ CÔNG NGHỆ"
    assert "QUYẾT ĐỊNH:" in text and "Điều 1." in text and "Điều 3." in text
    assert "Căn cứ Luật An toàn thực phẩm ngày 17 tháng 6 năm 2010;" in text
    assert "mẫu lấy ngày 01/11/2026" in text  # the lab test's sampling date, dd/mm/yyyy
    for name in ("Cà phê nhân Robusta", "CP-01", "Cà phê rang xay Măng Đen", "RX-01", "18.000 kg", "2.400 gói, hộp"):
        assert name in text
    assert "KT. GIÁM ĐỐC" in text and "PHÓ GIÁM ĐỐC" in text and "Nguyễn Văn An" in text
    assert "Nơi nhận:" in text and "- Như Điều 3;" in text and "- Lưu: VT." in text
    assert "urn:epc" not in text


def test_the_public_notice(client, officer, sở, organization, other_organization):
    recall = _recall_from_a_lab_test(client, officer, sở, organization, other_organization)
    response = client.get(reverse("oversight:recall_notice_pdf", args=[recall.pk]))
    assert response.status_code == 200
    text = " ".join(line for page in _lines(response.content) for line in page)
    day = timezone.localtime(recall.started_at).date()
    assert "Số: 01/TB-SKHCN" in text and "THÔNG BÁO" in text
    assert f"Ngày {day:%d/%m/%Y}, Sở Khoa học và Công nghệ đã ban hành Quyết định số 01/QĐ-SKHCN" in text
    assert (
        "Lý do thu hồi: Phát hiện hàn the." in text
        and "RX-01" in text
        and "Nguyễn Văn An" in text
        and "Nơi nhận:" in text
    )


def test_numbers_follow_per_agency_and_year(officer, sở, organization):
    first = services.start_recall(
        actor=officer, lot=LotFactory(product=ProductFactory(organization=organization)), reason="x"
    )
    second = services.start_recall(
        actor=officer, lot=LotFactory(product=ProductFactory(organization=organization)), reason="y", signer=sở.pk
    )
    assert (first.decision_number, second.decision_number) == ("01/QĐ-SKHCN", "02/QĐ-SKHCN")
    assert (first.notice_number, second.notice_number) == ("01/TB-SKHCN", "02/TB-SKHCN")


def test_without_a_signer_on_file_the_head_signs_by_hand(officer, organization):
    recall = services.start_recall(
        actor=officer, lot=LotFactory(product=ProductFactory(organization=organization)), reason="x"
    )
    assert (recall.signer_on_behalf_of, recall.signer_title, recall.signer_name) == ("", "GIÁM ĐỐC", "")


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("other_producer", 403), ("outsider", 403), ("producer", 200), ("officer", 200)],
)
def test_who_may_open_the_documents(client, actors, officer, organization, who, status):
    recall = services.start_recall(
        actor=officer, lot=LotFactory(product=ProductFactory(organization=organization)), reason="x"
    )
    user = UserFactory(agency=AgencyFactory(province_code=1)) if who == "outsider" else actors[who]
    if who != "anonymous":
        client.force_login(user)
    for name in ("oversight:recall_decision_pdf", "oversight:recall_notice_pdf"):
        response = client.get(reverse(name, args=[recall.pk]))
        assert response.status_code == status
        assert (response.get("Content-Type") == "application/pdf") == (status == 200)

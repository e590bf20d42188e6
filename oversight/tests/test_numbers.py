"""Lab values and fines typed by officers: the Vietnamese way, bounded, shown vi-VN (issue 15)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.tests.factories import GrowingAreaFactory, LotFactory, ProductFactory
from quality.models import Analyte, LabTest


@pytest.fixture
def lab(client, officer, organization):
    area = GrowingAreaFactory(organization=organization)
    lot = LotFactory(product=ProductFactory(organization=organization), origin_areas=[area], status="published")
    client.force_login(officer)
    return client, lot, Analyte.objects.get(code="borax")


def _post(client, lot, analyte, value, **extra):
    data = {
        "kind": "rapid",
        "analyte": analyte.pk,
        "value": value,
        "laboratory": "Đội test nhanh",
        "sampled_on": "2026-11-01",
        "lots": [lot.pk],
        **extra,
    }
    return client.post(reverse("oversight:lab_test_new"), data)


def test_a_lab_value_of_0_12_is_stored_as_0_12_and_shown_back_0_12(lab):
    client, lot, borax = lab
    response = _post(client, lot, borax, "0,12")
    test = LabTest.objects.get()
    assert response.status_code == 302 and test.value == Decimal("0.12")
    page = client.get(reverse("oversight:lab_test", args=[test.pk])).content.decode()
    assert f"<td>0,12 {test.unit}</td>" in page
    assert "0.120000" not in page
    assert "0,12" in client.get(reverse("oversight:lab_tests")).content.decode()


def test_the_lab_form_asks_back_1_200_and_stores_it_once_confirmed(lab):
    client, lot, borax = lab
    response = _post(client, lot, borax, "1.200")
    page = response.content.decode()
    assert response.status_code == 400 and LabTest.objects.count() == 0
    assert 'inputmode="decimal"' in page
    assert "Bạn nhập 1.200: nghĩa là 1.200 (1200)?" in page
    assert 'name="value_confirm" value="1.200"' in page
    response = _post(client, lot, borax, "1.200", value_confirm="1.200")
    assert response.status_code == 302
    assert LabTest.objects.get().value == Decimal("1200")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("NaN", "Cần nhập một số bằng chữ số, ví dụ 1.200 hoặc 0,12."),
        ("1e309", "Cần nhập một số bằng chữ số, ví dụ 1.200 hoặc 0,12."),
        ("-1", "Không được nhỏ hơn 0."),
        ("0,0000001", "Tối đa 6 chữ số sau dấu phẩy."),
        ("999999999", "Số quá lớn: tối đa 8 chữ số trước dấu phẩy."),
        ("20.000.000", "Số quá lớn: tối đa 10.000.000."),
    ],
)
def test_the_lab_form_refuses_hostile_values_with_a_message(lab, typed, message):
    client, lot, borax = lab
    response = _post(client, lot, borax, typed)
    assert response.status_code == 400 and LabTest.objects.count() == 0
    assert message in response.content.decode()


def test_the_lab_api_keeps_plain_decimals(lab):
    client, lot, _borax = lab
    body = {"analyte": "borax", "value": "0.12", "laboratory": "Lab", "sampled_on": "2026-11-01", "lot_ids": [lot.pk]}
    response = client.post("/api/v1/oversight/lab-tests", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert LabTest.objects.get().value == Decimal("0.12")
    response = client.post("/api/v1/oversight/lab-tests", {**body, "value": "0,12"}, content_type="application/json")
    assert response.status_code in (400, 422) and LabTest.objects.count() == 1


def test_a_recall_acknowledgement_reads_the_withdrawn_quantity_the_vietnamese_way(lab, producer):
    from oversight.tests.recall_helpers import start_recall
    from recalls.models import Recall

    client, lot, borax = lab
    assert _post(client, lot, borax, "2").status_code == 302
    test = LabTest.objects.get()
    start_recall(client, {"lab_test": test.pk, "reason": "Hàn the", "hazard_class": "I"})
    party = Recall.objects.get().parties.get()
    client.force_login(producer)
    url = reverse("oversight:recall_ack", args=[party.pk])
    response = client.post(url, {"quantity_withdrawn": "999999999999", "unit": "KGM"}, follow=True)
    party.refresh_from_db()
    assert party.acknowledged_at is None and party.quantity_withdrawn is None
    assert "Số quá lớn: tối đa 11 chữ số trước dấu phẩy." in response.content.decode()
    client.post(url, {"quantity_withdrawn": "1.200,5", "unit": "KGM"})
    party.refresh_from_db()
    assert party.quantity_withdrawn == Decimal("1200.5")
    page = client.get(reverse("oversight:recall", args=[party.recall_id])).content.decode()
    assert "1.200,5 kg" in page

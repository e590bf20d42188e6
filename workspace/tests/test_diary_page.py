"""The diary page without the script: one client id per rendered form (a double tap posts it twice, one entry is
stored), kept when the form comes back with errors; the phone's checks get the server's own messages."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from django.test import Client

from diary.models import DiaryEntry
from diary.tests.factories import farm


@pytest.fixture
def member(organization, producer):
    area, _product = farm(organization)
    client = Client()
    client.force_login(producer)
    return client, area


def _form_id(html: str) -> str:
    found = re.search(r'<input type="hidden" name="client_id" value="([^"]*)">', html)
    assert found is not None
    return found.group(1)


def test_each_rendered_form_has_its_own_client_id(member):
    client, _area = member
    first = _form_id(client.get("/workspace/diary/").content.decode())
    second = _form_id(client.get("/workspace/diary/").content.decode())
    assert str(uuid.UUID(first)) == first and str(uuid.UUID(second)) == second and first != second


def test_double_post_of_one_form_stores_one_entry(member):
    client, area = member
    cid = _form_id(client.get("/workspace/diary/").content.decode())
    body = {"client_id": cid, "growing_area": area.pk, "activity": "weeding"}
    assert [client.post("/workspace/diary/", body).status_code for _ in range(2)] == [302, 302]
    assert list(DiaryEntry.objects.values_list("client_id", flat=True)) == [uuid.UUID(cid)]


@pytest.mark.parametrize(("sent", "kept"), [(True, True), (False, False)])
def test_form_shown_again_with_errors_keeps_a_valid_id(member, sent, kept):
    client, area = member
    cid = str(uuid.uuid4()) if sent else "not-a-uuid"
    body = {"client_id": cid, "growing_area": area.pk, "activity": "spraying", "product_name": "Anvil 5SC"}
    response = client.post("/workspace/diary/", body)
    assert response.status_code == 400
    shown = _form_id(response.content.decode())
    assert (shown == cid) is kept
    assert str(uuid.UUID(shown)) == shown
    assert DiaryEntry.objects.count() == 0


def test_the_phone_checks_with_the_servers_messages(member):
    client, _area = member
    html = client.get("/workspace/diary/").content.decode()
    found = re.search(r'<script id="ws-checks" type="application/json">(.*?)</script>', html)
    assert found is not None
    checks = json.loads(found.group(1))
    assert checks == {
        "max_days": 365,
        "messages": {
            "product_name": "Cần ghi tên vật tư (thuốc, phân, thức ăn, vắc xin).",
            "phi_days": "Cần ghi thời gian cách ly trước thu hoạch (ngày), in trên nhãn thuốc.",
            "withdrawal_days": "Cần ghi thời gian ngưng thuốc (ngày) trước khi xuất bán.",
            "quantity": "Cần ghi số lượng.",
            "days_integer": "Số ngày phải là số nguyên.",
            "days_range": "Số ngày phải từ 0 đến 365.",
        },
    }

"""Errors in plain words: the reason at the top of the form with a link to each field, the fields kept as typed,
a collapsed section holding an error opened, every field's error at once; sign-up's MST in a farmer's words;
Django's password messages in Vietnamese (English in English)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from catalog.models import Lot
from catalog.tests.factories import OrganizationFactory
from core.models import AuditEntry
from diary.models import DiaryEntry
from diary.tests.factories import farm

HARVEST = "/workspace/harvest/"


@pytest.fixture
def member(client, producer):
    client.force_login(producer)
    return client


def _summary(html: str) -> str:
    match = re.search(r'<div class="form-errors" id="form-errors" role="alert" tabindex="-1">(.*?)</div>', html, re.S)
    assert match, "no error summary"
    return match.group(1)


def _stored() -> tuple[int, int, int]:
    return Lot.objects.count(), DiaryEntry.objects.count(), AuditEntry.objects.count()


def test_harvest_keeps_1200_and_lists_every_error_at_the_top(member, organization):
    area, product = farm(organization)
    before = _stored()
    data = {
        "product": "",
        "area": [area.pk],
        f"qty_{area.pk}": "1.200",
        "unit": "KGM",
        "harvested_at": "2026-11-20",
        "lot_code": "LO-01",
        "note": "Hái đợt 2",
    }
    response = member.post(HARVEST, data)
    html = response.content.decode()
    assert response.status_code == 400
    summary = _summary(html)
    assert "Cần sửa 2 chỗ rồi gửi lại:" in summary
    assert '<a href="#err-quantity" data-label="">Bạn nhập 1.200: nghĩa là 1.200 (1200)?' in summary
    assert '<a href="#err-product" data-label="">Chọn sản phẩm của tổ chức.</a>' in summary
    assert '<p class="err" id="err-quantity">' in html and '<p class="err" id="err-product">' in html
    assert f'name="qty_{area.pk}" inputmode="decimal" autocomplete="off" value="1.200"' in html
    assert f'name="qty_{area.pk}_confirm" value="1.200"' in html
    assert 'value="2026-11-20"' in html and 'value="LO-01"' in html and ">Hái đợt 2</textarea>" in html
    assert 'src="/static/core/form_errors.js"' in html
    assert _stored() == before  # the service was asked and rolled back: nothing stored, not even an audit row
    # ticked: stored as one thousand two hundred
    data.update({"product": product.pk, f"qty_{area.pk}_confirm": "1.200"})
    response = member.post(HARVEST, data)
    assert response.status_code == 302
    assert Lot.objects.get().quantity == 1200


def test_an_error_inside_the_collapsed_section_opens_it(member, organization):
    area, product = farm(organization)
    data = {"product": product.pk, "area": [area.pk], f"qty_{area.pk}": "1.200", "lot_code": "LÔ SAI ☕"}
    html = member.post(HARVEST, data).content.decode()
    summary = _summary(html)
    assert 'href="#err-quantity"' in summary and 'href="#err-lot_code"' in summary
    assert "<details open><summary>➕ Số lô, chứng nhận, ghi chú</summary>" in html
    assert Lot.objects.count() == 0
    clean = member.post(HARVEST, {"product": product.pk, "area": [area.pk], f"qty_{area.pk}": "12"})
    assert clean.status_code == 302


def test_an_empty_quantity_is_asked_for_in_the_summary(member, organization):
    area, product = farm(organization)
    html = member.post(HARVEST, {"product": product.pk, "area": [area.pk], f"qty_{area.pk}": ""}).content.decode()
    assert "Cần nhập số." in _summary(html)


SIGNUP = {
    "username": "",
    "first_name": "Y Dũng",
    "organization_name": "Tổ hợp tác Thôn 4",
    "organization_kind": "cooperative",
    "tax_code": "0101234568",
    "ward_code": "23500",
    "street_address": "Thôn 4",
    "password1": "Cafe-Dak-Ha-2026!",
    "password2": "Cafe-Dak-Ha-2027!",
}


def test_signup_shows_the_mst_error_beside_the_others_in_plain_words(client, db):
    response = client.post("/accounts/signup/", SIGNUP)
    html = response.content.decode()
    assert response.status_code == 400
    summary = _summary(html)
    assert (
        '<a href="#id_tax_code" data-label="Mã số thuế"><span class="field-label">Mã số thuế</span>: '
        "Mã số thuế không đúng: kiểm tra lại 10 hoặc 13 chữ số" in summary
    )
    assert 'href="#id_username"' in summary and 'href="#id_password2"' in summary
    assert "sai chữ số kiểm tra" not in html
    assert 'value="0101234568"' in html and 'value="Tổ hợp tác Thôn 4"' in html


def test_signup_mst_already_registered_and_short_password_in_vietnamese(client, db):
    taken = OrganizationFactory()
    data = {**SIGNUP, "username": "ydung", "tax_code": taken.tax_code, "password1": "ab1", "password2": "ab1"}
    html = client.post("/accounts/signup/", data).content.decode()
    summary = _summary(html)
    assert "Mã số thuế này đã được đăng ký." in summary
    assert "Mật khẩu quá ngắn: cần ít nhất 10 ký tự." in summary
    assert "This password" not in html


def test_password_messages_are_english_on_english_pages(client, db):
    with translation.override("en"):
        client.cookies["django_language"] = "en"
        html = client.post("/accounts/signup/", {**SIGNUP, "password1": "ab1", "password2": "ab1"}).content.decode()
    assert "This password is too short. It must contain at least 10 characters." in html
    assert "Mật khẩu quá ngắn" not in html


def test_login_error_is_in_the_summary(client, producer):
    html = client.post(reverse("accounts:login"), {"username": "producer", "password": "sai"}).content.decode()
    assert "Cần sửa 1 chỗ rồi gửi lại:" in _summary(html)

"""The analysis pages through the test client: the officer's dashboard and the reference tables typed with
Vietnamese numbers; the producer's score and flags (contested). Flags, their dismissal and the consumer's note:
test_browser.py."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.models import Membership
from accounts.permissions import SYSTEM
from analysis import services
from analysis.choices import FlagKind
from analysis.models import Flag, ReferenceYield
from analysis.tests.province import NOW, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def analysed(db):
    planted = build(honest=2)
    services.run_analysis(actor=SYSTEM, now=NOW)
    return planted


def test_officer_pages(client, officer, analysed):
    client.force_login(officer)
    page = client.get("/phan-tich/").content.decode()
    assert "Danh sách đề xuất kiểm tra" in page and analysed.seller.name in page

    answer = client.post("/phan-tich/bang-tham-chieu/", {"crop": "Cà phê", "min_kg": "8000", "max_kg": "12.500,5"})
    assert answer.status_code == 302
    row = ReferenceYield.objects.get(crop_key="ca phe", province_code=officer.agency.province_code)
    assert (row.version, row.min_kg_per_ha_year, row.max_kg_per_ha_year) == (1, Decimal(8000), Decimal("12500.5"))
    bad = client.post("/phan-tich/bang-tham-chieu/", {"crop": "Cà phê", "min_kg": "9.000", "max_kg": "abc"})
    html = bad.content.decode()
    assert bad.status_code == 200 and html.count('<p class="err"') == 2  # "9.000" asked back, "abc" not a number
    assert ReferenceYield.objects.filter(province_code=officer.agency.province_code).count() == 1


def test_producer_page(client, analysed, django_user_model):
    user = django_user_model.objects.create_user(username="htx", password="x")
    Membership.objects.create(user=user, organization=analysed.seller, role="owner")
    client.force_login(user)
    page = client.get("/phan-tich/cua-toi/").content.decode()
    assert "Để tăng điểm" in page and "gửi giải trình kèm hoá đơn" in page
    flag = Flag.objects.get(kind=FlagKind.AREA_YIELD)
    client.post(f"/phan-tich/cua-toi/{flag.pk}/giai-trinh/", {"note": "Có thêm 3 ha thuê của hàng xóm."})
    assert Flag.objects.get(pk=flag.pk).contest_note == "Có thêm 3 ha thuê của hàng xóm."

"""The analysis pages as their users see them: the officer's dashboard, flags with their evidence and map (dismissed
only with the confirmation and a reason), the reference tables typed with Vietnamese numbers; the producer's score
and flags (contested); the consumer's gentle note on a stamp that looks copied."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.models import Membership
from accounts.permissions import SYSTEM
from analysis import services
from analysis.choices import FlagKind, FlagStatus
from analysis.models import AnalysisRun, Flag, ReferenceYield
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
    listed = client.get("/phan-tich/canh-bao/").content.decode()
    assert "Tem số S2" in listed and "Đà Nẵng và Hà Nội cách nhau 40 phút" in listed
    travel = Flag.objects.get(kind=FlagKind.STAMP_TRAVEL)
    assert "<svg" in client.get(f"/phan-tich/canh-bao/{travel.pk}/").content.decode()  # the two scans on a map
    flag = Flag.objects.get(kind=FlagKind.AREA_YIELD)
    detail = client.get(f"/phan-tich/canh-bao/{flag.pk}/").content.decode()
    assert "90.000 kg" in detail and "40.000" in detail and "Cách giải trình" in detail
    refused = client.post(f"/phan-tich/canh-bao/{flag.pk}/", {"reason": "Đã đo lại vùng."})
    assert "Đánh dấu xác nhận" in refused.content.decode()
    client.post(f"/phan-tich/canh-bao/{flag.pk}/", {"reason": "Đã đo lại vùng.", "confirm": "1"})
    assert Flag.objects.get(pk=flag.pk).status == FlagStatus.DISMISSED

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
    client.logout()
    stamp = analysed.stamp
    item = client.get(f"/01/{stamp.gtin}/21/{stamp.serial}").content.decode()  # the consumer's gentle note
    assert 'id="stamp-analysis"' in item and "Đà Nẵng và Hà Nội cách nhau 40 phút" in item


def test_a_running_analysis_shows_its_step_and_progress(client, officer):
    AnalysisRun.objects.create(started_at=NOW, progress=75, step="Học năng suất từ lịch sử thu hoạch")
    client.force_login(officer)
    page = client.get("/phan-tich/").content.decode()
    assert '<progress max="100" value="75">75%</progress> 75% · Học năng suất từ lịch sử thu hoạch' in page
    assert '<meta http-equiv="refresh" content="5">' in page and "Chạy phân tích ngay" not in page
    english = client.get("/phan-tich/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Learning yields from the harvest history" in english

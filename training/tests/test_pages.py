"""The officer's training pages: forms answer errors in place (400, nothing written), merging and removing ask
for confirmation first; producers are refused; the certificate is a PDF."""

from __future__ import annotations

import pytest

from training import services
from training.models import Attendance, Attendee, Course, PilotModel

PAGES = ["/oversight/dao-tao/", "/oversight/dao-tao/can-bo/", "/oversight/dao-tao/trung-lap/",
         "/oversight/dao-tao/mo-hinh-diem/", "/oversight/dao-tao/giam-sat/"]  # fmt: skip


@pytest.fixture
def course(officer):
    data = {"topic": "Ghi nhật ký điện tử", "audience": "businesses", "held_on": "2025-05-10", "place": "Đăk Hà",
            "trainer": "Chi cục TC-ĐL-CL"}  # fmt: skip
    return services.create_course(actor=officer, data=data)


def test_pages_forms_and_confirmations(officer, producer, organization, course, client):
    client.force_login(producer)
    assert client.get(PAGES[0]).status_code == 403
    client.force_login(officer)
    for url in PAGES:
        assert client.get(url).status_code == 200, url
    bad = client.post(PAGES[0], {"topic": "", "audience": "businesses", "held_on": "10/05/2025"})
    assert bad.status_code == 400 and "Ngày không hợp lệ" in bad.content.decode()
    assert Course.objects.count() == 1
    url = f"/oversight/dao-tao/lop/{course.pk}/"
    unknown = client.post(url, {"full_name": "Đinh Sáu", "role": "staff", "tax_code": "0000000000"})
    assert unknown.status_code == 400 and "Không có tổ chức với mã số thuế này" in unknown.content.decode()
    for name in ("Đinh Văn Sáu", "Đinh Văn Sau"):
        data = {"full_name": name, "role": "staff", "tax_code": organization.tax_code, "phone": "0905123456"}
        assert client.post(url, data).status_code == 302
    a, b = Attendee.objects.order_by("pk")
    asked = client.post(PAGES[2], {"keep": a.pk, "duplicate": b.pk})
    assert asked.status_code == 200 and "Gộp hai bản ghi?" in asked.content.decode()
    assert Attendee.objects.get(pk=b.pk).merged_into is None
    client.post(PAGES[2], {"keep": a.pk, "duplicate": b.pk, "confirm": "yes"})
    assert Attendee.objects.get(pk=b.pk).merged_into_id == a.pk and Attendance.objects.count() == 1
    attendance = Attendance.objects.get()
    pdf = client.get(f"/oversight/dao-tao/chung-nhan/{attendance.pk}.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    asked = client.post(url, {"action": "remove", "attendance": attendance.pk})
    assert asked.status_code == 200 and Attendance.objects.count() == 1
    client.post(url, {"action": "remove", "attendance": attendance.pk, "confirm": "yes"})
    assert Attendance.objects.count() == 0
    pilot = {"name": "Cà phê Đăk Hà", "crop": "cà phê", "status": "running", "started_on": "2025-03-01"}
    assert client.post(PAGES[3], pilot).status_code == 302
    assert PilotModel.objects.get().status == "running"
    monitored = client.post(PAGES[4], {"tax_code": organization.tax_code, "since": "2025-03-01"})
    assert monitored.status_code == 302
    again = client.post(PAGES[4], {"tax_code": organization.tax_code, "since": "2025-03-01"})
    assert again.status_code == 400 and "đang được giám sát" in again.content.decode()

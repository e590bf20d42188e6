"""Trainings that count: the plan's people indicators computed from records against a seeded year (2025), in the
quarterly report; duplicates merged only when confirmed; certificates whose QR verifies only real attendances."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import uuid
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from accounts.models import Membership
from accounts.tests.factories import UserFactory
from catalog.tests.factories import OrganizationFactory
from core.errors import Forbidden
from reports import indicators
from reports import services as report_services
from reports.models import Indicator
from training import selectors, services
from training.models import Attendance, Attendee, LessonCompletion
from training.views import certificate

END_2025 = dt.date(2025, 12, 31)
WARD_A, WARD_B = 23425, 23500
KNOWN = {"nhat-ky", "thu-hoach"}


def _course(officer, day="2025-05-10", ward=WARD_A):
    data = {
        "topic": "Truy xuất nguồn gốc",
        "audience": "mixed",
        "held_on": day,
        "place": "UBND xã",
        "trainer": "Sở KH&CN",
    }
    return services.create_course(actor=officer, data={**data, "ward_code": ward})


def _officer_row(officer, name, phone, ward):
    data = {"full_name": name, "role": "officer", "phone": phone, "ward_code": ward}
    return services.add_attendee(actor=officer, data=data)


@pytest.fixture
def year_2025(officer, organization):
    """Four commune officers (two trained in class, one by a lesson, one not), four businesses (one trained in
    class, one by a member's lesson), pilot models and monitored enterprises with their dates and statuses."""
    course = _course(officer)
    late = _course(officer, day="2026-02-01")
    for name, phone, ward in (("Y Bình", "0905000001", WARD_A), ("A Hùng", "0905000002", WARD_B)):
        services.record_attendance(
            actor=officer, course=course, data={"full_name": name, "role": "officer", "phone": phone, "ward_code": ward}
        )
    studying = UserFactory(username="canbo")
    row = _officer_row(officer, "Y Hoa", "0905000003", WARD_A)
    Attendee.objects.filter(pk=row.pk).update(user=studying)
    _officer_row(officer, "A Tâm", "0905000004", WARD_B)
    services.record_attendance(
        actor=officer,
        course=late,  # held in 2026: not trained by the end of 2025
        data={"full_name": "A Tâm", "role": "officer", "phone": "0905000004", "ward_code": WARD_B},
    )
    others = [OrganizationFactory(kind="enterprise"), OrganizationFactory(), OrganizationFactory()]
    OrganizationFactory(kind="household")  # not a business of the indicator
    services.record_attendance(
        actor=officer, course=course, data={"full_name": "Đinh Văn Sáu", "role": "staff", "organization": organization}
    )
    member = UserFactory(username="thanhvien")
    Membership.objects.create(user=member, organization=others[0], role="staff")
    for user in (studying, member):
        services.record_lesson_completion(
            actor=user, client_id=uuid.uuid4(), lesson="nhat-ky", score=2, questions=2,
            completed_on=dt.date(2025, 11, 3), known=KNOWN,
        )  # fmt: skip
    for name, status, started, ward in (
        ("Rau an toàn Đăk Hà", "running", "2025-03-01", WARD_A),
        ("Cà phê Đăk Tô", "recognised", "2025-01-15", WARD_A),
        ("Sâm Ngọc Linh", "running", "2025-06-01", WARD_B),
        ("Chanh dây", "planned", "2025-07-01", WARD_B),
        ("Mắc ca", "running", "2026-01-10", WARD_B),
    ):
        services.save_pilot_model(
            actor=officer, data={"name": name, "crop": name, "status": status, "started_on": started, "ward_code": ward}
        )
    first = services.start_monitoring(actor=officer, organization=organization, since="2025-03-01")
    services.start_monitoring(actor=officer, organization=others[0], since="2025-04-01")
    ended = services.start_monitoring(actor=officer, organization=others[1], since="2025-02-01")
    services.end_monitoring(actor=officer, item=ended, until="2025-06-30")
    return first


def _progress(code, ward=None):
    return indicators.progress(Indicator.objects.get(code=code), END_2025, ward)


def test_people_indicators_computed_from_a_seeded_year(year_2025):
    assert not Indicator.objects.filter(method="manual").exists()  # no placeholder left
    officers = _progress("trained-officers")
    assert (officers["value"], officers["how"], officers["target"], officers["met"]) == ("75", "3/4", "50", True)
    assert _progress("trained-officers-2030")["met"] is False
    businesses = _progress("trained-businesses")  # 2 of the 4 approved cooperatives and enterprises
    assert (businesses["value"], businesses["how"], businesses["met"]) == ("50", "2/4", True)
    assert (_progress("pilot-models")["value"], _progress("pilot-models")["met"]) == ("3", False)  # ≥ 14 by 2025
    assert (_progress("monitored-2025")["value"], _progress("monitored-2025")["met"]) == ("2", True)
    assert _progress("monitored-2030")["percent_of_target"] == 33.3
    assert _progress("trained-officers", WARD_B)["how"] == "1/2"  # per commune
    assert _progress("pilot-models", WARD_B)["value"] == "1"
    assert selectors.year_figures(2025, END_2025) == {
        "year": 2025, "courses": 1, "attendances": 3, "officer_attendances": 2, "staff_attendances": 1,
        "self_study_completions": 2, "self_study_people": 2,
    }  # fmt: skip


def test_the_quarterly_report_carries_them(year_2025, officer):
    job = report_services.request_report(actor=officer, period_kind="quarter", year=2025, number=4)
    job = report_services.generate(job)
    assert job.status == "done", job.message
    rows = {i["code"]: (i["value"], i["how"]) for i in job.figures["indicators"]}
    assert rows["trained-officers"] == ("75", "3/4") and rows["pilot-models"] == ("3", "3")
    sheet = load_workbook(io.BytesIO(job.xlsx.read()))["Chỉ tiêu"]
    names = [row[0] for row in sheet.iter_rows(values_only=True) if row and row[0]]
    assert "Số doanh nghiệp được giám sát trực tiếp về an toàn thực phẩm" in names


WARD_A_ROW = {
    "ward_code": WARD_A, "ward": "Xã Tu Mơ Rông", "officers_trained": 2, "officers": 2, "officers_share": "100",
    "officers_met": True, "businesses_trained": 2, "businesses": 4, "businesses_share": "50", "businesses_met": True,
    "pilots": 2,
}  # fmt: skip
WARD_B_ROW = {
    "ward_code": WARD_B, "ward": "Xã Đăk Hà", "officers_trained": 1, "officers": 2, "officers_share": "50",
    "officers_met": True, "businesses_trained": 0, "businesses": 0, "businesses_share": None, "businesses_met": None,
    "pilots": 1,
}  # fmt: skip


def test_training_per_commune_against_the_years_targets(year_2025):
    """Commune A: both its officers trained (one by a lesson), 2 of its 4 businesses; commune B: 1 of 2 officers (the
    other's class was in 2026), no business on record (no share, not 0 %). Against 2025's 50 % targets."""
    people = indicators.people_by_commune(END_2025)
    assert {k: people[k] for k in people if k != "rows"} == {
        "year": 2025, "as_of": "2025-12-31", "officers_target": "50", "officers_deadline": "2025-12-31",
        "businesses_target": "50", "businesses_deadline": "2025-12-31",
    }  # fmt: skip
    assert people["rows"] == [WARD_A_ROW, WARD_B_ROW]
    assert indicators.people_by_commune(END_2025, WARD_B)["rows"] == [WARD_B_ROW]
    # the per-commune rows say what the province-wide and per-commune indicators say: one definition
    for row in people["rows"]:
        assert _progress("trained-officers", row["ward_code"])["how"] == f"{row['officers_trained']}/{row['officers']}"
        how = _progress("trained-businesses", row["ward_code"])["how"]
        assert how == f"{row['businesses_trained']}/{row['businesses']}"
    # from 2026 on, the 2030 target (100 %) is the one in force: commune B's officers fall short, A's still meet it
    next_year = indicators.people_by_commune(dt.date(2026, 3, 31))
    assert (next_year["officers_target"], next_year["officers_deadline"]) == ("100", "2030-12-31")
    assert [(r["officers_share"], r["officers_met"]) for r in next_year["rows"]] == [("100", True), ("100", True)]
    assert [r["pilots"] for r in next_year["rows"]] == [2, 2]  # the macadamia model started in January 2026


def test_the_quarterly_report_and_the_dashboard_show_training_per_commune(year_2025, officer, client, tmp_path):
    job = report_services.generate(
        report_services.request_report(actor=officer, period_kind="quarter", year=2025, number=4)
    )
    assert job.status == "done", job.message
    assert job.figures["people_by_commune"]["rows"] == [WARD_A_ROW, WARD_B_ROW]
    sheet = load_workbook(io.BytesIO(job.xlsx.read()))["Tập huấn theo xã"]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "Tập huấn theo xã, phường năm 2025 (mục tiêu: 50 % cán bộ, 50 % doanh nghiệp)"
    assert values[2:] == [
        ["Xã Tu Mơ Rông", 2, 2, 100, "đạt", 2, 4, 50, "đạt", 2],
        ["Xã Đăk Hà", 1, 2, 50, "đạt", 0, 0, None, None, 1],
    ]
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(job.pdf.read())
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    lines = [" ".join(line.split()) for line in out.splitlines()]
    assert "TẬP HUẤN THEO XÃ, PHƯỜNG NĂM 2025 (MỤC TIÊU: 50 % CÁN BỘ, 50 % DOANH NGHIỆP)" in " ".join(lines)
    assert "Xã Tu Mơ Rông 2/2 100 % (đạt) 2/4 50 % (đạt) 2" in lines
    assert "Xã Đăk Hà 1/2 50 % (đạt) 0/0 — 1" in lines
    client.force_login(officer)
    for url in ("/oversight/thong-ke/", "/oversight/dao-tao/"):
        page = client.get(url).content.decode()
        assert "Tập huấn theo xã, phường năm" in page, url


def test_duplicates_merge_only_when_confirmed(officer):
    course, other = _course(officer), _course(officer, day="2025-06-01")

    def attend(course, name, phone):
        data = {"full_name": name, "role": "officer", "phone": phone, "ward_code": WARD_A}
        return services.record_attendance(actor=officer, course=course, data=data)

    a = attend(course, "Y Bình", "0905 000 001").attendee
    b = attend(other, "Y Binh", "+84905000001").attendee
    again = attend(other, "y bình", "0905000001")
    assert again.attendee == a  # the same name and phone: one person
    assert [(x.pk, y.pk, f) for x, y, f in selectors.duplicate_pairs()] == [(a.pk, b.pk, "phone")]
    with pytest.raises(ValidationError):
        services.merge_attendees(actor=officer, keep=a, duplicate=b, confirmed=False)
    assert Attendee.objects.get(pk=b.pk).merged_into is None
    services.merge_attendees(actor=officer, keep=a, duplicate=b, confirmed=True)
    assert Attendee.objects.get(pk=b.pk).merged_into_id == a.pk
    assert sorted(Attendance.objects.filter(attendee=a).values_list("course_id", flat=True)) == [course.pk, other.pk]
    assert selectors.duplicate_pairs() == []
    with pytest.raises(ValidationError):
        services.merge_attendees(actor=officer, keep=a, duplicate=b, confirmed=True)  # not twice


def test_bad_input_and_permissions(officer, producer):
    with pytest.raises(ValidationError) as exc:
        services.create_course(actor=officer, data={"topic": "", "audience": "x", "held_on": "31/12/2025"})
    assert set(exc.value.message_dict) == {"topic", "audience", "held_on", "place", "trainer"}
    course = _course(officer)
    with pytest.raises(ValidationError) as exc:
        services.record_attendance(
            actor=officer, course=course, data={"full_name": "A", "role": "staff", "phone": "12", "id_number": "1"}
        )
    assert set(exc.value.message_dict) == {"phone", "id_number", "organization"}
    with pytest.raises(Forbidden):
        _course(producer)
    with pytest.raises(ValidationError) as exc:
        services.record_lesson_completion(
            actor=producer, client_id="x", lesson="none", score=3, questions=2, completed_on="2020-01-01", known=KNOWN
        )
    assert set(exc.value.message_dict) == {"client_id", "lesson", "score", "completed_on"}
    key = uuid.uuid4()
    today = dt.date.today()
    for created in (True, False):  # sent twice (a retry): counted once
        _item, made = services.record_lesson_completion(
            actor=producer, client_id=key, lesson="nhat-ky", score=1, questions=2, completed_on=today, known=KNOWN
        )
        assert made is created
    assert LessonCompletion.objects.get().organization == producer.memberships.get().organization


def test_certificate_qr_verifies_only_real_attendances(officer, client, tmp_path):
    attendance = services.record_attendance(
        actor=officer, course=_course(officer), data={"full_name": "Y Bình", "role": "officer", "ward_code": WARD_A}
    )
    pdf = tmp_path / "c.pdf"
    pdf.write_bytes(certificate.render(attendance, "Sở Khoa học và Công nghệ"))
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-singlefile", str(pdf), str(tmp_path / "c")], check=True)
    code = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "c.png")], capture_output=True, text=True).stdout
    assert code.strip() == certificate.verify_url(attendance)
    path = urlsplit(code.strip()).path
    page = client.get(path)
    assert page.status_code == 200 and "Y Bình" in page.content.decode() and "hợp lệ" in page.content.decode()
    assert client.get(path.replace(attendance.code, attendance.code[:-2] + "xx")).status_code == 404
    services.remove_attendance(actor=officer, attendance=attendance, confirmed=True)
    assert client.get(path).status_code == 404

"""The agency's officers page (issue 25): the head assigns a department and a scope, confirming before a commune
or group is taken away; other officers read the list; strangers get 403 and nothing is written; bad input answers
400 with the reason, never a 500. The officer's own notifications open from the start page."""

from __future__ import annotations

import pytest

from accounts.models import Membership, User
from accounts.tests.factories import UserFactory
from catalog.models import PriorityCategory
from catalog.tests.factories import AgencyFactory, OrganizationFactory
from core.models import AuditEntry
from notifications.models import Notification

pytestmark = pytest.mark.django_db

COMMUNE = 23425
OTHER_COMMUNE = 23428


@pytest.fixture
def agency_people():
    agriculture = AgencyFactory(name="Sở Nông nghiệp và Môi trường", department_kind="agriculture", email="")
    head = UserFactory(username="nn.head", first_name="Trưởng phòng", agency=agriculture)
    Membership.objects.create(user=head, organization=agriculture, role="owner")
    officer = UserFactory(username="nn.a", first_name="Cán bộ A", agency=agriculture)
    science = AgencyFactory(name="Sở Khoa học và Công nghệ", department_kind="science_technology", email="")
    science_head = UserFactory(username="st.head", agency=science)
    Membership.objects.create(user=science_head, organization=science, role="owner")
    elsewhere = AgencyFactory(province_code=52, ward_code=None, email="")
    farm = OrganizationFactory()
    owner = UserFactory(username="farmer")
    Membership.objects.create(user=owner, organization=farm, role="owner")
    return {
        "agency": agriculture,
        "head": head,
        "officer": officer,
        "science_head": science_head,
        "other_province": UserFactory(username="far", agency=elsewhere),
        "other_org": owner,
    }


def test_the_head_assigns_a_scope_and_confirms_taking_part_away(client, agency_people):
    head, officer = agency_people["head"], agency_people["officer"]
    coffee = PriorityCategory.objects.get(code="coffee")
    client.force_login(head)
    listing = client.get("/oversight/can-bo/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "Cán bộ A" in html and f'href="/oversight/can-bo/{officer.pk}/"' in html
    form = client.get(f"/oversight/can-bo/{officer.pk}/")
    assert form.status_code == 200
    assert "Sở Nông nghiệp và Môi trường" in form.content.decode()  # departments by name, never their codes
    assert "agriculture<" not in form.content.decode()
    saved = client.post(
        f"/oversight/can-bo/{officer.pk}/",
        {"department": "agriculture", "wards": [COMMUNE, OTHER_COMMUNE], "categories": [coffee.pk]},
    )
    assert saved.status_code == 302 and saved["Location"] == "/oversight/can-bo/"
    officer.refresh_from_db()
    assert (officer.department_kind, officer.scope_ward_codes) == ("agriculture", [COMMUNE, OTHER_COMMUNE])
    # dropping a commune: a confirmation page first, nothing written
    asked = client.post(
        f"/oversight/can-bo/{officer.pk}/", {"department": "agriculture", "wards": [COMMUNE], "categories": [coffee.pk]}
    )
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "Bỏ bớt phạm vi phụ trách?" in page and 'id="confirm-scope"' in page
    assert 'name="confirm" value="yes"' in page
    officer.refresh_from_db()
    assert officer.scope_ward_codes == [COMMUNE, OTHER_COMMUNE]
    done = client.post(
        f"/oversight/can-bo/{officer.pk}/",
        {"department": "agriculture", "wards": [COMMUNE], "categories": [coffee.pk], "confirm": "yes"},
    )
    assert done.status_code == 302
    officer.refresh_from_db()
    assert officer.scope_ward_codes == [COMMUNE]
    assert AuditEntry.objects.filter(object_type="accounts.user", object_id=str(officer.pk)).count() == 2
    assert "Cà phê" in client.get("/oversight/can-bo/").content.decode()


def test_bad_input_answers_400_with_the_reason(client, agency_people):
    officer = agency_people["officer"]
    client.force_login(agency_people["head"])
    response = client.post(f"/oversight/can-bo/{officer.pk}/", {"department": "fisheries", "wards": ["1"]})
    assert response.status_code == 400
    assert "Lĩnh vực không hợp lệ." in response.content.decode()
    response = client.post(f"/oversight/can-bo/{officer.pk}/", {"department": "", "wards": ["1"]})
    assert response.status_code == 400
    assert "Mã xã/phường 1 không tồn tại." in response.content.decode()
    officer.refresh_from_db()
    assert (officer.department_kind, officer.scope_ward_codes) == ("", [])
    assert client.get("/oversight/can-bo/999999/").status_code == 404


@pytest.mark.parametrize(
    ("who", "list_status", "edit_status"),
    [
        ("officer", 200, 403),  # reads the agency's list, may not change it
        ("science_head", 200, 403),  # head of another department: sees its own list, not this officer's form
        ("other_province", 403, 403),
        ("other_org", 403, 403),
    ],
)
def test_permission_matrix(client, agency_people, who, list_status, edit_status):
    officer = agency_people["officer"]
    client.force_login(agency_people[who])
    assert client.get("/oversight/can-bo/").status_code == list_status
    assert client.get(f"/oversight/can-bo/{officer.pk}/").status_code == edit_status
    response = client.post(f"/oversight/can-bo/{officer.pk}/", {"department": "health", "wards": [COMMUNE]})
    assert response.status_code == edit_status
    officer.refresh_from_db()
    assert (officer.department_kind, officer.scope_ward_codes) == ("", [])
    assert not AuditEntry.objects.filter(object_type="accounts.user").exists()


def test_anonymous_goes_to_sign_in(client, agency_people):
    officer = agency_people["officer"]
    response = client.post(f"/oversight/can-bo/{officer.pk}/", {"department": "health"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert User.objects.get(pk=officer.pk).department_kind == ""


def test_a_platform_admin_names_the_agency(client, agency_people):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get("/oversight/can-bo/").status_code == 404
    agency = agency_people["agency"]
    assert "Cán bộ A" in client.get(f"/oversight/can-bo/?co-quan={agency.pk}").content.decode()
    officer = agency_people["officer"]
    done = client.post(f"/oversight/can-bo/{officer.pk}/", {"department": "health"})
    assert done.status_code == 302 and done["Location"] == f"/oversight/can-bo/?co-quan={agency.pk}"


def test_the_officers_notifications_open_from_the_start_page(client, agency_people):
    officer = agency_people["officer"]
    mine = Notification.objects.create(
        user=officer, kind="review_queue", title="Lô X chờ phê duyệt", link="/oversight/"
    )
    Notification.objects.create(user=agency_people["head"], kind="review_queue", title="Lô của người khác")
    client.force_login(officer)
    page = client.get("/oversight/").content.decode()
    assert "Lô X chờ phê duyệt" in page and "Lô của người khác" not in page
    assert client.get(f"/oversight/thong-bao/{mine.pk}/").status_code == 405  # opening it writes: POST only
    opened = client.post(f"/oversight/thong-bao/{mine.pk}/")
    assert opened.status_code == 302 and opened["Location"] == "/oversight/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    other = Notification.objects.get(user=agency_people["head"])
    assert client.post(f"/oversight/thong-bao/{other.pk}/").status_code == 404

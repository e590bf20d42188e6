"""Several departments, one platform (issue 25 item 4): an agency's department and scope, officers' permissions
within it, routing of complaints and inspections by product group and commune, and existing agencies unchanged."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps as django_apps
from django.core import mail

from accounts import permissions
from accounts.tests.factories import UserFactory
from catalog import departments
from catalog.models import PriorityCategory
from catalog.tests.factories import AgencyFactory, LotFactory, OrganizationFactory, ProductFactory
from complaints import selectors as complaint_selectors
from complaints import services as complaints
from complaints.models import ComplaintCase
from core.tests.jobs import run_jobs
from notifications.models import Notification

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 7)
COMMUNE = 23425  # the factories' commune
OTHER_COMMUNE = 23428


@pytest.fixture
def province():
    """A Science and Technology department of every field (registered first, as the old single agency), and an
    Agriculture department for pork in the factories' commune, with an officer for that commune and one elsewhere."""
    pork = PriorityCategory.objects.get(code="pork")
    science = AgencyFactory(name="Sở Khoa học và Công nghệ", department_kind="science_technology", email="")
    agriculture = AgencyFactory(name="Sở Nông nghiệp và Môi trường", department_kind="agriculture", email="")
    agriculture.scope_categories.set([pork])
    here = UserFactory(username="nn.here", email="nn.here@example.vn", agency=agriculture, scope_ward_codes=[COMMUNE])
    there = UserFactory(
        username="nn.there", email="nn.there@example.vn", agency=agriculture, scope_ward_codes=[OTHER_COMMUNE]
    )
    st_officer = UserFactory(username="st", email="st@example.vn", agency=science)
    farm = OrganizationFactory(ward_code=COMMUNE)
    return {
        "science": science,
        "agriculture": agriculture,
        "here": here,
        "there": there,
        "st": st_officer,
        "farm": farm,
        "pork": ProductFactory(organization=farm, category=pork),
        "coffee": ProductFactory(organization=farm),
    }


def test_routing_prefers_the_department_whose_scope_covers_group_and_commune(province):
    farm = province["farm"]
    assert departments.route_agency(farm, province["pork"].category_id) == province["agriculture"]
    assert departments.route_agency(farm, province["coffee"].category_id) == province["science"]
    assert departments.route_agency(farm) == province["science"]
    assert departments.responsible_officers(farm, province["pork"].category_id) == [province["here"]]


def test_a_province_without_scopes_routes_to_its_first_agency():
    first, _second = AgencyFactory(), AgencyFactory()
    assert departments.route_agency(OrganizationFactory(), None) == first


@pytest.mark.parametrize(
    ("who", "subject", "allowed"),
    [
        ("here", "pork", True),  # Agriculture, pork, its commune
        ("here", "coffee", False),  # not its product group
        ("there", "pork", False),  # not its commune
        ("st", "pork", True),  # an agency of every field keeps seeing everything
        ("st", "coffee", True),
    ],
)
def test_permission_matrix_by_department(province, who, subject, allowed):
    officer = province[who]
    product = province[subject]
    assert permissions.is_officer_for_product(officer, product) is allowed
    # without a product group in question, only the commune scopes count
    assert permissions.is_officer_for(officer, province["farm"]) is (who != "there")


def test_a_pork_complaint_goes_to_agriculture_officers_of_the_commune(province, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # routed after commit, as on the portal
        feedback = complaints.submit_feedback(
            actor=None,
            product=province["pork"],
            address="203.0.113.9",
            data={"kind": "complaint", "message": "Thịt có mùi lạ", "contact": "0905123456"},
        )
    case = ComplaintCase.objects.get(feedback=feedback)
    assert case.agency == province["agriculture"]
    notified = set(Notification.objects.filter(kind="complaint").values_list("organization_id", flat=True))
    assert province["science"].pk not in notified
    assert province["agriculture"].pk in notified
    mail.outbox.clear()
    run_jobs()
    assert sorted(address for m in mail.outbox for address in m.to) == ["nn.here@example.vn"]
    assert list(complaint_selectors.cases(province["here"])) == [case]
    assert list(complaint_selectors.cases(province["there"])) == []


def test_existing_agencies_get_a_department_and_no_scope(province):
    migration = importlib.import_module("catalog.migrations.0005_departments")
    old = AgencyFactory(name="Chi cục Tiêu chuẩn Đo lường Chất lượng", department_kind="general")
    trade = AgencyFactory(name="Phòng Kinh tế", department="Sở Công Thương", department_kind="general")
    other = AgencyFactory(name="Ban quản lý", department_kind="general")
    migration.guess_departments(django_apps, None)
    for agency in (old, trade, other):
        agency.refresh_from_db()
    assert (old.department_kind, trade.department_kind, other.department_kind) == (
        "science_technology",
        "industry_trade",
        "general",
    )
    assert old.scope_ward_codes == [] and not old.scope_categories.exists()


def test_the_report_per_department_and_consolidated(province, django_capture_on_commit_callbacks):
    from reports import stats

    for product in (province["pork"], province["coffee"]):
        LotFactory(product=product, status="published", production_date=TODAY)
        with django_capture_on_commit_callbacks(execute=True):
            complaints.submit_feedback(
                actor=None,
                product=product,
                address="203.0.113.10",
                data={"kind": "complaint", "message": "Hàng lỗi", "contact": "0905000000"},
            )
    start, end = TODAY.replace(month=1, day=1), TODAY.replace(month=12, day=31)
    agriculture = stats.figures(start, end, department="agriculture")
    assert (agriculture["products"]["total"], agriculture["complaints"]["complaints"]) == (1, 1)
    assert "by_department" not in agriculture
    consolidated = stats.figures(start, end)
    assert consolidated["products"]["total"] == 2
    assert consolidated["by_department"] == [
        ["Sở Khoa học và Công nghệ", 1, 0, 0],
        ["Sở Nông nghiệp và Môi trường", 1, 0, 0],
    ]

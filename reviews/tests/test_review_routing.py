"""Who is told that work waits (issue 25): a lot submitted for review, and an inspection planned without an
officer's agency, reach the officers whose department scope covers the product group and the commune, by the routing
complaints use (`catalog.departments.responsible_officers`), else the agency's officers without a scope of their own.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from accounts.tests.factories import UserFactory
from catalog.models import PriorityCategory
from catalog.tests.factories import (
    AgencyFactory,
    FacilityFactory,
    GrowingAreaFactory,
    LotFactory,
    OrganizationFactory,
    ProductFactory,
)
from core.tests.jobs import run_jobs
from notifications.models import Notification
from notifications.selectors import unread_for
from quality.services.inspections import plan_inspection
from reviews import services
from workflows import publication

pytestmark = pytest.mark.django_db

COMMUNE_X = 23425  # the factories' commune
COMMUNE_Y = 23428


@pytest.fixture
def province():
    """Science and Technology (every group, registered first); Agriculture for coffee with an officer of commune X,
    one of commune Y and its head without a scope; a coffee cooperative of commune X with its owner."""
    coffee = PriorityCategory.objects.get(code="coffee")
    science = AgencyFactory(name="Sở Khoa học và Công nghệ", department_kind="science_technology", email="")
    agriculture = AgencyFactory(name="Sở Nông nghiệp và Môi trường", department_kind="agriculture", email="")
    agriculture.scope_categories.set([coffee])
    farm = OrganizationFactory(ward_code=COMMUNE_X, email="")
    owner = UserFactory(username="owner", email="")
    farm.memberships.create(user=owner, role="owner")
    return {
        "science_officer": UserFactory(username="st", email="st@example.vn", agency=science),
        "x": UserFactory(username="nn.x", email="nn.x@example.vn", agency=agriculture, scope_ward_codes=[COMMUNE_X]),
        "y": UserFactory(username="nn.y", email="nn.y@example.vn", agency=agriculture, scope_ward_codes=[COMMUNE_Y]),
        "head": UserFactory(username="nn.head", email="nn.head@example.vn", agency=agriculture),
        "farm": farm,
        "owner": owner,
        "coffee": coffee,
    }


def _submit(province, django_capture_on_commit_callbacks, category=None):
    farm = province["farm"]
    product = ProductFactory(organization=farm, category=category or province["coffee"])
    lot = LotFactory(product=product, origin_areas=[GrowingAreaFactory(organization=farm)])
    with django_capture_on_commit_callbacks(execute=True):  # the notice follows the submission's commit
        publication.submit_lot(actor=province["owner"], lot=lot)
    lot.refresh_from_db()
    assert lot.status == "submitted"
    return lot


def test_a_coffee_lot_of_commune_x_notifies_the_agriculture_officer_of_x(province, django_capture_on_commit_callbacks):
    lot = _submit(province, django_capture_on_commit_callbacks)
    notices = Notification.objects.filter(kind="review_queue")
    assert [(n.user, n.object_type, n.object_id) for n in notices] == [(province["x"], "catalog.lot", str(lot.pk))]
    notice = notices.get()
    assert notice.title == f"Lô {lot.product.name} {lot.lot_code} của {province['farm'].name} chờ phê duyệt"
    assert notice.link == f"/oversight/phe-duyet/catalog.lot/{lot.pk}/"
    assert list(unread_for(province["x"])) == [notice]
    for other in ("science_officer", "y", "head", "owner"):
        assert list(unread_for(province[other])) == []
    mail.outbox.clear()
    run_jobs()
    assert [m.to for m in mail.outbox] == [["nn.x@example.vn"]]


def test_without_a_matching_officer_the_agencys_unscoped_officers_are_told(
    province, django_capture_on_commit_callbacks
):
    province["x"].scope_ward_codes = [COMMUNE_Y]
    province["x"].save()
    _submit(province, django_capture_on_commit_callbacks)
    assert list(Notification.objects.filter(kind="review_queue").values_list("user__username", flat=True)) == [
        "nn.head"
    ]


def test_a_group_agriculture_does_not_cover_goes_to_science_and_technology(
    province, django_capture_on_commit_callbacks
):
    _submit(province, django_capture_on_commit_callbacks, PriorityCategory.objects.get(code="cassava"))
    assert list(Notification.objects.filter(kind="review_queue").values_list("user__username", flat=True)) == ["st"]


def test_an_approved_lot_tells_nobody(province, django_capture_on_commit_callbacks):
    lot = _submit(province, django_capture_on_commit_callbacks)
    Notification.objects.all().delete()
    lot.status = "published"
    lot.save(update_fields=["status"])
    assert services.announce_submission(lot) == []
    assert not Notification.objects.exists()


def test_an_inspection_planned_by_an_admin_notifies_the_covering_officer(province):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    facility = FacilityFactory(organization=province["farm"])
    inspection = plan_inspection(actor=admin, facility=facility, planned_on=dt.date(2026, 12, 20))
    notices = Notification.objects.filter(kind="inspection", user__isnull=False)
    # a facility, not a product: the department of every group follows it (Agriculture covers coffee only)
    assert [(n.user, n.link) for n in notices] == [
        (province["science_officer"], f"/oversight/kiem-tra/{inspection.pk}/")
    ]
    # planned by an officer, the inspection already has its officer: nobody else is told
    Notification.objects.all().delete()
    plan_inspection(actor=province["x"], facility=facility, planned_on=dt.date(2026, 12, 21))
    assert not Notification.objects.filter(user__isnull=False).exists()

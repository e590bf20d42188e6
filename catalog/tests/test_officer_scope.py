"""Officers' department and scope set outside the Django admin (issue 25): who may set it (the agency's head, by
the owner membership that manages any organisation's people, or a platform admin), confirmation before a commune or
group is taken away, the audit entry and ledger leaf, bad input refused whole, and the scope's effect on permissions
and on who is told about a complaint, a lot to review or an inspection (`catalog.departments.responsible_officers`).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from accounts import permissions
from accounts.models import Membership, User
from accounts.tests.factories import UserFactory
from catalog import departments
from catalog.models import PriorityCategory
from catalog.records import officer_scope_payload
from catalog.services.officers import NeedsConfirmation, set_officer_scope
from catalog.tests.factories import AgencyFactory, OrganizationFactory, ProductFactory
from core.errors import Forbidden
from core.models import AuditEntry
from ledger.models import LedgerLeaf
from ledger.records import record_bytes

pytestmark = pytest.mark.django_db

COMMUNE = 23425  # the factories' commune
OTHER_COMMUNE = 23428
OUTSIDE = 1  # not a commune of province 51


@pytest.fixture
def people():
    """Agriculture (coffee and pork) with its head, two officers; Science and Technology with its head; an agency
    of another province with its head; a producer's owner; a platform admin."""
    coffee = PriorityCategory.objects.get(code="coffee")
    pork = PriorityCategory.objects.get(code="pork")
    agriculture = AgencyFactory(name="Sở Nông nghiệp và Môi trường", department_kind="agriculture", email="")
    agriculture.scope_categories.set([coffee, pork])
    science = AgencyFactory(name="Sở Khoa học và Công nghệ", department_kind="science_technology", email="")
    elsewhere = AgencyFactory(name="Sở NN tỉnh khác", province_code=52, ward_code=None, email="")

    def head(username, agency):
        user = UserFactory(username=username, agency=agency)
        Membership.objects.create(user=user, organization=agency, role="owner")
        return user

    farm = OrganizationFactory(ward_code=COMMUNE)
    owner = UserFactory(username="farmer")
    Membership.objects.create(user=owner, organization=farm, role="owner")
    return {
        "coffee": coffee,
        "pork": pork,
        "agriculture": agriculture,
        "science": science,
        "head": head("nn.head", agriculture),
        "officer": UserFactory(username="nn.a", agency=agriculture),
        "colleague": UserFactory(username="nn.b", agency=agriculture, scope_ward_codes=[OTHER_COMMUNE]),
        "science_head": head("st.head", science),
        "other_province_head": head("other.head", elsewhere),
        "other_org": owner,
        "anonymous": AnonymousUser(),
        "admin": UserFactory(username="root", is_superuser=True, is_staff=True),
        "farm": farm,
    }


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("head", True),  # the agency's owner: manages its people
        ("admin", True),
        ("officer", False),  # an officer of the agency, not its head
        ("colleague", False),
        ("science_head", False),  # the head of another department of the province
        ("other_province_head", False),  # an officer of another province
        ("other_org", False),  # the owner of a producer organisation
        ("anonymous", False),
    ],
)
def test_permission_matrix(people, who, allowed):
    officer = people["officer"]
    call = lambda: set_officer_scope(  # noqa: E731
        actor=people[who], officer=officer, department="agriculture", wards=[COMMUNE], categories=[]
    )
    if allowed:
        call()
        officer.refresh_from_db()
        assert (officer.department_kind, officer.scope_ward_codes) == ("agriculture", [COMMUNE])
        assert AuditEntry.objects.filter(object_type="accounts.user", object_id=str(officer.pk)).count() == 1
    else:
        with pytest.raises(Forbidden):
            call()
        officer.refresh_from_db()
        assert (officer.department_kind, officer.scope_ward_codes) == ("", [])
        assert not AuditEntry.objects.filter(object_type="accounts.user").exists()
        assert not LedgerLeaf.objects.filter(record_type="accounts.user").exists()


def test_the_write_is_audited_and_ledgered(people):
    officer = people["officer"]
    set_officer_scope(
        actor=people["head"],
        officer=officer,
        department="agriculture",
        wards=[str(COMMUNE)],
        categories=[str(people["coffee"].pk)],
    )
    entry = AuditEntry.objects.get(object_type="accounts.user", object_id=str(officer.pk))
    assert (entry.actor, entry.action, entry.organization_id) == (people["head"], "update", people["agriculture"].pk)
    assert entry.before == {"agency": people["agriculture"].pk, "department": "", "wards": [], "categories": []}
    assert entry.after == {
        "agency": people["agriculture"].pk,
        "department": "agriculture",
        "wards": [COMMUNE],
        "categories": ["coffee"],
    }
    leaf = LedgerLeaf.objects.get(record_type="accounts.user", record_id=str(officer.pk))
    assert leaf.kind == "officer_scope"
    officer.refresh_from_db()
    assert bytes(leaf.data) == record_bytes(officer)
    assert officer_scope_payload(officer) == entry.after
    # the same scope again changes nothing and writes nothing
    set_officer_scope(
        actor=people["head"],
        officer=officer,
        department="agriculture",
        wards=[COMMUNE],
        categories=[people["coffee"].pk],
    )
    assert AuditEntry.objects.filter(object_type="accounts.user").count() == 1
    assert LedgerLeaf.objects.filter(record_type="accounts.user").count() == 1


def test_taking_scope_away_needs_confirmation(people):
    head, officer, coffee, pork = people["head"], people["officer"], people["coffee"], people["pork"]
    set_officer_scope(
        actor=head, officer=officer, department="", wards=[COMMUNE, OTHER_COMMUNE], categories=[coffee.pk, pork.pk]
    )
    with pytest.raises(NeedsConfirmation) as asked:
        set_officer_scope(actor=head, officer=officer, department="", wards=[COMMUNE], categories=[coffee.pk])
    assert (asked.value.removed_wards, asked.value.removed_categories) == ([OTHER_COMMUNE], [pork])
    officer.refresh_from_db()
    assert officer.scope_ward_codes == [COMMUNE, OTHER_COMMUNE]  # nothing written before the confirmation
    assert AuditEntry.objects.filter(object_type="accounts.user").count() == 1
    set_officer_scope(
        actor=head, officer=officer, department="", wards=[COMMUNE], categories=[coffee.pk], confirmed=True
    )
    officer.refresh_from_db()
    assert (officer.scope_ward_codes, list(officer.scope_categories.all())) == ([COMMUNE], [coffee])
    # widening to "all of the agency's" takes nothing away: no confirmation asked
    set_officer_scope(actor=head, officer=officer, department="", wards=[], categories=[])
    officer.refresh_from_db()
    assert (officer.scope_ward_codes, officer.scope_categories.count()) == ([], 0)
    assert LedgerLeaf.objects.filter(record_type="accounts.user").count() == 3


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"department": "fisheries"}, "department"),
        ({"wards": [OUTSIDE]}, "wards"),
        ({"wards": ["23425; drop"]}, "wards"),
        ({"categories": ["999999"]}, "categories"),
        ({"categories": ["cassava"]}, "categories"),  # a group by name, not by number
    ],
)
def test_bad_input_is_refused_whole(people, data, field):
    officer = people["officer"]
    values = {"department": "agriculture", "wards": [COMMUNE], "categories": [], **data}
    with pytest.raises(ValidationError) as refused:
        set_officer_scope(actor=people["head"], officer=officer, **values)
    assert list(refused.value.message_dict) == [field]
    officer.refresh_from_db()
    assert (officer.department_kind, officer.scope_ward_codes) == ("", [])
    assert not AuditEntry.objects.filter(object_type="accounts.user").exists()


def test_scope_stays_inside_the_agencys(people):
    agriculture = people["agriculture"]
    agriculture.scope_ward_codes = [COMMUNE]
    agriculture.save()
    cassava = PriorityCategory.objects.get(code="cassava")
    with pytest.raises(ValidationError) as wards:
        set_officer_scope(
            actor=people["head"], officer=people["officer"], department="", wards=[OTHER_COMMUNE], categories=[]
        )
    assert wards.value.message_dict == {"wards": ["Xã, phường này nằm ngoài phạm vi của cơ quan."]}
    with pytest.raises(ValidationError) as groups:
        set_officer_scope(
            actor=people["head"], officer=people["officer"], department="", wards=[], categories=[cassava.pk]
        )
    assert groups.value.message_dict == {"categories": ["Nhóm sản phẩm này nằm ngoài phạm vi của cơ quan."]}


def test_an_officers_groups_narrow_what_they_may_act_on(people):
    officer, coffee_product = people["officer"], ProductFactory(organization=people["farm"])
    pork_product = ProductFactory(organization=people["farm"], category=people["pork"])
    assert permissions.is_officer_for_product(officer, pork_product) is True
    set_officer_scope(actor=people["head"], officer=officer, department="", wards=[], categories=[people["coffee"].pk])
    officer = User.objects.get(pk=officer.pk)  # the next request's user: the groups are read once per user object
    assert permissions.is_officer_for_product(officer, coffee_product) is True
    assert permissions.is_officer_for_product(officer, pork_product) is False


def test_routing_to_officers_reuses_the_agencys_routing_and_falls_back_to_unscoped(people):
    head, farm, coffee = people["head"], people["farm"], people["coffee"]
    # nobody scoped to the farm's commune: the agency's officers without a scope of their own
    assert departments.responsible_officers(farm, coffee.pk) == [people["head"], people["officer"]]
    set_officer_scope(actor=head, officer=people["officer"], department="", wards=[COMMUNE], categories=[coffee.pk])
    assert departments.responsible_officers(farm, coffee.pk) == [people["officer"]]
    # a pork product of the same commune: the officer's groups do not cover it, so the unscoped head is told
    assert departments.responsible_officers(farm, people["pork"].pk) == [people["head"]]
    # a group Agriculture does not name goes to Science and Technology (every group): its head is told
    cassava = PriorityCategory.objects.get(code="cassava")
    assert departments.responsible_officers(farm, cassava.pk) == [people["science_head"]]
    # an organisation of a province without agencies: nobody
    assert departments.responsible_officers(OrganizationFactory(province_code=53, ward_code=None), coffee.pk) == []


def test_the_report_counts_an_officers_work_for_their_own_department(people):
    """A Science and Technology officer assigned to Agriculture's work: their recall counts for Agriculture."""
    from django.utils import timezone

    from catalog.tests.factories import LotFactory
    from recalls import services as recalls
    from reports import stats

    made = UserFactory(username="st.a", agency=people["science"])
    set_officer_scope(actor=people["science_head"], officer=made, department="agriculture", wards=[], categories=[])
    science_officer = User.objects.get(pk=made.pk)
    lot = LotFactory(product=ProductFactory(organization=people["farm"]), status="published")
    recalls.start_recall(actor=science_officer, lot=lot, reason="Nhãn ghi sai hạn sử dụng")
    today = timezone.localdate()
    start, end = today - dt.timedelta(days=1), today + dt.timedelta(days=1)  # whatever the time of day
    assert stats.figures(start, end, department="agriculture")["recalls"]["started"] == 1
    assert stats.figures(start, end, department="science_technology")["recalls"]["started"] == 0
    rows = {row[0]: row[3] for row in stats.figures(start, end)["by_department"]}
    assert rows == {"Sở Khoa học và Công nghệ": 0, "Sở Nông nghiệp và Môi trường": 1, "Chung (mọi lĩnh vực)": 0}

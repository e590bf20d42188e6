"""A recall notice from another province needs an officer here (issue 25): the officers whose department covers
each named lot of ours (group and commune) are told in person, once each; keys that are not ours tell nobody."""

from __future__ import annotations

import pytest

from accounts.tests.factories import UserFactory
from catalog.models import PriorityCategory
from catalog.tests.factories import AgencyFactory, LotFactory, OrganizationFactory, ProductFactory
from federation.choices import Direction, NoticeStatus
from federation.models import RecallNotice
from federation.notices import announce_notice
from federation.tests.test_units import make_peer
from gs1.identifiers import epc_urn, lot_key, parse_key
from notifications.models import Notification

pytestmark = pytest.mark.django_db
COMMUNE_X, COMMUNE_Y = 23425, 23428


def test_the_officers_covering_the_named_lots_are_told_once_each():
    coffee = PriorityCategory.objects.get(code="coffee")
    AgencyFactory(name="Sở Khoa học và Công nghệ", department_kind="science_technology", email="")
    agriculture = AgencyFactory(name="Sở Nông nghiệp và Môi trường", department_kind="agriculture", email="")
    agriculture.scope_categories.set([coffee])
    x = UserFactory(username="nn.x", agency=agriculture, scope_ward_codes=[COMMUNE_X])
    UserFactory(username="nn.y", agency=agriculture, scope_ward_codes=[COMMUNE_Y])
    product = ProductFactory(organization=OrganizationFactory(ward_code=COMMUNE_X), category=coffee)
    one, two = LotFactory(product=product), LotFactory(product=product)
    notice = RecallNotice.objects.create(
        direction=Direction.INCOMING,
        peer=make_peer(),
        code="TH-2026-0007",
        reason="Cà phê nhân nhiễm nấm mốc",
        # the same lot in two spellings, a second lot, a stranger's lot and a key that is no lot
        lots=[
            lot_key(product.gtin, one.lot_code),
            epc_urn(parse_key(lot_key(product.gtin, one.lot_code)), company_prefix_length=7),
            lot_key(product.gtin, two.lot_code),
            lot_key("08932002000018", "NGOAI-1"),
            "urn:epc:id:sscc:8932002.0000000001",
        ],
        status=NoticeStatus.RECEIVED,
    )
    made = announce_notice(notice)
    assert [(n.user, n.kind, n.link, n.title) for n in made] == [
        (x, "recall", "/oversight/lien-thong/thu-hoi/", "Thông báo thu hồi TH-2026-0007 từ Đắk Lắk")
    ]
    assert Notification.objects.count() == 1


def test_a_notice_naming_no_lot_of_ours_tells_nobody():
    UserFactory(username="cb", agency=AgencyFactory(email=""))
    notice = RecallNotice.objects.create(
        direction=Direction.INCOMING,
        peer=make_peer(),
        code="TH-2026-0008",
        lots=[lot_key("08932002000018", "NGOAI-1")],
        status=NoticeStatus.RECEIVED,
    )
    assert announce_notice(notice) == []

"""The page cache is dropped as narrowly as the write allows: one organisation's change leaves the others cached."""

from __future__ import annotations

import pytest

from catalog.models import Product
from catalog.tests.factories import CertificateFactory, LotFactory, OrganizationFactory, ProductFactory
from portal.cache import forget_local
from portal.tests.factories import published_lot

pytestmark = pytest.mark.django_db


def _page(client, lot) -> str:  # type: ignore[no-untyped-def]
    forget_local()  # another worker's view: generations are read again from the shared cache
    return client.get(f"/01/{lot.product.gtin}/10/{lot.lot_code}").content.decode()


@pytest.fixture
def two_lots():  # type: ignore[no-untyped-def]
    coffee = published_lot()
    other = OrganizationFactory(name="Hợp tác xã Mắc ca Măng Đen")
    macadamia = LotFactory(
        product=ProductFactory(organization=other, name="Hạt mắc ca sấy"), lot_code="MC-01", status="published"
    )
    return coffee, macadamia


def _rename_quietly(lot, name: str) -> None:  # type: ignore[no-untyped-def]
    Product.objects.filter(pk=lot.product.pk).update(name=name)  # no signal: shows only once the page is dropped


def test_a_certificate_drops_its_organisations_pages_only(client, two_lots, django_capture_on_commit_callbacks):
    coffee, macadamia = two_lots
    assert "Hạt mắc ca sấy" in _page(client, macadamia) and "HC-NEW-7" not in _page(client, coffee)
    _rename_quietly(macadamia, "Mắc ca đổi tên")
    with django_capture_on_commit_callbacks(execute=True):
        CertificateFactory(
            organization=coffee.product.organization, kind="ocop", number="HC-NEW-7", scope="organization"
        )
    assert "HC-NEW-7" in _page(client, coffee)
    assert "Hạt mắc ca sấy" in _page(client, macadamia)  # still the cached page
    with django_capture_on_commit_callbacks(execute=True):
        macadamia.product.organization.save()
    assert "Mắc ca đổi tên" in _page(client, macadamia)


def test_a_product_and_a_lot_drop_their_own_pages(client, two_lots, django_capture_on_commit_callbacks):
    coffee, macadamia = two_lots
    _page(client, coffee), _page(client, macadamia)
    _rename_quietly(coffee, "Cà phê đổi tên")
    with django_capture_on_commit_callbacks(execute=True):
        macadamia.product.save()
    assert "Cà phê đổi tên" not in _page(client, coffee)
    with django_capture_on_commit_callbacks(execute=True):
        coffee.save()
    assert "Cà phê đổi tên" in _page(client, coffee)


def test_growing_area_links_drop_the_lot(client, two_lots, django_capture_on_commit_callbacks):
    coffee, _macadamia = two_lots
    area = coffee.origin_areas.get()
    assert area.name in _page(client, coffee)
    with django_capture_on_commit_callbacks(execute=True):
        area.lots.remove(coffee)  # from the area's side of the relation
    assert area.name not in _page(client, coffee)

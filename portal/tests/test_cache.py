"""The page cache is dropped as narrowly as the write allows: one organisation's change leaves the others cached.

Generations live in the database and move with the write's transaction; a capture reaches the lots downstream;
the date is part of the key. (`test_coherence` proves the whole across the worker processes of a real server.)
"""

from __future__ import annotations

import zoneinfo

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.permissions import SYSTEM
from catalog.models import Product
from catalog.tests.factories import (
    CertificateFactory,
    FacilityFactory,
    LotFactory,
    OrganizationFactory,
    ProductFactory,
)
from core import generations
from events.services import capture_events, pages
from events.tests.conftest import chain  # noqa: F401 — the farm → processor → shop chain fixture
from events.tests.helpers import object_event
from portal import cache
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


def _generation(lot) -> str:  # type: ignore[no-untyped-def]
    return generations.read(lot.product.gtin, lot.lot_code)


def test_a_generation_moves_with_its_writes_transaction(two_lots):
    coffee, macadamia = two_lots
    before = _generation(coffee)
    with pytest.raises(RuntimeError), transaction.atomic():
        generations.bump_lots([(coffee.product.gtin, coffee.lot_code)])
        assert _generation(coffee) != before  # seen inside the transaction
        raise RuntimeError("the write fails")
    assert _generation(coffee) == before  # rolled back with the write
    other = _generation(macadamia)
    coffee.save()
    site, product, lot = _generation(coffee).split(".")
    assert (site, product, str(int(lot) - 1)) == tuple(before.split("."))
    assert _generation(macadamia) == other


def test_an_organisation_or_facility_change_reaches_every_page(two_lots):
    coffee, macadamia = two_lots
    before = _generation(macadamia)
    FacilityFactory(organization=coffee.product.organization)  # its name may show in any lot's chain
    assert _generation(macadamia) != before


def test_a_capture_bumps_the_lots_it_names_and_every_lot_downstream(chain, other_organization):  # noqa: F811
    unrelated = LotFactory(product=ProductFactory(organization=other_organization), lot_code="X9", status="published")
    before = {lot.pk: _generation(lot) for lot in (chain.lot_a, chain.lot_b, unrelated)}
    capture_events(
        actor=SYSTEM,
        organization=chain.lot_a.product.organization,
        events=[object_event([chain.a], biz_step="inspecting", action="OBSERVE", time="2026-11-02T10:00:00+07:00")],
    )
    after = {lot.pk: _generation(lot) for lot in (chain.lot_a, chain.lot_b, unrelated)}
    assert after[chain.lot_a.pk] != before[chain.lot_a.pk]
    assert after[chain.lot_b.pk] != before[chain.lot_b.pk]  # made from A: its chain shows the new step
    assert after[unrelated.pk] == before[unrelated.pk]


def test_a_capture_naming_hundreds_of_lots_bumps_them_and_those_downstream(chain, other_organization):  # noqa: F811
    """More roots than SQLite's 500 terms of a compound SELECT (a VALUES list of the roots was one): the walk takes
    them as one parameter."""
    unrelated = LotFactory(product=ProductFactory(organization=other_organization), lot_code="X9", status="published")
    before = {lot.pk: _generation(lot) for lot in (chain.lot_b, unrelated)}
    prefix = chain.a.rsplit(".", 1)[0]
    classes = [f"{prefix}.N{i}" for i in range(600)] + [chain.a]
    result = capture_events(
        actor=SYSTEM,
        organization=chain.lot_a.product.organization,
        events=[object_event(classes, biz_step="inspecting", action="OBSERVE", time="2026-11-02T10:00:00+07:00")],
    )
    assert len(result.stored) == 1
    after = {lot.pk: _generation(lot) for lot in (chain.lot_b, unrelated)}
    assert after[chain.lot_b.pk] != before[chain.lot_b.pk]  # downstream of A, one of the 601 lots named
    assert after[unrelated.pk] == before[unrelated.pk]  # 601 roots and their downstream are within the bound


@pytest.mark.parametrize("bound", [1, 2])
def test_a_capture_past_the_walks_bound_bumps_the_whole_site(chain, other_organization, monkeypatch, bound):  # noqa: F811
    """A and what was made from it (B, and the pallet B was packed into) are more lots than the bound: the walk
    stops and every page goes."""
    unrelated = LotFactory(product=ProductFactory(organization=other_organization), lot_code="X9", status="published")
    before = _generation(unrelated)
    monkeypatch.setattr(pages, "MAX_LOTS", bound)
    capture_events(
        actor=SYSTEM,
        organization=chain.lot_a.product.organization,
        events=[object_event([chain.a], biz_step="inspecting", action="OBSERVE", time="2026-11-02T10:00:00+07:00")],
    )
    assert _generation(unrelated) != before


def test_a_page_cached_one_day_is_not_served_the_next(client, two_lots):
    """Certificates and lots expire with the date alone: the date is part of the key. Pago Pago (UTC-11) and
    Kiritimati (UTC+14) are always on different dates."""
    coffee, _macadamia = two_lots
    gtin, code = coffee.product.gtin, coffee.lot_code
    with timezone.override(zoneinfo.ZoneInfo("Pacific/Pago_Pago")):
        today_west = timezone.localdate()
        key_west = cache.page_key("lot", gtin, code, "vi:json")
        CertificateFactory(
            organization=coffee.product.organization, number="HC-LAST-DAY", scope="organization", valid_to=today_west
        )
        states = {c["number"]: c["state"] for c in _json(client, coffee)["certificates"]}
        assert states["HC-LAST-DAY"] == "valid"
    with timezone.override(zoneinfo.ZoneInfo("Pacific/Kiritimati")):
        assert timezone.localdate() > today_west
        assert cache.page_key("lot", gtin, code, "vi:json") != key_west
        states = {c["number"]: c["state"] for c in _json(client, coffee)["certificates"]}
        assert states["HC-LAST-DAY"] == "expired"


def _json(client, lot):  # type: ignore[no-untyped-def]
    return client.get(f"/01/{lot.product.gtin}/10/{lot.lot_code}", HTTP_ACCEPT="application/json").json()

"""`/00/<sscc>`: cartons, bags and pallets resolve to the published lots they carry, and nothing else."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from catalog.tests.factories import LotFactory
from logistics.models import LogisticUnit, LogisticUnitContent
from portal.tests.factories import published_lot

pytestmark = pytest.mark.django_db

PACKED = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)
CARTON, PALLET = "089385040000000016", "189385040000000013"


def _unit(org, sscc, kind="carton", parent=None, contents=()):  # type: ignore[no-untyped-def]
    unit = LogisticUnit.objects.create(organization=org, sscc=sscc, kind=kind, packed_at=PACKED, parent=parent)
    for lot, quantity in contents:
        LogisticUnitContent.objects.create(unit=unit, lot=lot, quantity=Decimal(quantity))
    return unit


def test_carton_lists_its_published_lot(client):
    lot = published_lot()
    org = lot.product.organization
    draft = LotFactory(product=lot.product, lot_code="CP-NHAP", status="draft")
    _unit(org, CARTON, contents=[(lot, "12.500"), (draft, "3")])
    html = client.get(f"/00/{CARTON}").content.decode()
    assert "SSCC 089385040000000016" in html
    assert f'href="/01/{lot.product.gtin}/10/{lot.lot_code}"' in html
    assert "CP-NHAP" not in html  # a draft lot is not public
    assert "20/11/2026 10:00" in html  # packed at, Vietnam time
    data = client.get(f"/00/{CARTON}", HTTP_ACCEPT="application/json").json()
    assert data == {
        "sscc": CARTON,
        "kind": "carton",
        "packed_by": org.name,
        "packed_at": "2026-11-20T03:00:00+00:00",
        "on_pallet": None,
        "contents": [
            {
                "sscc": CARTON,
                "gtin": lot.product.gtin,
                "product": lot.product.name,
                "lot": lot.lot_code,
                "quantity": "12.5",
                "unit": lot.unit,
                "unit_label": lot.get_unit_display(),
                "recalled": False,
                "digital_link": f"http://127.0.0.1:8000/01/{lot.product.gtin}/10/{lot.lot_code}",
            }
        ],
    }
    links = client.get(f"/00/{CARTON}?linkType=all").json()["linkset"][0]
    assert links["anchor"] == f"http://127.0.0.1:8000/00/{CARTON}"
    assert [t["href"] for t in links["https://gs1.org/voc/traceability"]] == [data["contents"][0]["digital_link"]]


def test_pallet_shows_the_lots_of_its_cartons(client):
    lot = published_lot()
    org = lot.product.organization
    pallet = _unit(org, PALLET, kind="pallet")
    _unit(org, CARTON, parent=pallet, contents=[(lot, "5")])
    data = client.get(f"/00/{PALLET}", HTTP_ACCEPT="application/json").json()
    assert [(c["sscc"], c["lot"]) for c in data["contents"]] == [(CARTON, lot.lot_code)]
    assert client.get(f"/00/{CARTON}", HTTP_ACCEPT="application/json").json()["on_pallet"] == PALLET
    assert f'href="/00/{PALLET}"' in client.get(f"/00/{CARTON}").content.decode()


def test_recalled_lot_in_a_carton_is_flagged(client):
    lot = published_lot(status="recalled")
    _unit(lot.product.organization, CARTON, contents=[(lot, "1")])
    html = client.get(f"/00/{CARTON}").content.decode()
    assert 'role="alert"' in html and "Đã thu hồi" in html


@pytest.mark.parametrize("case", ["only_draft", "producer_suspended", "unknown"])
def test_units_with_nothing_public_are_not_registered(client, case):
    lot = published_lot(status="draft" if case == "only_draft" else "published")
    if case != "unknown":
        _unit(lot.product.organization, CARTON, contents=[(lot, "1")])
    if case == "producer_suspended":
        lot.product.organization.status = "suspended"
        lot.product.organization.save()
    r = client.get(f"/00/{CARTON}")
    assert r.status_code == 404 and "chưa được đăng ký truy xuất" in r.content.decode()
    assert client.get(f"/00/{CARTON}", HTTP_ACCEPT="application/json").status_code == 404

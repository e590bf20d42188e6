"""EUDR: a coffee shipment traced through the roaster to two cooperatives' plots, checked and packaged."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import jsonschema
import pytest
from django.core.exceptions import ValidationError

from exchange.eudr import geo
from exchange.eudr.assess import assess
from exchange.eudr.package import package
from exchange.eudr.services import prepare, record_reference
from exchange.models import DueDiligenceStatement
from exchange.tests.chain import coffee_export, member, plot_polygon
from ledger.bundle import verify_bundle

SCHEMA = json.loads((Path(__file__).parents[1] / "schemas" / "eudr_geojson.schema.json").read_text())


@pytest.fixture
def chain(db):
    return coffee_export()


def test_package_validates_against_the_eu_file_description(chain, settings):
    settings.TRUYXUAT_EUDR_FOREST_LAYER = ""
    a = assess(chain.shipment, chain.roaster_user)
    assert a.errors == [] and a.ok
    assert (a.commodity, a.hs_code) == ("coffee", "0901")
    assert sorted(p.area.code for p in a.plots) == ["VT-51-DHA-0001", "VT-51-DHA-0002"]
    assert sorted(lot.lot_code for p in a.plots for lot in p.lots) == sorted(h.lot_code for h in chain.harvests)
    assert a.period == (min(h.production_date for h in chain.harvests), max(h.production_date for h in chain.harvests))
    assert a.forest_layer == ""
    text = a.geojson()
    doc = json.loads(text)
    jsonschema.validate(doc, SCHEMA)
    assert [f["properties"]["ProducerCountry"] for f in doc["features"]] == ["VN", "VN"]
    assert sorted(f["properties"]["ProducerName"] for f in doc["features"]) == ["HTX Cà phê 1", "HTX Cà phê 2"]
    assert [f["geometry"]["type"] for f in doc["features"]] == ["Polygon", "Polygon"]  # 6.5 ha must be; 3 ha may be
    numbers = re.findall(r"-?\d+(?:\.(\d*))?", "".join(re.findall(r'"coordinates":(\[[^}]*\])', text)))
    assert len(numbers) == 20 and all(len(decimals) >= 6 for decimals in numbers)  # two rings of five positions
    statement, _a = prepare(actor=chain.roaster_user, shipment=chain.shipment)
    assert statement.plot_count == 2 and statement.geojson_sha256 == a.geojson_sha256()
    filed = record_reference(actor=chain.roaster_user, statement=statement, reference_number="26VNABCD1234XY")
    assert (filed.status, filed.reference_number) == ("filed", "26VNABCD1234XY")
    with zipfile.ZipFile(io.BytesIO(package(a, filed.reference_number))) as zf:
        assert sorted(zf.namelist()) == ["checks.json", "plots.geojson", "proof-bundle.json", "summary.pdf"]
        assert zf.read("summary.pdf").startswith(b"%PDF")
        report = verify_bundle(zf.read("proof-bundle.json"))
        assert report.ok and report.verified == report.total > 0
        assert json.loads(zf.read("checks.json"))["ok"] is True


def test_a_plot_overlapping_the_forest_layer_fails_named_with_its_lots(chain, settings, tmp_path):
    second = chain.areas[1]
    ring = second.boundary["coordinates"][0]
    lon, lat = ring[0]
    forest = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {}, "geometry": plot_polygon(lat, lon, 2.0)}],
    }
    layer = tmp_path / "forest2020.geojson"
    layer.write_text(json.dumps(forest))
    settings.TRUYXUAT_EUDR_FOREST_LAYER = str(layer)
    a = assess(chain.shipment, chain.roaster_user)
    assert not a.ok and a.forest_layer.startswith("forest2020.geojson")
    by_code = {p.area.code: p for p in a.plots}
    assert by_code["VT-51-DHA-0001"].ok and by_code["VT-51-DHA-0001"].overlap_ha == 0.0
    assert by_code["VT-51-DHA-0002"].overlap_ha == pytest.approx(2.0, rel=0.005)  # the 2 ha forest lies inside it
    assert [(lot.lot_code, area.code) for lot, area, _why in a.failing_lots()] == [
        (chain.harvests[1].lot_code, "VT-51-DHA-0002")
    ]
    with pytest.raises(ValidationError) as info:
        prepare(actor=chain.roaster_user, shipment=chain.shipment)
    assert chain.harvests[1].lot_code in str(info.value) and "overlaps forest" in str(info.value)


@pytest.mark.parametrize(
    ("geometry", "declared", "codes"),
    [
        (plot_polygon(14.5, 107.9, 5.0), 5.0, []),
        ({"type": "Point", "coordinates": [107.912345, 14.512345]}, 5.0, ["needs_polygon"]),
        ({"type": "Point", "coordinates": [107.912345, 14.512345]}, 3.0, []),
        ({"type": "Point", "coordinates": [107.91, 14.51]}, 1.0, ["precision"]),
        ({"type": "Point", "coordinates": [2.352222, 48.856613]}, 1.0, ["outside_vietnam"]),
        (plot_polygon(14.5, 107.9, 5.0), 8.0, ["area_mismatch"]),
        (
            {
                "type": "Polygon",
                "coordinates": [[[107.900001, 14.500001], [107.901001, 14.500001], [107.900001, 14.500001]]],
            },
            1,
            ["too_few_points"],
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [
                    [[107.900001, 14.500001], [107.910001, 14.500001], [107.910001, 14.510001], [107.900001, 14.510001]]
                ],
            },
            1.0,
            ["not_closed"],
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [
                    [
                        [107.900001, 14.500001],
                        [107.910001, 14.510001],
                        [107.910001, 14.500001],
                        [107.900001, 14.510001],
                        [107.900001, 14.500001],
                    ]
                ],
            },
            1.0,
            ["self_intersection"],
        ),
        (None, 1.0, ["no_geometry"]),
    ],
)
def test_plot_geometry_rules(geometry, declared, codes):
    assert [p.code for p in geo.check_plot(geometry, declared, 10)] == codes


def test_a_shipment_mixing_commodities_is_refused(chain):
    from catalog.models import PriorityCategory
    from catalog.tests.factories import LotFactory, ProductFactory
    from logistics.models import ShipmentLine

    rubber = ProductFactory(organization=chain.roaster, category=PriorityCategory.objects.get(code="rubber"))
    lot = LotFactory(product=rubber)
    ShipmentLine.objects.create(shipment=chain.shipment, lot=lot, quantity=1)
    a = assess(chain.shipment, chain.roaster_user)
    assert not a.ok and a.errors == ["Chuyến hàng trộn nhiều mặt hàng EUDR: coffee, rubber."]


def test_the_exporters_page_prepares_records_the_reference_and_downloads(chain, client, settings):
    settings.TRUYXUAT_EUDR_FOREST_LAYER = ""
    client.force_login(chain.roaster_user)
    url = f"/trao-doi/eudr/{chain.shipment.public_id}/"
    page = client.get(url).content.decode()
    assert "Vùng cà phê 1" in page and "Vùng cà phê 2" in page and "Chưa cấu hình lớp bản đồ rừng" in page
    assert client.post(url, {"action": "prepare", "hs_code": "0901 21"}).status_code == 302
    statement = DueDiligenceStatement.objects.get()
    assert (statement.hs_code, statement.status) == ("090121", "prepared")
    bad = client.post(url, {"action": "reference", "statement": statement.pk, "reference_number": "x"})
    assert bad.status_code == 400 and "Số tham chiếu gồm 6–64" in bad.content.decode()
    client.post(url, {"action": "reference", "statement": statement.pk, "reference_number": "26VNX0000001AB"})
    statement.refresh_from_db()
    assert statement.reference_number == "26VNX0000001AB"
    download = client.get(f"{url}goi.zip")
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    api = client.get(f"/api/v1/eudr/shipments/{chain.shipment.public_id}")
    assert api.status_code == 200 and api.json()["ok"] is True and len(api.json()["plots"]) == 2
    other = member(chain.coops[0], "khac")  # a member of another organisation
    client.force_login(other)
    assert client.get(url).status_code == 404

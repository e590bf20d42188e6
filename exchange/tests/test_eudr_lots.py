"""EUDR beyond a shipment: a lot, a season's lots of a product; forest layers from a GeoPackage."""

from __future__ import annotations

import datetime as dt
import sqlite3
import struct
from decimal import Decimal

import pytest
import shapely
from django.core.exceptions import ValidationError
from pyproj import Transformer
from shapely import wkb
from shapely.geometry import shape

from exchange.eudr import geo
from exchange.eudr.assess import assess_lots, for_lot, for_season
from exchange.eudr.services import prepare
from exchange.models import DueDiligenceStatement
from exchange.tests.chain import coffee_export, plot_polygon


@pytest.fixture
def chain(db):
    return coffee_export()


def gpkg_blob(geometry, srs: int, envelope: bool = True) -> bytes:
    """A GeoPackageBinary blob as GDAL writes one: "GP", version 0, flags (little endian, an XY envelope)."""
    flags = 0b0000_0001 | ((1 << 1) if envelope else 0)
    head = b"GP" + bytes([0, flags]) + struct.pack("<i", srs)
    if envelope:
        x0, y0, x1, y1 = geometry.bounds
        head += struct.pack("<4d", x0, x1, y0, y1)
    return head + wkb.dumps(geometry)


def geopackage(path, tables: dict[str, tuple[int, list]]) -> None:
    """A minimal GeoPackage: the required metadata tables and one feature table per entry (srs id, geometries)."""
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY, organization TEXT, "
        "organization_coordsys_id INTEGER, definition TEXT, description TEXT);"
        "CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT, identifier TEXT, srs_id INTEGER);"
        "CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT, geometry_type_name TEXT, "
        "srs_id INTEGER, z INTEGER, m INTEGER);"
        "INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84', 4326, 'EPSG', 4326, '', ''), "
        "('Pseudo-Mercator', 3857, 'EPSG', 3857, '', '');"
    )
    for name, (srs, geometries) in tables.items():
        db.execute(f'CREATE TABLE "{name}" (fid INTEGER PRIMARY KEY, geom BLOB)')
        db.execute("INSERT INTO gpkg_contents VALUES (?, 'features', ?, ?)", (name, name, srs))
        db.execute("INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', 'POLYGON', ?, 0, 0)", (name, srs))
        for g in geometries:
            db.execute(f'INSERT INTO "{name}" (geom) VALUES (?)', (gpkg_blob(g, srs),))
    db.commit()
    db.close()


def test_a_geopackage_forest_layer_in_wgs84_or_mercator_fails_the_plot_it_overlaps(chain, settings, tmp_path):
    lon, lat = chain.areas[1].boundary["coordinates"][0][0]
    forest = shape(plot_polygon(lat, lon, 2.0))
    mercator = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True).transform
    for srs, geometry in ((4326, forest), (3857, shapely.transform(forest, mercator, interleaved=False))):
        path = tmp_path / f"rung-{srs}.gpkg"
        geopackage(path, {"forest_2020": (srs, [geometry])})
        settings.TRUYXUAT_EUDR_FOREST_LAYER = str(path)
        a = assess_lots(*for_lot(chain.roasted), chain.roaster_user)
        by_code = {p.area.code: p for p in a.plots}
        assert by_code["VT-51-DHA-0001"].overlap_ha == 0.0
        assert by_code["VT-51-DHA-0002"].overlap_ha == pytest.approx(2.0, rel=0.005)
        assert a.forest_layer.startswith(f"rung-{srs}.gpkg") and not a.ok
    broken = tmp_path / "hong.gpkg"
    broken.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    settings.TRUYXUAT_EUDR_FOREST_LAYER = str(broken)
    a = assess_lots(*for_lot(chain.roasted), chain.roaster_user)
    assert not a.ok and a.errors[0].startswith("Không đọc được lớp bản đồ rừng")
    with pytest.raises(ValueError, match="not a GeoPackage geometry"):
        geo.gpkg_geometry(b"XX\x00\x01\x00\x00\x00\x00")


def test_a_statement_for_a_lot_and_for_a_seasons_lots(chain, settings):
    settings.TRUYXUAT_EUDR_FOREST_LAYER = ""
    statement, a = prepare(actor=chain.roaster_user, lot=chain.roasted, hs_code="0901.21")
    assert (statement.subject_kind, statement.subject_key, statement.shipment) == (
        "lot",
        f"{chain.roasted.product.gtin}/{chain.roasted.lot_code}",
        None,
    )
    assert (statement.hs_code, statement.plot_count, a.net_mass_kg()) == ("090121", 2, Decimal("1600"))
    coop, harvest = chain.coops[0], chain.harvests[0]
    owner = coop.memberships.get().user
    day = harvest.production_date
    season = (harvest.product, day - dt.timedelta(days=30), day + dt.timedelta(days=1))
    statement, a = prepare(actor=owner, season=season)
    assert (statement.subject_kind, statement.plot_count, statement.period_start) == ("season", 1, day)
    assert a.quantities == {"KGM": Decimal("1000")}
    with pytest.raises(ValidationError):
        prepare(actor=owner, season=(harvest.product, day, day - dt.timedelta(days=1)))
    empty = (harvest.product, day + dt.timedelta(days=5), day + dt.timedelta(days=9))
    assert assess_lots(*for_season(*empty), owner).errors == ["Không có lô hàng nào để lập hồ sơ."]
    assert DueDiligenceStatement.objects.count() == 2


def test_the_lot_and_season_pages(chain, client, settings):
    settings.TRUYXUAT_EUDR_FOREST_LAYER = ""
    client.force_login(chain.roaster_user)
    page = client.get("/trao-doi/eudr/").content.decode()
    assert f"/trao-doi/eudr/lo/{chain.roasted.pk}/" in page and "Theo mùa vụ" in page
    url = f"/trao-doi/eudr/lo/{chain.roasted.pk}/"
    page = client.get(url).content.decode()
    assert "Hồ sơ EUDR của lô hàng" in page and "1.600 kg" in page and "Vùng cà phê 2" in page
    assert client.post(url, {"action": "prepare", "hs_code": ""}).status_code == 302
    assert client.get(f"{url}goi.zip")["Content-Type"] == "application/zip"
    product = chain.roasted.product
    day = chain.roasted.production_date
    start = day - dt.timedelta(days=300)
    season = f"/trao-doi/eudr/mua-vu/?product={product.pk}&from={start:%d/%m/%Y}&to={day:%d/%m/%Y}"
    assert "Hồ sơ EUDR của mùa vụ" in client.get(season).content.decode()
    too_long = client.get(f"/trao-doi/eudr/mua-vu/?product={product.pk}&from=01/01/2000&to=01/01/2026", follow=True)
    assert "tối đa hai năm" in too_long.content.decode()
    bad = client.get(f"/trao-doi/eudr/mua-vu/?product={product.pk}&from=31/02/2026&to=x", follow=True)
    assert "Ngày không hợp lệ" in bad.content.decode()
    assert client.get(f"/trao-doi/eudr/lo/{chain.harvests[0].pk}/").status_code == 404  # another's lot

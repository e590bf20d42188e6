"""Open data: the package validates with frictionless; an incremental pull returns only new publications."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.utils import timezone
from frictionless import Package

from catalog.tests.factories import LotFactory, OrganizationFactory, ProductFactory
from exchange.models import OpenDataFile
from exchange.opendata.services import pull, release
from ledger.models import LedgerLeaf


@pytest.fixture
def published(db, organization):
    product = ProductFactory(organization=organization)
    lots = [
        LotFactory(product=product, lot_code=f"A{i}", status="published", published_at=timezone.now()) for i in range(3)
    ]
    LotFactory(product=product, lot_code="NHAP", status="draft")  # never out
    pending = OrganizationFactory(status="pending", name="Cơ sở chưa duyệt")
    LotFactory(
        product=ProductFactory(organization=pending), lot_code="CHUA", status="published", published_at=timezone.now()
    )
    return product, lots


def test_the_package_validates_and_carries_no_personal_or_unpublished_data(published, officer, settings, tmp_path):
    settings.TRUYXUAT_OPEN_DATA_DIR = tmp_path / "od"
    organization = published[0].organization
    organization.phone, organization.email, organization.representative = "0905111222", "a@b.vn", "Nguyễn Văn A"
    organization.save()
    rel = release(actor=officer)
    directory = Path(rel.directory)
    report = Package(str(directory / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    text = (
        "".join(p.read_text(encoding="utf-8") for p in directory.glob("*.csv"))
        + (directory / "organizations.json").read_text()
    )
    assert "0905111222" not in text and "a@b.vn" not in text and "Nguyễn Văn A" not in text
    lots = json.loads((directory / "lots.json").read_text())
    assert sorted(x["lot_code"] for x in lots) == ["A0", "A1", "A2"]
    files = OpenDataFile.objects.filter(release=rel)
    assert files.count() == 18  # six datasets × CSV, JSON, Parquet
    leaves = {bytes(leaf.data) for leaf in LedgerLeaf.objects.filter(record_type="exchange.opendatafile")}
    assert all(any(f.sha256.encode() in leaf for leaf in leaves) for f in files)


def test_an_incremental_pull_after_new_publications_returns_only_them(published):
    product, _lots = published
    first = pull("lots", "", 2)
    assert [x["lot_code"] for x in first["items"]] == ["A0", "A1"] and first["more"]
    rest = pull("lots", first["cursor"], 100)
    assert [x["lot_code"] for x in rest["items"]] == ["A2"] and not rest["more"]
    LotFactory(product=product, lot_code="MOI", status="published", published_at=timezone.now())
    new = pull("lots", rest["cursor"], 100)
    assert [x["lot_code"] for x in new["items"]] == ["MOI"]
    assert pull("lots", new["cursor"], 100)["items"] == []


def test_the_public_page_and_the_pull_endpoint(published, client):
    page = client.get("/du-lieu-mo/").content.decode()
    assert "CC-BY-4.0" in page and "Lô hàng đã công bố" in page
    answer = client.get("/api/v1/open-data/lots", {"limit": 2})
    assert answer.status_code == 200 and [x["lot_code"] for x in answer.json()["items"]] == ["A0", "A1"]
    assert client.get("/api/v1/open-data/lots", {"since": "hôm qua"}).status_code == 422
    assert client.get("/api/v1/open-data/people").status_code == 422

"""The exchanges' API: the exporter's EUDR checks, package and DDS reference; the open-data pull (paged)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from catalog.models import Lot, Product
from exchange.eudr import package as eudr_package
from exchange.eudr.assess import assess, assess_lots, for_lot
from exchange.eudr.services import covered, prepare, record_reference
from exchange.models import DueDiligenceStatement
from exchange.opendata.datasets import DATASETS
from exchange.opendata.services import pull
from logistics.models import Shipment
from workspace.auth import AUTH, caller

router = Router(tags=["exchange"])


def file_answer(media_type: str, description: str) -> dict[str, Any]:
    """The OpenAPI answer of an endpoint that returns a file rather than JSON."""
    schema = {"type": "string", "format": "binary"}
    return {"responses": {200: {"description": description, "content": {media_type: {"schema": schema}}}}}


class StatementIn(Schema):
    hs_code: str = ""


class ReferenceIn(Schema):
    reference_number: str
    verification_number: str = ""


class StatementOut(Schema):
    id: int
    status: str
    hs_code: str
    plot_count: int
    geojson_sha256: str
    reference_number: str
    verification_number: str


class OpenDataPage(Schema):
    dataset: str
    items: list[dict[str, Any]]
    cursor: str
    more: bool


def _shipment(request: HttpRequest, public_id: uuid.UUID) -> Shipment:
    return get_object_or_404(Shipment, public_id=public_id, sender=caller(request).organization)


@router.get(
    "/eudr/shipments/{public_id}",
    auth=AUTH,
    response=dict[str, Any],
    summary="EUDR checks of a shipment (plots, geometry, forest)",
)
def eudr_checks(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    return eudr_package.checks(assess(_shipment(request, public_id), caller(request).actor))


@router.get(
    "/eudr/shipments/{public_id}/geojson",
    auth=AUTH,
    summary="The plots as the EU system's GeoJSON file",
    openapi_extra=file_answer("application/geo+json", "The plots (GeoJSON FeatureCollection)"),
)
def eudr_geojson(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    a = assess(_shipment(request, public_id), caller(request).actor)
    return HttpResponse(a.geojson(), content_type="application/geo+json")


@router.get(
    "/eudr/shipments/{public_id}/package",
    auth=AUTH,
    summary="The package: GeoJSON, PDF, proof bundle (zip)",
    openapi_extra=file_answer("application/zip", "GeoJSON, PDF summary and proof bundle"),
)
def eudr_zip(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    shipment = _shipment(request, public_id)
    statement = DueDiligenceStatement.objects.filter(shipment=shipment).first()
    data = eudr_package.package(
        assess(shipment, caller(request).actor), statement.reference_number if statement else ""
    )
    return HttpResponse(data, content_type="application/zip")


@router.post("/eudr/shipments/{public_id}/statements", auth=AUTH, response={201: StatementOut})
def eudr_prepare(request: HttpRequest, public_id: uuid.UUID, body: StatementIn) -> tuple[int, DueDiligenceStatement]:
    statement, _a = prepare(actor=caller(request).actor, shipment=_shipment(request, public_id), hs_code=body.hs_code)
    return 201, statement


def _lot(request: HttpRequest, gtin: str, lot_code: str) -> Lot:
    return get_object_or_404(
        Lot, product__gtin=gtin.zfill(14), lot_code=lot_code, product__organization=caller(request).organization
    )


@router.get(
    "/eudr/lots/{gtin}/{lot}",
    auth=AUTH,
    response=dict[str, Any],
    summary="EUDR checks of one lot (plots through its trace)",
)
def eudr_lot_checks(request: HttpRequest, gtin: str, lot: str) -> dict[str, Any]:
    return eudr_package.checks(assess_lots(*for_lot(_lot(request, gtin, lot)), caller(request).actor))


@router.get(
    "/eudr/lots/{gtin}/{lot}/package",
    auth=AUTH,
    summary="A lot's package (zip)",
    openapi_extra=file_answer("application/zip", "GeoJSON, PDF summary and proof bundle"),
)
def eudr_lot_zip(request: HttpRequest, gtin: str, lot: str) -> HttpResponse:
    a = assess_lots(*for_lot(_lot(request, gtin, lot)), caller(request).actor)
    return HttpResponse(eudr_package.package(a), content_type="application/zip")


@router.post("/eudr/lots/{gtin}/{lot}/statements", auth=AUTH, response={201: StatementOut})
def eudr_lot_prepare(request: HttpRequest, gtin: str, lot: str, body: StatementIn) -> tuple[int, DueDiligenceStatement]:
    statement, _a = prepare(actor=caller(request).actor, lot=_lot(request, gtin, lot), hs_code=body.hs_code)
    return 201, statement


@router.get(
    "/eudr/products/{gtin}/season",
    auth=AUTH,
    response=dict[str, Any],
    summary="EUDR checks of a season's lots of a product",
)
def eudr_season_checks(request: HttpRequest, gtin: str, start: dt.date, end: dt.date) -> dict[str, Any]:
    product = get_object_or_404(Product, gtin=gtin.zfill(14), organization=caller(request).organization)
    subject, lines = covered(season=(product, start, end))
    return eudr_package.checks(assess_lots(subject, lines, caller(request).actor))


@router.post("/eudr/statements/{pk}/reference", auth=AUTH, response=StatementOut)
def eudr_reference(request: HttpRequest, pk: int, body: ReferenceIn) -> DueDiligenceStatement:
    statement = get_object_or_404(DueDiligenceStatement, pk=pk, organization=caller(request).organization)
    return record_reference(
        actor=caller(request).actor,
        statement=statement,
        reference_number=body.reference_number,
        verification_number=body.verification_number,
    )


@router.get("/open-data", summary="Open datasets and their fields")
def open_datasets(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {"name": d.name, "title": d.title, "fields": [{"name": n, "type": t, "description": x} for n, t, x in d.fields]}
        for d in DATASETS.values()
    ]


@router.get(
    "/open-data/{dataset}", response=OpenDataPage, summary="A page of a dataset's published records after a cursor"
)
def open_data_page(request: HttpRequest, dataset: str, since: str = "", limit: int = 100) -> dict[str, Any]:
    """Records published (or changed) after `since`, oldest first; ask again with the answer's `cursor` while
    `more` is true. Only published records of approved organisations, never personal data."""
    return pull(dataset, since, limit)

"""Organisation profile endpoints: facilities, growing areas, certificates, products, members, API tokens,
stamp batches and answers to consumers' feedback."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from accounts.models import ApiToken
from accounts.services import ALL_SCOPES, TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS, create_api_token, revoke_api_token
from catalog import services as catalog
from catalog.models import Facility, GrowingArea, Lot, Product
from core.errors import NotFound
from feedback.models import Feedback
from feedback.services import answer_feedback
from stamps.services import request_batch
from workspace.auth import AUTH, caller, require_person
from workspace.services import create_member_account

router = Router(tags=["workspace: organisation profile"], auth=AUTH)


class Created(Schema):
    id: int
    code: str = ""


class FacilityIn(Schema):
    name: str
    kind: str
    gln: str = ""
    ward_code: int | None = None
    street_address: str = ""
    latitude: str = ""
    longitude: str = ""


class AreaIn(Schema):
    code: str
    name: str
    crop: str
    declared_area_ha: str
    boundary: dict[str, Any]
    facility: int | None = None
    ward_code: int | None = None


class CertificateIn(Schema):
    kind: str
    number: str
    issuer: str
    valid_from: dt.date
    valid_to: dt.date
    scope: str
    growing_area: int | None = None
    facility: int | None = None
    product: int | None = None


class ProductIn(Schema):
    name: str
    category: str
    gtin: str = ""
    brand: str = ""
    description: str = ""
    shelf_life_days: int | None = None
    standards: str = ""


class MemberIn(Schema):
    username: str
    password: str = ""
    first_name: str = ""
    phone: str = ""
    role: str = "staff"


class TokenIn(Schema):
    name: str
    scopes: list[str] = Field(
        default=list(ALL_SCOPES), description="One or more of capture, read, workspace (default: all three)"
    )
    expires_days: int = Field(default=TOKEN_DEFAULT_DAYS, description=f"Days until it expires, 1..{TOKEN_MAX_DAYS}")


class TokenOut(Schema):
    prefix: str
    token: str
    scopes: list[str]
    expires_at: dt.datetime


class TokenInfo(Schema):
    name: str
    prefix: str
    scopes: list[str] = Field(alias="scope_list")
    created_by: str | None = None
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None
    active: bool = Field(alias="is_active")

    @staticmethod
    def resolve_created_by(obj: ApiToken) -> str | None:
        return obj.created_by.username if obj.created_by else None


class StampRequestIn(Schema):
    product: int
    quantity: int
    lot: int | None = None
    layout: str = "a4-65"
    note: str = ""


class AnswerIn(Schema):
    body: str
    close: bool = False


def _own(model: Any, pk: int | None, org: Any) -> Any:
    if pk is None:
        return None
    found = model.objects.filter(pk=pk, organization=org).first()
    if found is None:
        raise NotFound("Không tìm thấy. / Not found.")
    return found


@router.post("/facilities", response={201: Created})
def create_facility(request: HttpRequest, payload: FacilityIn) -> Status[Any]:
    c = caller(request)
    f = catalog.create_facility(actor=c.actor, organization=c.organization, data=payload.dict())
    return Status(201, {"id": f.pk, "code": f.gln})


@router.post("/growing-areas", response={201: Created}, summary="Register a growing area (GeoJSON polygon, WGS84)")
def create_area(request: HttpRequest, payload: AreaIn) -> Status[Any]:
    c = caller(request)
    data = payload.dict()
    data["facility"] = _own(Facility, payload.facility, c.organization)
    area = catalog.create_growing_area(actor=c.actor, organization=c.organization, data=data)
    return Status(201, {"id": area.pk, "code": area.code})


@router.post("/certificates", response={201: Created}, summary="Record a certificate with its scan (PDF/JPEG/PNG)")
def create_certificate(
    request: HttpRequest, payload: Form[CertificateIn], document: File[UploadedFile | None] = None
) -> Status[Any]:
    c = caller(request)
    data = payload.dict()
    data["growing_area"] = _own(GrowingArea, payload.growing_area, c.organization)
    data["facility"] = _own(Facility, payload.facility, c.organization)
    data["product"] = _own(Product, payload.product, c.organization)
    cert = catalog.create_certificate(actor=c.actor, organization=c.organization, data=data, document=document)
    return Status(201, {"id": cert.pk, "code": cert.number})


@router.post("/products", response={201: Created}, summary="Register a product (GTIN allocated when empty)")
def create_product(
    request: HttpRequest, payload: Form[ProductIn], image: File[UploadedFile | None] = None
) -> Status[Any]:
    c = caller(request)
    product = catalog.create_product(actor=c.actor, organization=c.organization, data=payload.dict(), image=image)
    return Status(201, {"id": product.pk, "code": product.gtin})


@router.post("/members", response={201: Created}, summary="Add a member (new account, or an existing username)")
def add_member(request: HttpRequest, payload: MemberIn) -> Status[Any]:
    c = require_person(request)  # a token adding an owner with a password would be a token minting a person
    m = create_member_account(actor=c.actor, organization=c.organization, data=payload.dict(), role=payload.role)
    return Status(201, {"id": m.pk, "code": m.user.username})


@router.get("/tokens", response=list[TokenInfo], summary="The organisation's API tokens (never their secret)")
def list_tokens(request: HttpRequest) -> Any:
    c = caller(request)
    return ApiToken.objects.filter(organization=c.organization).select_related("created_by")


@router.post("/tokens", response={201: TokenOut}, summary="Create an API token (shown once; a signed-in owner only)")
def create_token(request: HttpRequest, payload: TokenIn) -> Status[Any]:
    c = require_person(request)
    token, plain = create_api_token(
        actor=c.actor,
        organization=c.organization,
        name=payload.name,
        scopes=payload.scopes,
        expires_days=payload.expires_days,
    )
    return Status(
        201, {"prefix": token.prefix, "token": plain, "scopes": token.scope_list, "expires_at": token.expires_at}
    )


@router.post("/tokens/{prefix}/revoke", response={204: None}, summary="Revoke an API token (a signed-in owner only)")
def revoke_token(request: HttpRequest, prefix: str) -> Status[Any]:
    c = require_person(request)
    token = ApiToken.objects.filter(organization=c.organization, prefix=prefix, revoked_at__isnull=True).first()
    if token is None:
        raise NotFound("Không tìm thấy khoá API. / Token not found.")
    revoke_api_token(actor=c.actor, token=token)
    return Status(204, None)


@router.post("/stamp-batches", response={201: Created}, summary="Request a stamp batch for a product or lot")
def request_stamps(request: HttpRequest, payload: StampRequestIn) -> Status[Any]:

    c = caller(request)
    product = _own(Product, payload.product, c.organization)
    lot = Lot.objects.filter(pk=payload.lot, product=product).first() if payload.lot else None
    if payload.lot and lot is None:
        raise NotFound("Không tìm thấy lô hàng. / Lot not found.")
    batch = request_batch(
        actor=c.actor, product=product, quantity=payload.quantity, lot=lot, layout=payload.layout, note=payload.note
    )
    return Status(201, {"id": batch.pk, "code": batch.status})


@router.post("/feedback/{tracking_code}/answer", response={201: Created}, summary="Answer a consumer's feedback")
def answer(request: HttpRequest, tracking_code: str, payload: AnswerIn) -> Status[Any]:

    c = caller(request)
    item = Feedback.objects.filter(tracking_code=tracking_code, organization=c.organization).first()
    if item is None:
        raise NotFound("Không tìm thấy phản ánh. / Feedback not found.")
    reply = answer_feedback(actor=c.actor, feedback=item, body=payload.body, close=payload.close)
    return Status(201, {"id": reply.pk, "code": item.status})

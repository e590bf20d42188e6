"""The IoT API under /api/v1/iot/: reading ingestion for devices, data loggers and LoRaWAN network servers, and the
device registry for the workspace's callers.

Ingestion (`POST /api/v1/iot/readings`, and the same at `/lorawan/tts` and `/lorawan/chirpstack` for the network
servers' uplink webhooks): a device authenticates with HTTP Basic (its identifier and secret, as on MQTT) and sends
only its own readings; an organisation's API token with the `capture` scope (`Authorization: Bearer …`, what a
network server's webhook is given) sends for any of that organisation's devices, named in the payload. JSON
(`application/json`) or CSV (`text/csv`). The answer, 200, counts what was stored and what was a duplicate; a
refused call stores nothing (401 unknown credentials, 403 another organisation's or a revoked device, 422 bad
payload).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router, Schema
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth

from accounts import permissions
from accounts.models import Membership
from accounts.permissions import Actor
from accounts.services import authenticate_token
from catalog.models import Organization
from core.errors import NotFound
from core.problems import problem
from events.epcis.limits import MAX_DEPTH, scan
from iot import ingest, services
from iot.models import Device
from iot.payloads import Parsed, PayloadError, parse_csv, parse_json

router = Router(tags=["iot"])


@dataclass
class Caller:
    actor: Actor
    organization: Organization


class _Token(HttpBearer):
    """An organisation's API token acting as the member who created it (`read` for reads, `workspace` for
    writes), as the workspace API does."""

    def authenticate(self, request: HttpRequest, token: str) -> Caller | None:
        found = authenticate_token(token)
        if found is None or found.created_by is None or not permissions.is_member(found.created_by, found.organization):
            return None
        if not found.has_scope("read" if request.method in ("GET", "HEAD") else "workspace"):
            return None
        return Caller(found.created_by, found.organization)


class _Session(SessionAuth):
    """A signed-in member (CSRF checked on writes); `?organization=<tax code>` picks one of several."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Caller | None:
        user = super().authenticate(request, key)
        if user is None:
            return None
        rows = Membership.objects.filter(user=user).select_related("organization")
        wanted = request.GET.get("organization")
        chosen = next((m.organization for m in rows if not wanted or m.organization.tax_code == wanted), None)
        return Caller(user, chosen) if chosen is not None else None


AUTH = [_Token(), _Session()]


def caller(request: HttpRequest) -> Caller:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _constant(name: str) -> Any:
    raise ValueError(f"{name}")


def _unauthorized() -> JsonResponse:
    response = problem(
        401,
        "Chưa xác thực / Unauthorized",
        "Cần mã và khoá bí mật của thiết bị (HTTP Basic) hoặc khoá API của tổ chức có quyền ghi. / "
        "A device's identifier and secret (HTTP Basic) or an organisation API token with the capture scope.",
    )
    response["WWW-Authenticate"] = 'Basic realm="truyxuat-iot"'
    return response


def _who(request: HttpRequest) -> tuple[Any, int, Device | None] | None:
    """(actor, organisation id, the device when a device authenticated) or None."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() == "basic":
        try:
            identifier, _c, secret = base64.b64decode(value.strip()).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return None
        device = ingest.authenticate(identifier, secret)
        if device is None:
            return None
        from accounts.permissions import SYSTEM

        return SYSTEM, device.organization_id, device
    if scheme.lower() == "bearer":
        token = authenticate_token(value.strip())
        if token is None or not token.has_scope("capture") or token.organization.status != "approved":
            return None
        from events.auth import TokenActor

        return TokenActor(token), token.organization_id, None
    return None


def _parse(request: HttpRequest) -> Parsed:
    body = request.body
    kind = request.content_type or ""
    if kind in ("text/csv", "application/csv", "text/plain"):
        try:
            return parse_csv(body.decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise PayloadError("CSV phải là UTF-8 / CSV must be UTF-8") from None
    deep, _suspect = scan(body)
    if deep:
        raise PayloadError(f"JSON lồng sâu quá {MAX_DEPTH} mức / JSON nested deeper than {MAX_DEPTH} levels")
    try:
        doc = json.loads(body, parse_constant=_constant)
    except (ValueError, UnicodeDecodeError):
        raise PayloadError("Nội dung không phải JSON hợp lệ / the body is not valid JSON") from None
    return parse_json(doc)


def _ingest(request: HttpRequest, live: bool) -> HttpResponse:
    who = _who(request)
    if who is None:
        return _unauthorized()
    actor, organization_id, device = who
    try:
        parsed = _parse(request)
        groups = ingest.resolve(organization_id, parsed, device)
        result = ingest.store(
            actor=actor, groups=groups, battery=parsed.battery, live=live, source="lorawan" if live else "http"
        )
    except PayloadError as exc:
        return problem(422, "Dữ liệu không hợp lệ / Invalid readings", str(exc))
    except ingest.Refused as exc:
        text = " ".join(exc.messages)
        status = 403 if "thu hồi" in text or "tổ chức" in text else 422
        return problem(status, "Không nhận số đo / Readings refused", text)
    return JsonResponse(
        {
            "received": result.received,
            "stored": result.stored,
            "duplicates": result.duplicates,
            "skewed": result.skewed,
            "excursions": result.excursions,
        }
    )


@router.post("/readings", summary="Store a batch of readings (JSON or CSV)", auth=None)
def readings(request: HttpRequest) -> HttpResponse:
    return _ingest(request, live=False)


@router.post("/lorawan/tts", summary="The Things Stack uplink webhook", auth=None)
def lorawan_tts(request: HttpRequest) -> HttpResponse:
    return _ingest(request, live=True)


@router.post("/lorawan/chirpstack", summary="ChirpStack uplink event (HTTP integration)", auth=None)
def lorawan_chirpstack(request: HttpRequest) -> HttpResponse:
    return _ingest(request, live=True)


class DeviceIn(Schema):
    identifier: str
    name: str
    kind: str
    quantities: list[str]
    dev_eui: str | None = None
    silent_after: int = 30


class DeviceOut(Schema):
    identifier: str
    name: str
    kind: str
    quantities: list[str]
    status: str
    topic: str
    last_seen_at: Any = None
    battery: float | None = None


class CreatedOut(DeviceOut):
    secret: str


def _out(device: Device, secret: str | None = None) -> dict[str, Any]:
    data = {
        "identifier": device.identifier,
        "name": device.name,
        "kind": device.kind,
        "quantities": device.quantities,
        "status": device.status,
        "topic": device.topic,
        "last_seen_at": device.last_seen_at,
        "battery": device.battery,
    }
    if secret is not None:
        data["secret"] = secret
    return data


def _device(request: HttpRequest, identifier: str) -> Device:
    device = Device.objects.filter(identifier=identifier, organization=caller(request).organization).first()
    if device is None:
        raise NotFound("Không có thiết bị này / no such device")
    return device


@router.get("/devices", auth=AUTH, response=list[DeviceOut], summary="The organisation's devices")
def devices(request: HttpRequest) -> list[dict[str, Any]]:
    return [_out(d) for d in Device.objects.filter(organization=caller(request).organization).order_by("name")]


@router.post("/devices", auth=AUTH, response={201: CreatedOut}, summary="Register a device (its secret shown once)")
def device_create(request: HttpRequest, payload: DeviceIn) -> tuple[int, dict[str, Any]]:
    c = caller(request)
    device, secret = services.register_device(actor=c.actor, organization=c.organization, data=payload.dict())
    return 201, _out(device, secret)


@router.post("/devices/{identifier}/rotate", auth=AUTH, response=CreatedOut, summary="New secret (shown once)")
def device_rotate(request: HttpRequest, identifier: str) -> dict[str, Any]:
    device = _device(request, identifier)
    secret = services.rotate_credential(actor=caller(request).actor, device=device)
    return _out(device, secret)


@router.post("/devices/{identifier}/revoke", auth=AUTH, response=DeviceOut, summary="Revoke a device")
def device_revoke(request: HttpRequest, identifier: str) -> dict[str, Any]:
    device = services.revoke_device(actor=caller(request).actor, device=_device(request, identifier))
    return _out(device)

"""`POST /api/v1/rfid/reads`: a registered reader (an `iot` device of kind `rfid_reader`, HTTP Basic with its
identifier and secret, as on MQTT) sends its reads in Impinj's, Zebra's or the plain JSON (`rfid.payloads`).
200 with what was collapsed and which events were captured; 401 for a reader not registered (or a wrong secret),
422 for a malformed message, EPC or header, or an antenna without read point: nothing is stored then."""

from __future__ import annotations

import base64
import json

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router

from accounts.permissions import SYSTEM
from core.problems import problem
from events.epcis.limits import MAX_DEPTH, scan
from iot import ingest
from rfid import services
from rfid.payloads import PayloadError, parse

router = Router(tags=["rfid"])


def _constant(name: str) -> float:
    raise ValueError(name)


def _unauthorized() -> HttpResponse:
    response = problem(
        401,
        "Chưa xác thực / Unauthorized",
        "Cần mã và khoá bí mật của đầu đọc đã đăng ký (HTTP Basic). / A registered reader's identifier and secret.",
    )
    response["WWW-Authenticate"] = 'Basic realm="truyxuat-rfid"'
    return response


@router.post("/reads", summary="Store an RFID reader's tag reads (Impinj, Zebra or plain JSON)", auth=None)
def reads(request: HttpRequest) -> HttpResponse:
    scheme, _sep, value = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() != "basic":
        return _unauthorized()
    try:
        identifier, _c, secret = base64.b64decode(value.strip()).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return _unauthorized()
    device = ingest.authenticate(identifier, secret)
    if device is None:
        return _unauthorized()
    try:
        deep, _suspect = scan(request.body)
        if deep:
            raise PayloadError(f"JSON lồng sâu quá {MAX_DEPTH} mức / JSON nested deeper than {MAX_DEPTH} levels")
        try:
            doc = json.loads(request.body, parse_constant=_constant)
        except (ValueError, UnicodeDecodeError):
            raise PayloadError("Nội dung không phải JSON hợp lệ / the body is not valid JSON") from None
        outcome = services.record_reads(actor=SYSTEM, device=device, reads=parse(doc))
    except PayloadError as exc:
        return problem(422, "Dữ liệu không hợp lệ / Invalid reads", str(exc))
    except ValidationError as exc:
        return problem(422, "Không nhận lần đọc / Reads refused", " ".join(exc.messages))
    return JsonResponse(
        {
            "reads": outcome.reads,
            "observations": outcome.observations,
            "collapsed": outcome.collapsed,
            "foreign": outcome.foreign,
            "events": outcome.events,
        }
    )

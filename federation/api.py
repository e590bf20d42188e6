"""Machine endpoints between nodes: identity, proofs, signed POSTs (notices, acknowledgements, cosignatures,
alarms), the hub's pull. POSTs must carry a valid RFC 9421 signature by a registered peer (`federation.signing`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from core.problems import problem
from events import selectors as event_selectors
from events.models import Event
from events.query import QueryError
from events.records import RECORD_TYPE
from federation import hub, identity, notices, selectors, services, signing
from federation.models import Peer
from ledger import selectors as ledger_selectors
from ledger.witness import CosignatureRejected

MAX_BODY = 4 * 1024 * 1024
MAX_EVENTS = 500


def _signed_peer(request: HttpRequest) -> Peer | HttpResponse:
    if len(request.body) > MAX_BODY:
        return problem(413, "Yêu cầu quá lớn / Request too large")
    try:
        keyid = signing.verify(
            request.method or "GET",
            request.build_absolute_uri(),
            dict(request.headers),
            request.body,
            selectors.public_keys(),
        )
    except signing.SignatureError as exc:
        return problem(401, "Chữ ký yêu cầu không hợp lệ / Invalid request signature", str(exc))
    peer = selectors.peer_by_keyid(keyid)
    if peer is None:  # pragma: no cover - public_keys() lists active peers only
        return problem(403, "Không phải tỉnh liên thông / Not a peer")
    return peer


def _json_post(request: HttpRequest, handle: Callable[[Peer, dict[str, Any]], Any]) -> HttpResponse:
    peer = _signed_peer(request)
    if isinstance(peer, HttpResponse):
        return peer
    try:
        payload = json.loads(request.body)
        if not isinstance(payload, dict):
            raise ValueError("not an object")
    except ValueError:
        return problem(400, "Nội dung không hợp lệ / Invalid body", "JSON object expected")
    try:
        handle(peer, payload)
    except ValidationError as exc:
        return problem(400, "Không chấp nhận / Not accepted", "; ".join(exc.messages))
    return JsonResponse({"ok": True})


@require_GET
def node_identity(request: HttpRequest) -> HttpResponse:
    """The node's identity, a note signed with its ledger key (`federation.identity`)."""
    response = HttpResponse(identity.signed_document(), content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "public, max-age=60"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _optional_peer(request: HttpRequest) -> Peer | HttpResponse | None:
    """The peer that signed this GET, None when it is not signed (the public's), a 401 when the signature fails."""
    if "signature" not in request.headers and "signature-input" not in request.headers:
        return None
    return _signed_peer(request)


@require_GET
def peer_events(request: HttpRequest) -> HttpResponse:
    """The SimpleEventQuery (``GET /epcis/events``' parameters) for a peer node, signed: the public events, and the
    shipments to the peer's organisations not yet published when this node shares them with it
    (`selectors.peer_visibility`). The cross-node trace asks here for an officer of the peer's province."""
    peer = _signed_peer(request)
    if isinstance(peer, HttpResponse):
        return peer
    try:
        result = event_selectors.query_visible(request.GET, selectors.peer_visibility(peer))
    except QueryError as exc:
        return problem(400, "Truy vấn không hợp lệ / Invalid query", f"{exc.parameter}: {exc.message}")
    document = event_selectors.query_document(result.events)
    return JsonResponse(document, content_type="application/ld+json", json_dumps_params={"ensure_ascii": False})


@require_GET
def proofs(request: HttpRequest) -> HttpResponse:
    """A proof bundle (``ledger.bundle``) of the events named by ``eventID`` (repeated), at most 500: the public
    ones, and for a signed request by a peer those `peer_events` shows it."""
    peer = _optional_peer(request)
    if isinstance(peer, HttpResponse):
        return peer
    ids = request.GET.getlist("eventID")[:MAX_EVENTS]
    seen = Event.objects.filter(selectors.peer_visibility(peer).event_filter())
    pks = [str(pk) for pk in seen.filter(event_id__in=ids).values_list("pk", flat=True)]
    data = ledger_selectors.proof_bundle([(RECORD_TYPE, pk) for pk in pks], subject={"eventIDs": ids})
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@csrf_exempt
@require_POST
def recall_notice(request: HttpRequest) -> HttpResponse:
    return _json_post(request, lambda peer, payload: notices.receive_notice(peer=peer, payload=payload))


@csrf_exempt
@require_POST
def recall_ack(request: HttpRequest) -> HttpResponse:
    return _json_post(request, lambda peer, payload: notices.receive_ack(peer=peer, payload=payload))


@csrf_exempt
@require_POST
def alarm(request: HttpRequest) -> HttpResponse:
    return _json_post(request, lambda peer, payload: services.receive_alarm(peer=peer, payload=payload))


@csrf_exempt
@require_POST
def add_cosignature(request: HttpRequest) -> HttpResponse:
    """A peer's cosignature/v1 over our checkpoint (the ledger's own endpoint takes configured witnesses only)."""
    peer = _signed_peer(request)
    if isinstance(peer, HttpResponse):
        return peer
    try:
        stored = services.accept_cosignature(peer=peer, body=request.body.decode("utf-8"))
    except UnicodeDecodeError:
        return problem(400, "Nội dung không hợp lệ / Invalid body", "not UTF-8")
    except CosignatureRejected as exc:
        return problem(exc.status, "Chữ ký đồng chứng bị từ chối / Cosignature refused", str(exc))
    return HttpResponse("".join(c.line for c in stored), content_type="text/plain; charset=utf-8")


@require_GET
def witnesses(request: HttpRequest) -> HttpResponse:
    """The peers whose cosignatures vouch for this node's checkpoints: each one's name, origin, province, hub or not
    and cosignature/v1 key, for the in-browser verifier (``ledger/static/ledger/verify.js``: vouchingProvinces),
    which checks each cosignature itself. Public, as the checkpoint it is read with."""
    data = {"origin": identity.checkpoints.origin(), "witnesses": selectors.witness_list()}
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "public, max-age=60"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def published(request: HttpRequest) -> HttpResponse:
    """Published lots and counts, for the hub (public data: no signature needed)."""
    return JsonResponse(hub.published(), json_dumps_params={"ensure_ascii": False})

"""The EPCIS 2.0 REST binding under /epcis/: capture (documents and single events), capture jobs, queries.

Machine clients authenticate with `Authorization: Bearer <API token>` (no CSRF: no cookies are used);
people with their session, and then CSRF is enforced on every write.
"""

from __future__ import annotations

import base64
import re
import uuid
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt

from accounts import permissions
from accounts.permissions import Actor, TokenActor
from catalog.models import Organization
from core.errors import Forbidden
from core.problems import problem
from events import epc_format, selectors
from events.answers import XML_MEDIA, negotiate, not_acceptable, xml_answer
from events.auth import bearer_token, capture_error, scope_error, token_actor
from events.epcis import CONTEXT_URL, EpcisError, parse_document, parse_event
from events.models import KEY_MAX, Capture
from events.query import QueryError
from events.services import CaptureTooLarge, capture_document, capture_events, record_failure
from events.services.authority import CaptureForbidden
from events.services.capture import AfterCapture
from events.services.corrections import EventIdTaken
from events.services.originals import capture_with_original, original_for

JSON_TYPES = ("application/json", "application/ld+json")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
XML_TYPES = ("application/xml", "text/xml")
EPCIS_HEADERS = {"GS1-EPCIS-Version": "2.0.0", "GS1-CBV-Version": "2.0.0"}


def _headers(response: HttpResponse) -> HttpResponse:
    for name, value in EPCIS_HEADERS.items():
        response[name] = value
    response["GS1-EPCIS-Capture-Limit"] = str(settings.TRUYXUAT_CAPTURE_MAX_EVENTS)
    response["GS1-EPCIS-Capture-File-Size-Limit"] = str(settings.TRUYXUAT_CAPTURE_MAX_BYTES)
    return response


def _unauthorized() -> HttpResponse:
    return problem(
        401, "Chưa xác thực / Unauthorized", "Cần khoá API hoặc đăng nhập. / An API token or a session is required."
    )


def _csrf_failed(request: HttpRequest) -> HttpResponse | None:
    """Session writes must carry the CSRF token (token clients send no cookies and are exempt)."""

    def _ok(_request: HttpRequest) -> HttpResponse:
        return HttpResponse()

    return CsrfViewMiddleware(_ok).process_view(request, _ok, (), {})


def _writer(request: HttpRequest) -> tuple[Any, Any, HttpResponse | None]:
    """(actor, organization, error response) for a capture request."""
    if bearer_token(request) is not None:
        actor = token_actor(request)
        if actor is None:
            return None, None, _unauthorized()
        return actor, actor.organization, capture_error(actor, actor.organization)
    user = request.user
    if not permissions.is_authenticated(user):
        return None, None, _unauthorized()
    failed = _csrf_failed(request)
    if failed is not None:
        return (
            None,
            None,
            problem(
                403,
                "Thiếu mã CSRF / CSRF check failed",
                "Gửi kèm mã CSRF khi dùng phiên đăng nhập. / Send the CSRF token with session requests.",
            ),
        )
    tax_code = request.GET.get("organization")
    orgs = Organization.objects.filter(memberships__user_id=user.pk or 0)
    if tax_code:
        org = Organization.objects.filter(tax_code=tax_code).first()
    else:
        candidates = list(orgs[:2])
        org = candidates[0] if len(candidates) == 1 else None
        if org is None and not permissions.is_platform_admin(user):
            return (
                None,
                None,
                problem(
                    400,
                    "Thiếu tổ chức / Organisation required",
                    "Chọn tổ chức bằng ?organization=<MST>. / Name the organisation with ?organization=<tax code>.",
                ),
            )
    if org is not None and permissions.is_member(user, org):
        return user, org, capture_error(user, org)
    return user, org, None


def _read_body(request: HttpRequest) -> tuple[bytes | None, HttpResponse | None]:
    limit = settings.TRUYXUAT_CAPTURE_MAX_BYTES
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit:
        return None, _too_large(f"{length} bytes; the limit is {limit} bytes per document")
    body = request.read(limit + 1)
    if len(body) > limit:
        return None, _too_large(f"more than {limit} bytes; the limit is {limit} bytes per document")
    return body, None


def _too_large(detail: str) -> HttpResponse:
    return problem(
        413, "Tài liệu quá lớn / Payload too large", detail, type_="epcisException:CaptureLimitExceededException"
    )


def _media(request: HttpRequest) -> str:
    return (request.content_type or "").lower()


def _refused(exc: CaptureForbidden, capture: Capture | None = None) -> HttpResponse:
    """403: events name objects outside the organisation's chain (`events.services.authority`); nothing stored."""
    response = problem(
        403,
        "Sự kiện nêu hàng ngoài chuỗi của tổ chức bạn, không sự kiện nào được lưu / "
        "Events name goods outside your organisation's chain, nothing was stored",
        "; ".join(f"event {p.event_index}: {p.pointer}: {p.message}" for p in exc.problems[:20]),
        type_="epcisException:SecurityException",
        errors=[p.as_dict() for p in exc.problems],
        **({"captureID": str(capture.capture_id)} if capture is not None else {}),
    )
    if capture is not None:
        response["Location"] = f"/epcis/capture/{capture.capture_id}"
    return response


def _invalid(exc: EpcisError, capture: Capture | None = None) -> HttpResponse:
    errors = [p.as_dict() for p in exc.problems]
    detail = "; ".join(
        (f"event {p.event_index}: " if p.event_index is not None else "") + f"{p.pointer or '/'}: {p.message}"
        for p in exc.problems[:20]
    )
    extra: dict[str, Any] = {"errors": errors}
    if capture is not None:
        extra["captureID"] = str(capture.capture_id)
    response = problem(
        400,
        "Tài liệu EPCIS không hợp lệ, không sự kiện nào được lưu / Invalid EPCIS input, nothing was stored",
        detail,
        type_="epcisException:ValidationException",
        **extra,
    )
    if capture is not None:
        response["Location"] = f"/epcis/capture/{capture.capture_id}"
    return response


@csrf_exempt
def capture(request: HttpRequest, after: Sequence[AfterCapture] = ()) -> HttpResponse:
    """POST an EPCIS document (JSON/JSON-LD or XML) → 202 + Location of the capture job; GET lists jobs.

    `after`: the steps the URL map adds to every capture (`events.urls.patterns`, `AfterCapture`)."""
    if request.method == "GET":
        return _jobs(request)
    if request.method == "OPTIONS":
        options = _headers(HttpResponse(status=204))
        options["GS1-Capture-Error-Behaviour"] = "all"  # both rollback and proceed are offered
        return options
    if request.method != "POST":
        return problem(405, "Phương thức không được hỗ trợ / Method not allowed")
    actor, organization, error = _writer(request)
    if error is not None:
        return error
    behaviour, error = _error_behaviour(request)
    if error is not None:
        return error
    body, error = _read_body(request)
    if error is not None or body is None:
        return error or _too_large("")
    media = _sniffed(_media(request), body)
    if media not in JSON_TYPES + XML_TYPES:
        return _unsupported("application/ld+json, application/json or application/xml")
    if behaviour == "proceed":
        return _capture_proceed(request, actor, organization, body, media, after)
    try:
        document = parse_document(body, media, validate=False)
    except EpcisError as exc:
        problems = [p.as_dict() for p in exc.problems]
        return _invalid(exc, record_failure(organization=_failure_org(actor, organization), problems=problems))
    if document.kind != "EPCISDocument":
        return problem(400, "Cần một EPCISDocument / An EPCISDocument is required", f"got {document.kind}")
    if len(document.events) > settings.TRUYXUAT_CAPTURE_MAX_EVENTS:
        return _too_large(
            f"{len(document.events)} events; the limit is {settings.TRUYXUAT_CAPTURE_MAX_EVENTS} per document"
        )
    if not _can(actor, organization):
        return problem(403, "Không có quyền / Forbidden", str(Forbidden()))
    try:  # validated while it is prepared (a large document partly in a helper process)
        if media in XML_TYPES:  # the XML as sent kept beside the job, in the same transaction (issue 19 item 4)
            result = capture_with_original(
                actor=actor, organization=organization, document=document, original=body, media_type=media, after=after
            )
        else:
            result = capture_document(
                actor=actor, organization=organization, document=document, source="api", validate=True, after=after
            )
    except EpcisError as exc:
        return _invalid(
            exc,
            record_failure(
                organization=_failure_org(actor, organization),
                problems=[p.as_dict() for p in exc.problems],
                event_count=len(document.events),
            ),
        )
    except CaptureForbidden as exc:
        return _refused(exc, record_failure(organization=organization, problems=_security(exc)))
    except CaptureTooLarge as exc:
        return _too_large(exc.message)
    response = JsonResponse(_job(result.capture, result.duplicates, result.declared), status=202)
    response["Location"] = f"/epcis/capture/{result.capture_id}"
    return _headers(response)


def _security(exc: CaptureForbidden) -> list[dict[str, Any]]:
    """The refused events' problems as the capture job keeps them, each with its exception type."""
    return [{**p.as_dict(), "type": "epcisException:SecurityException"} for p in exc.problems]


def _unsupported(expected: str) -> HttpResponse:
    return problem(
        415,
        "Kiểu nội dung không được hỗ trợ / Unsupported media type",
        expected,
        type_="epcisException:UnsupportedMediaTypeException",
    )


def _sniffed(media: str, body: bytes) -> str:
    """The media type of a body sent without a type of its own (no Content-Type, or text/plain, which HTTP
    clients such as fetch give a string body by default): JSON(-LD) when it starts as a JSON object does (the
    EPCIS 2.0 JSON binding's only form), XML when it starts with '<'; otherwise the type sent."""
    if media and media != "text/plain":
        return media
    start = body.lstrip()[:1]
    return "application/json" if start == b"{" else "application/xml" if start == b"<" else media


def _error_behaviour(request: HttpRequest) -> tuple[str, HttpResponse | None]:
    """GS1-Capture-Error-Behaviour: rollback (the default: all or nothing) or proceed (the valid events stored)."""
    value = request.headers.get("GS1-Capture-Error-Behaviour", "rollback").strip().lower() or "rollback"
    if value in ("rollback", "proceed"):
        return value, None
    return value, problem(
        400,
        "Giá trị GS1-Capture-Error-Behaviour không hợp lệ / Invalid GS1-Capture-Error-Behaviour",
        f"{value[:40]!r}: dùng rollback hoặc proceed / use rollback or proceed",
        type_="epcisException:ValidationException",
    )


def _capture_proceed(
    request: HttpRequest, actor: Actor, organization: Any, body: bytes, media: str, after: Sequence[AfterCapture] = ()
) -> HttpResponse:
    """Greedy capture: the valid events stored, the others reported on the job (202); nothing storable: 400."""
    from events.services.proceed import capture_proceed, job_errors

    try:
        document = parse_document(body, media, validate=False)
        if document.kind != "EPCISDocument":
            return problem(400, "Cần một EPCISDocument / An EPCISDocument is required", f"got {document.kind}")
        if len(document.events) > settings.TRUYXUAT_CAPTURE_MAX_EVENTS:
            return _too_large(
                f"{len(document.events)} events; the limit is {settings.TRUYXUAT_CAPTURE_MAX_EVENTS} per document"
            )
        if not _can(actor, organization):
            return problem(403, "Không có quyền / Forbidden", str(Forbidden()))
        result, refused = capture_proceed(
            actor=actor, organization=organization, document=document, source="api", after=after
        )
    except EpcisError as exc:  # a problem of the document itself: refused whole
        failed = record_failure(
            organization=_failure_org(actor, organization), problems=[p.as_dict() for p in exc.problems]
        )
        return _invalid(exc, failed)
    except CaptureForbidden as exc:
        return _refused(exc, record_failure(organization=organization, problems=_security(exc)))
    except CaptureTooLarge as exc:
        return _too_large(exc.message)
    if result is None:  # every event refused: nothing stored
        failed = record_failure(
            organization=_failure_org(actor, organization),
            problems=job_errors(refused, document.events),
            event_count=len(document.events),
            error_behaviour="proceed",
        )
        return _invalid(EpcisError(refused), failed)
    response = JsonResponse(_job(result.capture, result.duplicates, result.declared), status=202)
    response["Location"] = f"/epcis/capture/{result.capture_id}"
    return _headers(response)


def _can(actor: Actor, organization: Any) -> bool:
    from events.auth import can_capture

    return can_capture(actor, organization)


def _failure_org(actor: Actor, organization: Any) -> Any:
    """The organisation a refused capture job is filed under: the one named, only when the caller may capture for
    it; otherwise the caller's own (a token's, or a session user's only membership), or none."""
    if organization is not None and _can(actor, organization):
        return organization
    own = getattr(actor, "organization", None)  # a token's organisation
    if own is not None:
        return own
    memberships = list(Organization.objects.filter(memberships__user_id=getattr(actor, "pk", None) or 0)[:2])
    return memberships[0] if len(memberships) == 1 else None


VALIDATION = "epcisException:ValidationException"
_JOB_ERRORS = {  # a refused event's exception type: (status, title)
    VALIDATION: (400, "Sự kiện không hợp lệ / Invalid event"),
    "epcisException:SecurityException": (
        403,
        "Sự kiện nêu hàng ngoài chuỗi của tổ chức / The event names goods outside the organisation's chain",
    ),
    "epcisException:ResourceAlreadyExistsException": (
        409,
        "Mã sự kiện đã dùng cho sự kiện khác / The eventID names another event",
    ),
}
_EVENT_FIELD = re.compile(r"^/epcisBody/eventList/\d+/?")


def job_error(error: dict[str, Any]) -> dict[str, Any]:
    """One error of a capture job as the REST binding's `CaptureJob.errors` has it: an RFC 7807 problem (`type`,
    `title`, `status`, `detail`) naming the event (`event_index`, its place in the document's eventList) and the
    field (`pointer` into the document, `field` the path inside the event, and the event's `eventID` where it has
    one), with the reason (`message`)."""
    type_ = str(error.get("type") or VALIDATION)
    status, title = _JOB_ERRORS.get(type_, _JOB_ERRORS[VALIDATION])
    index = error.get("event_index")
    pointer = str(error.get("pointer") or "")
    message = str(error.get("message") or "")
    where = f"event {index}: " if isinstance(index, int) else ""
    out: dict[str, Any] = {
        "type": type_,
        "title": title,
        "status": status,
        "detail": f"{where}{pointer or '/'}: {message}",
        "event_index": index if isinstance(index, int) else None,
        "pointer": pointer,
        "message": message,
    }
    field = _EVENT_FIELD.sub("", pointer, count=1) if isinstance(index, int) and _EVENT_FIELD.match(pointer) else ""
    if field:
        out["field"] = field
    if isinstance(error.get("eventID"), str):
        out["eventID"] = error["eventID"]
    return out


def _job(
    job: Capture, duplicates: list[dict[str, Any]] | None = None, declared: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "captureID": str(job.capture_id),
        "createdAt": job.created_at.isoformat(),
        "finishedAt": job.finished_at.isoformat() if job.finished_at else None,
        "running": job.status == "running",
        "success": job.status == "success",
        "captureErrorBehaviour": job.error_behaviour,
        "errors": [job_error(e) for e in job.errors or []],
        "eventCount": job.event_count,
        "storedCount": job.stored_count,
        "duplicateCount": job.duplicate_count,
    }
    if duplicates:
        out["duplicates"] = duplicates
    if declared:  # stored events this capture declared in error (counted in storedCount)
        out["errorDeclarations"] = declared
    return out


def _job_reader(request: HttpRequest) -> tuple[set[int] | None, HttpResponse | None]:
    """Organisations whose capture jobs the caller sees (None: all)."""
    actor = token_actor(request) if bearer_token(request) else request.user
    if actor is None or not permissions.is_authenticated(actor):
        return None, _unauthorized()
    denied = scope_error(actor, "capture", "read")  # a capture client follows its own capture jobs
    if denied is not None:
        return None, denied
    if permissions.is_platform_admin(actor):
        return None, None
    from events.auth import member_organization_ids

    return member_organization_ids(actor), None


def _jobs(request: HttpRequest) -> HttpResponse:
    orgs, error = _job_reader(request)
    if error is not None:
        return error
    jobs = Capture.objects.all() if orgs is None else Capture.objects.filter(organization_id__in=orgs)
    return _headers(JsonResponse({"captureJobs": [_job(j) for j in jobs.order_by("-id")[:100]]}))


def capture_job(request: HttpRequest, capture_id: str) -> HttpResponse:
    """GET the state of a capture job: running / success / failed with its errors."""
    orgs, error = _job_reader(request)
    if error is not None:
        return error
    try:
        job = Capture.objects.filter(capture_id=uuid.UUID(capture_id)).first()
    except ValueError:  # not a UUID: no such job
        job = None
    if job is None or (orgs is not None and job.organization_id not in orgs):
        return problem(404, "Không tìm thấy / Not found", f"capture job {capture_id[:100]}")
    return _headers(JsonResponse(_job(job)))


def capture_original(request: HttpRequest, capture_id: str) -> HttpResponse:
    """GET the document of a capture job exactly as it was sent (kept for XML documents: 2.0, or 1.x mapped to
    2.0), with its media type; 404 where none was kept or the job is not the caller's to see."""
    orgs, error = _job_reader(request)
    if error is not None:
        return error
    try:
        job = Capture.objects.filter(capture_id=uuid.UUID(capture_id)).first()
    except ValueError:
        job = None
    kept = original_for(job) if job is not None and (orgs is None or job.organization_id in orgs) else None
    if job is None or kept is None:
        return problem(404, "Không tìm thấy / Not found", f"original document of capture job {capture_id[:100]}")
    response = HttpResponse(bytes(kept.body), content_type=f"{kept.media_type}; charset=utf-8")
    response["Digest"] = f"sha-256={base64.b64encode(bytes.fromhex(kept.sha256)).decode()}"
    response["Content-Disposition"] = f'attachment; filename="{job.capture_id}.xml"'
    return _headers(response)


@csrf_exempt
def events(request: HttpRequest, after: Sequence[AfterCapture] = ()) -> HttpResponse:
    """GET: the SimpleEventQuery as an EPCISQueryDocument; POST: capture one event → 201 + Location (with the URL
    map's `after` steps, as `capture`)."""
    if request.method == "POST":
        return _capture_one(request, after)
    if request.method == "OPTIONS":
        return _headers(HttpResponse(status=204))
    if request.method != "GET":
        return problem(405, "Phương thức không được hỗ trợ / Method not allowed")
    viewer = token_actor(request) if bearer_token(request) else request.user
    if viewer is None:
        return _unauthorized()
    denied = scope_error(viewer, "read")
    if denied is not None:
        return denied
    answer = negotiate(request)  # JSON-LD, or XML on Accept: application/xml (issue 19 item 4)
    if answer is None:
        return _headers(not_acceptable())
    try:
        fmt = epc_format.requested(request.headers.get(epc_format.HEADER))
        result = selectors.query(request.GET, viewer)
    except epc_format.UnknownFormat as exc:
        return _bad_format(exc)
    except QueryError as exc:
        return _query_problem(exc)
    document = _query_document(result.events, fmt)
    if answer in XML_MEDIA:
        response = xml_answer(_with_contexts(document, result.events), answer)
    else:
        response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
        response["Content-Type"] = "application/ld+json"
    response[epc_format.HEADER] = fmt
    if result.next_token:
        params = request.GET.copy()
        params["nextPageToken"] = result.next_token
        response["Link"] = f'<{request.path}?{params.urlencode()}>; rel="next"'
        response["GS1-Next-Page-Token"] = result.next_token
    return _headers(response)


def _with_contexts(document: dict[str, Any], rows: list[Any]) -> list[tuple[dict[str, Any], list[Any]]]:
    """The page's events (as the JSON answer has them) each with the @context it was captured under."""
    events = document["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    return [(event, row.capture.context or []) for event, row in zip(events, rows, strict=True)]


def _context(captures: list[Capture]) -> list[Any]:
    out: list[Any] = [CONTEXT_URL]
    for capture in captures:
        for entry in capture.context or []:
            if entry not in out:
                out.append(entry)
    return out


def _query_document(rows: list[Any], fmt: str = "Never_Translates") -> dict[str, Any]:
    """The page as an EPCISQueryDocument: each event with its own @context where the page's would change its
    meaning, its EPCs as `GS1-EPC-Format` asks (`events.selectors.query_document`)."""
    return selectors.query_document(rows, fmt)


def event_detail(request: HttpRequest, event_id: str) -> HttpResponse:
    """GET one event by its eventID (URL-encoded), with the @context it was captured under."""
    viewer = token_actor(request) if bearer_token(request) else request.user
    if viewer is None:
        return _unauthorized()
    denied = scope_error(viewer, "read")
    if denied is not None:
        return denied
    answer = negotiate(request)
    if answer is None:
        return _headers(not_acceptable())
    try:
        fmt = epc_format.requested(request.headers.get(epc_format.HEADER))
    except epc_format.UnknownFormat as exc:
        return _bad_format(exc)
    valid = len(event_id) <= KEY_MAX and not _CONTROL.search(event_id)  # never sent to the database otherwise
    event = selectors.get_event(event_id, viewer) if valid else None
    if event is None:
        return problem(
            404, "Không tìm thấy / Not found", f"event {event_id[:200]}", type_="epcisException:NoSuchResourceException"
        )
    body = epc_format.apply(selectors.event_json(event), fmt)
    if answer in XML_MEDIA:  # an EPCISQueryDocument holding the one event
        xml = xml_answer([(body, event.capture.context or [])], answer)
        xml[epc_format.HEADER] = fmt
        return _headers(xml)
    if "@context" not in body:
        body = {"@context": _context([event.capture]), **body}
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/ld+json"
    response[epc_format.HEADER] = fmt
    return _headers(response)


def _query_problem(exc: QueryError) -> HttpResponse:
    """400 QueryParameterException naming the parameter, or 413 QueryTooLargeException (maxEventCount)."""
    title = (
        "Kết quả truy vấn quá lớn / Query result too large"
        if exc.status == 413
        else "Tham số truy vấn không hợp lệ / Invalid query parameter"
    )
    return problem(exc.status, title, exc.message, type_=exc.exception, parameter=exc.parameter)


def _bad_format(exc: Exception) -> HttpResponse:
    """400: a GS1-EPC-Format the binding does not define."""
    return problem(
        400,
        "Giá trị GS1-EPC-Format không hợp lệ / Invalid GS1-EPC-Format",
        f"{str(exc)[:60]!r}: dùng / use {', '.join(epc_format.FORMATS)}",
        type_="epcisException:QueryParameterException",
        parameter=epc_format.HEADER,
    )


def _capture_one(request: HttpRequest, after: Sequence[AfterCapture] = ()) -> HttpResponse:
    actor, organization, error = _writer(request)
    if error is not None:
        return error
    body, error = _read_body(request)
    if error is not None or body is None:
        return error or _too_large("")
    media = _sniffed(_media(request), body)
    if media not in JSON_TYPES:
        return _unsupported("application/ld+json or application/json")
    try:
        document = parse_event(body, media)
    except EpcisError as exc:
        return _invalid(exc)
    event = document.events[0]
    try:
        result = capture_events(
            actor=actor,
            organization=organization,
            events=[event],
            context=document.context,
            source="api-event",
            validate=False,
            after=after,
        )
    except CaptureForbidden as exc:
        return _refused(exc)
    except Forbidden as exc:
        return problem(403, "Không có quyền / Forbidden", str(exc))
    except EventIdTaken as exc:  # another event under a taken eventID: a conflict, never a silent duplicate
        response = problem(
            409,
            "Mã sự kiện đã dùng cho sự kiện khác / The eventID names another event",
            exc.problems[0].message,
            type_="epcisException:ResourceAlreadyExistsException",
            errors=[p.as_dict() for p in exc.problems],
        )
        response["Location"] = f"/epcis/events/{quote(str(event.get('eventID', '')), safe='')}"
        return response
    except EpcisError as exc:
        return _invalid(exc)
    if result.declared and not result.stored:  # an error declaration of the stored event
        declared = HttpResponse(status=201)
        declared["Location"] = f"/epcis/events/{quote(result.declared[0]['eventID'], safe='')}"
        return _headers(declared)
    if result.duplicates:
        existing = result.duplicates[0]["existing"]
        response = problem(
            409,
            "Sự kiện đã được ghi nhận trước đó, không lưu thêm / Event already captured, nothing new stored",
            f"{result.duplicates[0]['reason']} matches {existing}",
            type_="epcisException:ResourceAlreadyExistsException",
            eventID=existing,
        )
        response["Location"] = f"/epcis/events/{quote(existing, safe='')}"
        return response
    created = HttpResponse(status=201)
    created["Location"] = f"/epcis/events/{quote(result.stored[0], safe='')}"
    return _headers(created)


__all__ = ["TokenActor", "capture", "capture_job", "capture_original", "event_detail", "events"]

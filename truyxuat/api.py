"""The REST API (django-ninja): OpenAPI at /api/openapi.json, docs at /api/docs."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from accounts.services import MissingScope
from catalog.api import router as catalog_router
from core.errors import NotFound
from core.problems import problem, validation_problem
from events.api import router as events_router
from events.auth import scope_problem
from exchange.api import router as exchange_router
from iot.ui.api import router as iot_router
from ledger.api import router as ledger_router
from oversight.api import router as oversight_router
from portal.proofs import router as proofs_router
from rfid.ui.api import router as rfid_router
from stamps.api import router as stamps_router
from truyxuat import openapi
from truyxuat.parser import BodyError, LimitedParser
from workspace.api import router as workspace_router


class TruyxuatAPI(NinjaAPI):
    """django-ninja's API whose OpenAPI document also describes the trace's answer and the EPCIS REST binding
    (truyxuat/openapi.py)."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        openapi.complete(schema)
        return schema


api = TruyxuatAPI(
    title="truyxuat API",
    version="1",
    description="Truy xuất nguồn gốc — public and partner API of the provincial traceability portal.",
    urls_namespace="api",
    parser=LimitedParser(),
)
api.add_router("/v1/", catalog_router)
api.add_router("/v1/", events_router)
api.add_router("/v1/", exchange_router)
api.add_router("/v1/", ledger_router)
api.add_router("/v1/", proofs_router)
api.add_router("/v1/", oversight_router)
api.add_router("/v1/", stamps_router)
api.add_router("/v1/workspace/", workspace_router)
api.add_router("/v1/iot/", iot_router)
api.add_router("/v1/rfid/", rfid_router)


@api.exception_handler(ValidationError)
def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return validation_problem(request, exc)


@api.exception_handler(NinjaValidationError)
def _ninja_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {"field": ".".join(str(p) for p in e.get("loc", [])[1:]) or "__all__", "message": e.get("msg", "")}
        for e in exc.errors
    ]
    return problem(
        422,
        "Dữ liệu không hợp lệ / Invalid data",
        "; ".join(f"{e['field']}: {e['message']}" for e in errors),
        errors=errors,
    )


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem(403, "Không có quyền / Forbidden", str(exc))


@api.exception_handler(MissingScope)
def _missing_scope(request: HttpRequest, exc: MissingScope) -> HttpResponse:
    return scope_problem(exc)


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem(
        401, "Chưa xác thực / Unauthorized", "Cần khoá API hoặc đăng nhập. / An API token or a session is required."
    )


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def _out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A value beyond what the database holds (an id or offset past 64 bits, a text longer than its column): the
    client's error, not ours."""
    return problem(
        400,
        "Giá trị vượt giới hạn / Value out of range",
        "Một giá trị trong yêu cầu vượt giới hạn cho phép (số quá lớn hoặc chuỗi quá dài). / "
        "A value in the request is out of the allowed range (a number too large or a text too long).",
    )


@api.exception_handler(NotFound)
def _not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    return problem(404, "Không tìm thấy / Not found", str(exc))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, BodyError | UnicodeDecodeError | ValueError) and exc.status_code == 400:
        return problem(400, "Nội dung yêu cầu không hợp lệ / Invalid request body", str(exc.__cause__)[:500])
    return problem(exc.status_code, str(exc))

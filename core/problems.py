"""RFC 7807 problem details responses, in Vietnamese and English."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from ninja import Field, Schema

PROBLEM_CONTENT_TYPE = "application/problem+json"


class Problem(Schema):
    """The body of every error answer of the API, as OpenAPI describes it (`application/problem+json`)."""

    type: str = Field(description="about:blank, or an EPCIS exception such as epcisException:QueryParameterException")
    title: str
    status: int
    detail: str | None = None
    errors: list[dict[str, Any]] | None = Field(None, description="One entry per field or event refused")


def problem(status: int, title: str, detail: str = "", *, type_: str = "about:blank", **extra: Any) -> JsonResponse:
    body: dict[str, Any] = {"type": type_, "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    return JsonResponse(
        body, status=status, content_type=PROBLEM_CONTENT_TYPE, json_dumps_params={"ensure_ascii": False}
    )


def validation_errors(exc: ValidationError) -> list[dict[str, str]]:
    """Flatten a ValidationError into [{"field", "message"}]."""
    if hasattr(exc, "error_dict"):
        return [{"field": f, "message": m} for f, messages in exc.message_dict.items() for m in messages]
    return [{"field": "__all__", "message": m} for m in exc.messages]


def validation_problem(request: HttpRequest, exc: ValidationError) -> JsonResponse:
    errors = validation_errors(exc)
    return problem(
        422,
        "Dữ liệu không hợp lệ / Invalid data",
        "; ".join(f"{e['field']}: {e['message']}" for e in errors),
        errors=errors,
    )

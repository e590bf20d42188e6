"""What the OpenAPI document of /api/openapi.json says beyond django-ninja's own operations (issue 19, item 8).

* `GET /api/v1/trace` answers a `TraceOut` (events/api.py declares no response model; the events app is another
  helper's, so the schema is described here and a test checks real answers against it).
* The EPCIS 2.0 REST binding under `/epcis/` is plain Django views (events/urls.py). Its operations are described by
  hand-written path items in `truyxuat/openapi_epcis.py`, with the names GS1's REST binding gives its schemas and
  parameters, not by merging GS1's `REST-Bindings/openapi.json`: GS1's document describes endpoints (subscriptions
  over WebSocket, …) in their shape, not ours. `truyxuat/tests/test_openapi_exact.py` fails when a route of
  events/urls.py is not described, and checks real answers of every operation against the document.
* Every error answer is an RFC 7807 problem (`core.problems.Problem`), described as `application/problem+json`.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from core.problems import Problem
from truyxuat.openapi_epcis import EPCIS_PATHS, EPCIS_SCHEMAS

__all__ = ["EPCIS_PATHS", "TraceOut", "complete"]


class OpenDataFieldOut(BaseModel):
    name: str
    type: str = Field(description="The Frictionless Table Schema field type")
    description: str


class OpenDatasetOut(BaseModel):
    name: str = Field(description="The dataset's name in /api/v1/open-data/{dataset}")
    title: str
    fields: list[OpenDataFieldOut]


class TraceLotOut(BaseModel):
    key: str = Field(description="The canonical key: a GS1 Digital Link on id.gs1.org, or an EPC URN")
    kind: str = Field(description="lgtin (a lot), sgtin (an item), sscc, …")
    gtin: str | None
    lot: str | None
    serial: str | None
    epc: str
    digital_link: str = Field(description="The key's page on this portal")
    depth: int = Field(description="< 0 upstream, 0 the lot asked for, > 0 downstream")


class TraceEdgeOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    from_: str = Field(alias="from", description="The input lot (its epc)")
    to: str
    kind: str = Field(description="transformation, aggregation or shipment")
    event_id: str | None


class TraceShipmentOut(BaseModel):
    epc: str
    source: str | None = Field(description="The sending party (a GLN key)")
    destination: str | None
    ship_event_id: str | None
    receive_event_id: str | None


class TraceOut(BaseModel):
    root: TraceLotOut = Field(description="The lot asked for (depth 0)")
    lots: list[TraceLotOut]
    edges: list[TraceEdgeOut]
    shipments: list[TraceShipmentOut]
    events: list[dict[str, Any]] = Field(description="The chain's EPCIS 2.0 events (JSON-LD), by eventTime")
    event_count: int
    events_truncated: bool


def _schemas(*models: type[BaseModel]) -> dict[str, Any]:
    """JSON schemas of the models and of the models they use, keyed by name for `components/schemas`."""
    out: dict[str, Any] = {}
    for model in models:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}", by_alias=True)
        out.update(schema.pop("$defs", {}))
        out[model.__name__] = schema
    return out


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _problems(*statuses: int) -> dict[str, Any]:
    reasons = {
        400: "Invalid request",
        401: "No token or session",
        403: "Not allowed",
        404: "No such resource",
        406: "Not acceptable",
        409: "Conflict",
        413: "Too large",
        415: "Unsupported media type",
    }
    return {
        str(s): {"description": reasons[s], "content": {"application/problem+json": {"schema": _ref("Problem")}}}
        for s in statuses
    }


def complete(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the trace's response schema, the EPCIS operations and the shared schemas to ninja's document."""
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas.update(_schemas(Problem, TraceOut, OpenDatasetOut))
    schemas.update(EPCIS_SCHEMAS)
    components.setdefault("securitySchemes", {}).update(
        {
            "BearerToken": {"type": "http", "scheme": "bearer", "description": "An API token of the workspace"},
            "SessionCookie": {"type": "apiKey", "in": "cookie", "name": "sessionid"},
        }
    )
    for path, item in schema["paths"].items():
        if path.endswith("/v1/trace") and "get" in item:
            item["get"]["responses"] = {
                "200": {"description": "OK", "content": {"application/json": {"schema": _ref("TraceOut")}}},
                **_problems(400, 401, 403, 404),
            }
        ok = item.get("get", {}).get("responses", {}).get(200, {})  # (ninja's status keys are integers here)
        if path.endswith("/v1/open-data") and ok and not ok.get("content"):  # exchange/api.py declares no model
            ok["content"] = {"application/json": {"schema": {"type": "array", "items": _ref("OpenDatasetOut")}}}
    schema["paths"].update(EPCIS_PATHS)
    for item in schema["paths"].values():
        for operation in item.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if int(status) >= 400 and "application/json" in content:
                    content["application/problem+json"] = content.pop("application/json")
    return schema

"""What the OpenAPI document of /api/openapi.json says beyond django-ninja's own operations (issue 19, item 8).

* `GET /api/v1/trace` answers a `TraceOut` (events/api.py declares no response model; the events app is another
  helper's, so the schema is described here and a test checks real answers against it).
* The EPCIS 2.0 REST binding under `/epcis/` is plain Django views (events/urls.py). Its operations are described by
  hand-written path items below, with the binding's own names (`captureID`, `eventID`, `GS1-EPC-Format`,
  `nextPageToken`, `perPage`, `GS1-Next-Page-Token`, the `epcisException:*` problem types), not by merging GS1's
  `REST Bindings/openapi.json`: that file is not on the machine's conformance shelf, and GS1's document describes
  endpoints (named queries, subscriptions over WebSocket, …) in their shape, not ours. `EPCIS_PATHS` lists what is
  described; `truyxuat/tests/test_openapi_exact.py` fails when a route of events/urls.py is neither described nor
  named in its `UNDESCRIBED` list.
* Every error answer is an RFC 7807 problem (`core.problems.Problem`), described as `application/problem+json`.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from core.problems import Problem

__all__ = ["EPCIS_PATHS", "TraceOut", "complete"]


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


_JSONLD = ("application/ld+json", "application/json")
_EPCIS_DOCUMENT = {
    "type": "object",
    "description": "An EPCISDocument (EPCIS 2.0 JSON-LD; its schema: GS1's EPCIS-JSON-Schema.json)",
    "required": ["@context", "type", "schemaVersion", "creationDate", "epcisBody"],
}
_EVENT = {
    "type": "object",
    "description": "One EPCIS 2.0 event (JSON-LD) with its @context",
    "required": ["type", "eventTime", "eventTimeZoneOffset"],
    "properties": {"eventID": {"type": "string"}, "type": {"type": "string"}, "eventTime": {"type": "string"}},
}
_CAPTURE_JOB = {
    "type": "object",
    "required": ["captureID", "createdAt", "running", "success", "errors", "eventCount", "storedCount"],
    "properties": {
        "captureID": {"type": "string"},
        "createdAt": {"type": "string", "format": "date-time"},
        "finishedAt": {"type": ["string", "null"], "format": "date-time"},
        "running": {"type": "boolean"},
        "success": {"type": "boolean"},
        "captureErrorBehaviour": {"type": "string", "enum": ["rollback", "proceed"]},
        "errors": {"type": "array"},
        "eventCount": {"type": "integer"},
        "storedCount": {"type": "integer"},
        "duplicateCount": {"type": "integer"},
        "duplicates": {"type": "array", "items": {"type": "object"}},
        "errorDeclarations": {"type": "array", "items": {"type": "object"}},
    },
}
_QUERY_DOCUMENT = {
    "type": "object",
    "description": "An EPCISQueryDocument whose resultsBody.eventList holds the page's events",
    "required": ["@context", "type", "schemaVersion", "creationDate", "epcisBody"],
    "properties": {
        "type": {"const": "EPCISQueryDocument"},
        "epcisBody": {
            "type": "object",
            "required": ["queryResults"],
            "properties": {
                "queryResults": {
                    "type": "object",
                    "required": ["resultsBody"],
                    "properties": {
                        "resultsBody": {
                            "type": "object",
                            "required": ["eventList"],
                            "properties": {"eventList": {"type": "array", "items": _ref("EpcisEvent")}},
                        }
                    },
                }
            },
        },
    },
}
_EPC_FORMAT = {
    "in": "header",
    "name": "GS1-EPC-Format",
    "required": False,
    "schema": {"type": "string", "enum": ["Never_Translates", "Always_GS1_Digital_Link", "Always_EPC_URN"]},
}
_TOKEN_SECURITY: list[dict[str, list[str]]] = [{"BearerToken": []}, {"SessionCookie": []}]


def _content(schema: dict[str, Any], media: tuple[str, ...] = _JSONLD) -> dict[str, Any]:
    return {m: {"schema": schema} for m in media}


EPCIS_PATHS: dict[str, dict[str, Any]] = {
    "/epcis/capture": {
        "post": {
            "operationId": "epcis_capture",
            "summary": "Capture an EPCISDocument (asynchronously: 202 and the capture job's Location)",
            "tags": ["epcis"],
            "security": _TOKEN_SECURITY,
            "parameters": [
                {
                    "in": "header",
                    "name": "GS1-Capture-Error-Behaviour",
                    "required": False,
                    "schema": {"type": "string", "enum": ["rollback", "proceed"]},
                }
            ],
            "requestBody": {"required": True, "content": _content(_ref("EpcisDocument"))},
            "responses": {
                "202": {
                    "description": "Accepted: the capture job",
                    "headers": {"Location": {"schema": {"type": "string"}}},
                    "content": _content(_ref("EpcisCaptureJob"), ("application/json",)),
                },
                **_problems(400, 401, 403, 409, 413, 415),
            },
        },
    },
    "/epcis/capture/{captureID}": {
        "get": {
            "operationId": "epcis_capture_job",
            "summary": "A capture job: running, success, counts and errors",
            "tags": ["epcis"],
            "security": _TOKEN_SECURITY,
            "parameters": [{"in": "path", "name": "captureID", "required": True, "schema": {"type": "string"}}],
            "responses": {
                "200": {"description": "The job", "content": _content(_ref("EpcisCaptureJob"), ("application/json",))},
                **_problems(401, 403, 404),
            },
        },
    },
    "/epcis/events": {
        "get": {
            "operationId": "epcis_events",
            "summary": "SimpleEventQuery: the events the caller may see that match the query parameters",
            "description": "Every parameter of the EPCIS 2.0 REST binding's SimpleEventQuery (EQ_bizStep, "
            "GE_eventTime, MATCH_epc, …) as a query parameter; pages by perPage and nextPageToken (the next page "
            "in the Link header, rel=next, and in GS1-Next-Page-Token).",
            "tags": ["epcis"],
            "security": _TOKEN_SECURITY,
            "parameters": [
                _EPC_FORMAT,
                {"in": "query", "name": "perPage", "required": False, "schema": {"type": "integer", "minimum": 1}},
                {"in": "query", "name": "nextPageToken", "required": False, "schema": {"type": "string"}},
            ],
            "responses": {
                "200": {
                    "description": "A page of events",
                    "headers": {"GS1-Next-Page-Token": {"schema": {"type": "string"}}},
                    "content": _content(_ref("EpcisQueryDocument")),
                },
                **_problems(400, 401, 403, 406),
            },
        },
        "post": {
            "operationId": "epcis_capture_event",
            "summary": "Capture one event (synchronously: 201 and its Location)",
            "tags": ["epcis"],
            "security": _TOKEN_SECURITY,
            "requestBody": {"required": True, "content": _content(_ref("EpcisEvent"))},
            "responses": {
                "201": {"description": "Stored", "headers": {"Location": {"schema": {"type": "string"}}}},
                **_problems(400, 401, 403, 409, 413, 415),
            },
        },
    },
    "/epcis/events/{eventID}": {
        "get": {
            "operationId": "epcis_event",
            "summary": "One event by its eventID (URL-encoded), with the @context it was captured under",
            "tags": ["epcis"],
            "security": _TOKEN_SECURITY,
            "parameters": [
                {"in": "path", "name": "eventID", "required": True, "schema": {"type": "string"}},
                _EPC_FORMAT,
            ],
            "responses": {
                "200": {"description": "The event", "content": _content(_ref("EpcisEvent"))},
                **_problems(401, 403, 404, 406),
            },
        },
    },
}


def complete(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the trace's response schema, the EPCIS operations and the shared schemas to ninja's document."""
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas.update(_schemas(Problem, TraceOut))
    schemas.update({"EpcisDocument": _EPCIS_DOCUMENT, "EpcisEvent": _EVENT, "EpcisCaptureJob": _CAPTURE_JOB})
    schemas["EpcisQueryDocument"] = _QUERY_DOCUMENT
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
    schema["paths"].update(EPCIS_PATHS)
    for item in schema["paths"].values():
        for operation in item.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if int(status) >= 400 and "application/json" in content:
                    content["application/problem+json"] = content.pop("application/json")
    return schema

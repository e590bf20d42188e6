"""The EPCIS 2.0 REST binding under /epcis/ as OpenAPI path items and schemas (issue 19, item 8).

The routes are plain Django views (events/urls.py), so they are described here by hand, with the names GS1's REST
binding gives its schemas and parameters (`/work/shared/conformance/epcis/REST-Bindings/openapi.json` at the
conformance shelf's commit): `epcisDocument`, `EPCISEvent`, `CaptureJob`, `RFC7807ProblemResponseBody`,
`epcisQueryDocument`, `QueryDefinition`, `EPCISEventsQuery`, `EventTypeCollection`, `UriCollection`,
`ResourceCollection`, `AbstractQuerySubscription(Response)`, the parameters `captureID`, `eventID`, `queryName`,
`subscriptionID`, `eventType`, `epc`, `bizStep`, `bizLocation`, `readPoint`, `disposition`, every SimpleEventQuery
parameter of the binding, and the headers `GS1-EPC-Format`, `GS1-Capture-Error-Behaviour`. What differs from
GS1's document is what this server does: subscriptions are webhooks only (a WebSocket handshake answers 400), a
named query lists `{name, query}`, a subscription answers with its deliveries, and every error is an RFC 7807
problem (`Problem`, `application/problem+json`).
"""

from __future__ import annotations

from typing import Any

from truyxuat.openapi_epcis_schemas import _STRING, _TIME, EPCIS_SCHEMAS, _list, _ref

__all__ = ["EPCIS_PATHS", "EPCIS_SCHEMAS"]


_REASONS = {
    400: "Invalid request",
    401: "No token or session",
    403: "Not allowed",
    404: "No such resource",
    406: "Not acceptable",
    409: "Conflict",
    413: "Too large",
    415: "Unsupported media type",
}


def _problems(*statuses: int) -> dict[str, Any]:
    return {
        str(s): {"description": _REASONS[s], "content": {"application/problem+json": {"schema": _ref("Problem")}}}
        for s in statuses
    }


_JSONLD = ("application/ld+json", "application/json")
_XML = ("application/xml", "text/xml")
_TOKEN_SECURITY: list[dict[str, list[str]]] = [{"BearerToken": []}, {"SessionCookie": []}]
_PAGE_HEADERS = {
    "Link": {"description": 'The next page: <…?nextPageToken=…>; rel="next"', "schema": _STRING},
    "GS1-Next-Page-Token": {"schema": _STRING},
}


def _content(schema: dict[str, Any], media: tuple[str, ...] = _JSONLD) -> dict[str, Any]:
    return {m: {"schema": schema} for m in media}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return _content(schema, ("application/json",))


# -- parameters --------------------------------------------------------------------------------------------------


def _param(name: str, schema: dict[str, Any], where: str = "query", required: bool = False) -> dict[str, Any]:
    return {"in": where, "name": name, "required": required, "schema": schema}


def _pipe(name: str, item: dict[str, Any]) -> dict[str, Any]:
    """A list parameter of the binding: values joined with '|' (pipeDelimited)."""
    return {
        **_param(name, {"type": "array", "minItems": 1, "items": item}),
        "style": "pipeDelimited",
        "explode": False,
    }


_TIMES = [
    "GE_eventTime",
    "LT_eventTime",
    "GE_recordTime",
    "LT_recordTime",
    "GE_errorDeclarationTime",
    "LT_errorDeclarationTime",
    "GE_startTime",
    "LT_startTime",
    "GE_endTime",
    "LT_endTime",
]
_URI_LISTS = [
    "EQ_readPoint",
    "WD_readPoint",
    "EQ_bizLocation",
    "WD_bizLocation",
    "MATCH_epc",
    "MATCH_parentID",
    "MATCH_inputEPC",
    "MATCH_outputEPC",
    "MATCH_anyEPC",
    "MATCH_epcClass",
    "MATCH_inputEPCClass",
    "MATCH_outputEPCClass",
    "MATCH_anyEPCClass",
    "EQ_eventID",
    "EQ_correctiveEventID",
    "EQ_deviceID",
    "EQ_dataProcessingMethod",
    "EQ_microorganism",
    "EQ_chemicalSubstance",
    "EQ_bizRules",
    "EQ_uriValue",
]
_TEXT_LISTS = [
    "EQ_bizStep",
    "EQ_disposition",
    "EQ_persistentDisposition_set",
    "EQ_persistentDisposition_unset",
    "EQ_transformationID",
    "EQ_errorReason",
    "EQ_type",
    "EQ_stringValue",
    "EQ_hexBinaryValue",
]
_NUMBERS = ["EQ_quantity", "GT_quantity", "GE_quantity", "LT_quantity", "LE_quantity"]
_EPC_FORMAT = _param(
    "GS1-EPC-Format",
    {"type": "string", "enum": ["Never_Translates", "Always_GS1_Digital_Link", "Always_EPC_URN"]},
    "header",
)
_PER_PAGE = _param("perPage", {"type": "integer", "minimum": 1, "maximum": 1000})
_NEXT = _param("nextPageToken", _STRING)
QUERY_PARAMETERS: list[dict[str, Any]] = [
    _pipe("eventType", {"type": "string"}),
    _pipe("EQ_action", {"type": "string", "enum": ["ADD", "OBSERVE", "DELETE"]}),
    *(_param(n, _TIME) for n in _TIMES),
    *(_pipe(n, _STRING) for n in _URI_LISTS),
    *(_pipe(n, _STRING) for n in _TEXT_LISTS),
    *(_param(n, {"type": "number"}) for n in _NUMBERS),
    _param("EXISTS_errorDeclaration", {"type": "boolean"}),
    _param("EQ_booleanValue", {"type": "boolean"}),
    _param("orderBy", _STRING),
    _param("orderDirection", {"type": "string", "enum": ["ASC", "DESC"]}),
    _param("eventCountLimit", {"type": "integer", "minimum": 1}),
    _param("maxEventCount", {"type": "integer", "minimum": 1}),
    _PER_PAGE,
    _NEXT,
]
_QUERY_DESCRIPTION = (
    "Every SimpleEventQuery parameter of the REST binding (below), and the query schema's patterned ones: "
    "`EQ|GT|GE|LT|LE_quantity_<uom>`, `EQ|GT|GE|LT|LE_<value|minValue|maxValue|meanValue|sDev|percValue>_<uom>`, "
    "`GE|LT_time`, `GT|GE|LT|LE_percRank`, `EQ_source_<type>`, `EQ_destination_<type>`, "
    "`EQ_bizTransaction_<type>`, `EXISTS_sensorElementList`. Identifiers compare as one key whatever their "
    "spelling (EPC URN, Digital Link, compressed Digital Link). Pages by perPage and nextPageToken (the next page "
    "in the Link header, rel=next, and in GS1-Next-Page-Token); 413 QueryTooLargeException past maxEventCount."
)


def _events_answer(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "headers": _PAGE_HEADERS,
        "content": {
            **_content(_ref("epcisQueryDocument")),
            **_content({"type": "string", "description": "An epcisq:EPCISQueryDocument (GS1's query XSD)"}, _XML),
        },
    }


def _get(operation_id: str, summary: str, parameters: list[Any], responses: dict[str, Any], **more: Any) -> Any:
    return {
        "operationId": operation_id,
        "summary": summary,
        "tags": ["epcis"],
        "security": _TOKEN_SECURITY,
        "parameters": parameters,
        "responses": responses,
        **more,
    }


_CAPTURE_ID = _param("captureID", _STRING, "path", True)
_EVENT_ID = _param("eventID", _STRING, "path", True)
_QUERY_NAME = _param("queryName", _STRING, "path", True)
_SUBSCRIPTION_ID = _param("subscriptionID", _STRING, "path", True)
_ORGANIZATION = {
    **_param("organization", _STRING),
    "description": "A person acting for one of several organisations: its tax code",
}
_CREATED = {"description": "Created", "headers": {"Location": {"schema": _STRING}}}
_DELETED = {"204": {"description": "Deleted"}}

EPCIS_PATHS: dict[str, dict[str, Any]] = {
    "/epcis/capture": {
        "get": _get(
            "epcis_capture_jobs",
            "The caller's latest capture jobs (100), newest first",
            [],
            {"200": {"description": "The jobs", "content": _json(_ref("CaptureJobList"))}, **_problems(401, 403)},
        ),
        "post": _get(
            "epcis_capture",
            "Capture an EPCISDocument (JSON-LD, or XML of EPCIS 2.0 or 1.x): 202 and the capture job's Location",
            [_param("GS1-Capture-Error-Behaviour", {"type": "string", "enum": ["rollback", "proceed"]}, "header")],
            {
                "202": {
                    "description": "Accepted: the capture job",
                    "headers": {"Location": {"schema": _STRING}},
                    "content": _json(_ref("CaptureJob")),
                },
                **_problems(400, 401, 403, 409, 413, 415),
            },
            requestBody={
                "required": True,
                "content": {
                    **_content(_ref("epcisDocument")),
                    **_content({"type": "string", "description": "An epcis:EPCISDocument"}, _XML),
                },
            },
        ),
    },
    "/epcis/capture/{captureID}": {
        "get": _get(
            "epcis_capture_job",
            "A capture job: running, success, counts and each refused event's problem",
            [_CAPTURE_ID],
            {"200": {"description": "The job", "content": _json(_ref("CaptureJob"))}, **_problems(401, 403, 404)},
        ),
    },
    "/epcis/capture/{captureID}/original": {
        "get": _get(
            "epcis_capture_original",
            "The XML document of a capture job exactly as it was sent (Digest: sha-256 of the bytes)",
            [_CAPTURE_ID],
            {
                "200": {
                    "description": "The bytes as sent",
                    "headers": {"Digest": {"schema": _STRING}},
                    "content": _content(_STRING, _XML),
                },
                **_problems(401, 403, 404),
            },
        ),
    },
    "/epcis/events": {
        "get": _get(
            "epcis_events",
            "SimpleEventQuery: the events the caller may see that match the query parameters",
            [_EPC_FORMAT, *QUERY_PARAMETERS],
            {"200": _events_answer("A page of events"), **_problems(400, 401, 403, 406, 413)},
            description=_QUERY_DESCRIPTION,
        ),
        "post": _get(
            "epcis_capture_event",
            "Capture one event (synchronously: 201 and its Location)",
            [],
            {"201": _CREATED, **_problems(400, 401, 403, 409, 413, 415)},
            requestBody={"required": True, "content": _content(_ref("EPCISEvent"))},
        ),
    },
    "/epcis/events/{eventID}": {
        "get": _get(
            "epcis_event",
            "One event by its eventID (URL-encoded), with the @context it was captured under",
            [_EVENT_ID, _EPC_FORMAT],
            {
                "200": {
                    "description": "The event",
                    "content": {
                        **_content(_ref("EPCISEvent")),
                        **_content({"type": "string", "description": "An EPCISQueryDocument of the event"}, _XML),
                    },
                },
                **_problems(400, 401, 403, 404, 406),
            },
        ),
    },
    "/epcis/queries": {
        "get": _get(
            "epcis_queries",
            "The caller's named queries (of its token's organisation, or the person's), paged",
            [_ORGANIZATION, _PER_PAGE, _NEXT],
            {
                "200": {
                    "description": "The queries",
                    "headers": _PAGE_HEADERS,
                    "content": _json(_list("QueryDefinition")),
                },
                **_problems(400, 401, 403),
            },
        ),
        "post": _get(
            "epcis_create_query",
            "Create a named query: 201 and its Location",
            [_ORGANIZATION],
            {"201": _CREATED, **_problems(400, 401, 403, 409, 413, 415)},
            requestBody={"required": True, "content": _json(_ref("QueryDefinition"))},
        ),
    },
    "/epcis/queries/{queryName}": {
        "get": _get(
            "epcis_query",
            "A named query's definition",
            [_QUERY_NAME, _ORGANIZATION],
            {
                "200": {"description": "The query", "content": _json(_ref("QueryDefinition"))},
                **_problems(401, 403, 404),
            },
        ),
        "delete": _get(
            "epcis_delete_query",
            "Delete a named query and every subscription to it",
            [_QUERY_NAME, _ORGANIZATION],
            {**_DELETED, **_problems(401, 403, 404)},
        ),
    },
    "/epcis/queries/{queryName}/events": {
        "get": _get(
            "epcis_query_events",
            "The events of a named query, paged as /epcis/events (WebSocket subscriptions: 400)",
            [_QUERY_NAME, _ORGANIZATION, _EPC_FORMAT, _PER_PAGE, _NEXT],
            {"200": _events_answer("A page of the query's events"), **_problems(400, 401, 403, 404, 406, 413)},
        ),
    },
    "/epcis/queries/{queryName}/subscriptions": {
        "get": _get(
            "epcis_subscriptions",
            "A named query's webhook subscriptions, paged",
            [_QUERY_NAME, _ORGANIZATION, _PER_PAGE, _NEXT],
            {
                "200": {
                    "description": "The subscriptions",
                    "headers": _PAGE_HEADERS,
                    "content": _json(_list("AbstractQuerySubscriptionResponse")),
                },
                **_problems(400, 401, 403, 404),
            },
        ),
        "post": _get(
            "epcis_subscribe",
            "Subscribe a webhook to a named query (results POSTed signed with GS1-Signature, retried)",
            [_QUERY_NAME, _ORGANIZATION, _EPC_FORMAT],
            {
                "201": {
                    "description": "The subscription",
                    "headers": {"Location": {"schema": _STRING}},
                    "content": _json(_ref("AbstractQuerySubscriptionResponse")),
                },
                **_problems(400, 401, 403, 404, 413, 415),
            },
            requestBody={"required": True, "content": _json(_ref("AbstractQuerySubscription"))},
        ),
    },
    "/epcis/queries/{queryName}/subscriptions/{subscriptionID}": {
        "get": _get(
            "epcis_subscription",
            "A subscription with its latest 20 deliveries",
            [_QUERY_NAME, _SUBSCRIPTION_ID, _ORGANIZATION],
            {
                "200": {"description": "The subscription", "content": _json(_ref("AbstractQuerySubscriptionResponse"))},
                **_problems(401, 403, 404),
            },
        ),
        "delete": _get(
            "epcis_unsubscribe",
            "Unsubscribe",
            [_QUERY_NAME, _SUBSCRIPTION_ID, _ORGANIZATION],
            {**_DELETED, **_problems(401, 403, 404)},
        ),
    },
    "/epcis/queries/{queryName}/subscriptions/{subscriptionID}/deliveries": {
        "get": _get(
            "epcis_subscription_deliveries",
            "Every delivery of a subscription, oldest first, paged",
            [_QUERY_NAME, _SUBSCRIPTION_ID, _ORGANIZATION, _PER_PAGE, _NEXT],
            {
                "200": {
                    "description": "The deliveries",
                    "headers": _PAGE_HEADERS,
                    "content": _json(_list("SubscriptionDelivery")),
                },
                **_problems(400, 401, 403, 404),
            },
        ),
    },
}

# The top-level discovery resources: a Collection, each value's sub-resources, each value's events.
_DISCOVERY = {
    "eventTypes": ("eventType", "EventTypeCollection", "event types"),
    "epcs": ("epc", "UriCollection", "EPCs"),
    "bizSteps": ("bizStep", "BizStepCollection", "business steps"),
    "bizLocations": ("bizLocation", "UriCollection", "business locations"),
    "readPoints": ("readPoint", "UriCollection", "read points"),
    "dispositions": ("disposition", "DispositionCollection", "dispositions"),
}
for _kind, (_name, _schema, _words) in _DISCOVERY.items():
    _value = _param(_name, _STRING, "path", True)
    EPCIS_PATHS[f"/epcis/{_kind}"] = {
        "get": _get(
            f"epcis_{_kind}",
            f"The {_words} of the events the caller sees (and the standard ones), paged",
            [_EPC_FORMAT, _PER_PAGE, _NEXT],
            {
                "200": {"description": "A Collection", "headers": _PAGE_HEADERS, "content": _json(_ref(_schema))},
                **_problems(400, 401, 403),
            },
        )
    }
    EPCIS_PATHS[f"/epcis/{_kind}/{{{_name}}}"] = {
        "get": _get(
            f"epcis_{_kind}_resource",
            f"One of the {_words}: its sub-resources (404 when the caller sees none)",
            [_value],
            {
                "200": {"description": "Sub-resources", "content": _json(_ref("ResourceCollection"))},
                **_problems(401, 403, 404),
            },
        )
    }
    EPCIS_PATHS[f"/epcis/{_kind}/{{{_name}}}/events"] = {
        "get": _get(
            f"epcis_{_kind}_events",
            f"The events of one of the {_words}, paged and filtered as /epcis/events",
            [_value, _EPC_FORMAT, *QUERY_PARAMETERS],
            {"200": _events_answer("A page of events"), **_problems(400, 401, 403, 404, 406, 413)},
        )
    }

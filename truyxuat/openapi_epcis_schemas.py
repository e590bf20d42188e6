"""The schemas of the EPCIS 2.0 REST binding's answers as this server gives them (`components/schemas` of
/api/openapi.json), under the names GS1's REST binding gives them; the path items that use them are
`truyxuat/openapi_epcis.py`."""

from __future__ import annotations

from typing import Any

__all__ = ["EPCIS_SCHEMAS"]

_STRING = {"type": "string"}
_URI = {"type": "string", "format": "uri"}
_TIME = {"type": "string", "format": "date-time"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _list(name: str) -> dict[str, Any]:
    return {"type": "array", "items": _ref(name)}


# -- schemas -----------------------------------------------------------------------------------------------------

_PROBLEM_ITEM = {
    "type": "object",
    "description": "An RFC 7807 problem: one refused event of a capture job, naming the event and the field",
    "required": ["type", "title", "status", "detail", "event_index", "pointer", "message"],
    "properties": {
        "type": {"type": "string", "description": "epcisException:ValidationException, SecurityException, …"},
        "title": _STRING,
        "status": {"type": "integer", "description": "400 invalid, 403 outside the chain, 409 a taken eventID"},
        "detail": _STRING,
        "instance": _STRING,
        "event_index": {"type": ["integer", "null"], "description": "The event's place in epcisBody.eventList"},
        "pointer": {"type": "string", "description": "JSON pointer into the document as sent ('' the document)"},
        "field": {"type": "string", "description": "The field's path inside the event (eventTime, bizStep, …)"},
        "eventID": {"type": "string", "description": "The refused event's eventID, where it has one"},
        "message": _STRING,
    },
}
_CAPTURE_JOB = {
    "type": "object",
    "description": "A capture job as the REST binding's CaptureJob, with the counts this server adds",
    "required": ["captureID", "createdAt", "running", "success", "errors", "eventCount", "storedCount"],
    "properties": {
        "captureID": _STRING,
        "createdAt": _TIME,
        "finishedAt": {"type": ["string", "null"], "format": "date-time"},
        "running": {"type": "boolean"},
        "success": {"type": "boolean"},
        "captureErrorBehaviour": {"type": "string", "enum": ["rollback", "proceed"]},
        "errors": _list("RFC7807ProblemResponseBody"),
        "eventCount": {"type": "integer"},
        "storedCount": {"type": "integer"},
        "duplicateCount": {"type": "integer"},
        "duplicates": {"type": "array", "items": {"type": "object"}},
        "errorDeclarations": {"type": "array", "items": {"type": "object"}},
    },
}
_EVENT_TYPES = ["AggregationEvent", "AssociationEvent", "ObjectEvent", "TransactionEvent", "TransformationEvent"]


def _collection(description: str, member: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "required": ["@context", "type", "member"],
        "properties": {
            "@context": {"description": "The EPCIS 2.0 context"},
            "type": {"type": "string", "enum": ["Collection"]},
            "member": {"type": "array", "items": member},
        },
    }


_SUBSCRIPTION_REQUEST = {
    "type": "object",
    "description": "A webhook subscription: `stream: true` (every new matching event) or a cron-like `schedule`",
    "required": ["dest"],
    "properties": {
        "dest": {"type": "string", "format": "uri", "description": "The HTTPS address the results are POSTed to"},
        "signatureToken": {"type": "string", "description": "Secret for the GS1-Signature HMAC (never shown)"},
        "stream": {"type": "boolean"},
        "schedule": {
            "type": "object",
            "properties": {k: _STRING for k in ("second", "minute", "hour", "dayOfMonth", "month", "dayOfWeek")},
        },
        "reportIfEmpty": {"type": "boolean"},
        "initialRecordTime": _TIME,
    },
}
_NULL_TIME = {"type": ["string", "null"], "format": "date-time"}
_DELIVERY = {
    "type": "object",
    "required": ["deliveryID", "state", "eventCount", "attempts", "createdAt"],
    "properties": {
        "deliveryID": {"type": "integer"},
        "state": {"type": "string", "description": "pending, delivered or failed"},
        "eventCount": {"type": "integer"},
        "attempts": {"type": "integer"},
        "statusCode": {"type": ["integer", "null"], "description": "The subscriber's last HTTP status"},
        "error": {"type": "string"},
        "createdAt": _NULL_TIME,
        "lastAttemptAt": _NULL_TIME,
        "nextAttemptAt": _NULL_TIME,
        "deliveredAt": _NULL_TIME,
    },
}
_SUBSCRIPTION = {
    "type": "object",
    "required": ["subscriptionID", "queryName", "dest", "createdAt", "reportIfEmpty", "signed", "active"],
    "properties": {
        "subscriptionID": _STRING,
        "queryName": _STRING,
        "dest": _URI,
        "createdAt": _TIME,
        "reportIfEmpty": {"type": "boolean"},
        "signed": {"type": "boolean", "description": "Whether deliveries carry GS1-Signature"},
        "minRecordTime": _NULL_TIME,
        "initialRecordTime": _TIME,
        "lastNotifiedAt": _TIME,
        "stream": {"type": "boolean"},
        "schedule": {"type": ["object", "null"]},
        "nextRunAt": _NULL_TIME,
        "epcFormat": _STRING,
        "active": {"type": "boolean", "description": "False once the token or person behind it lost access"},
        "deliveries": _list("SubscriptionDelivery"),
    },
}

EPCIS_SCHEMAS: dict[str, Any] = {
    "epcisDocument": {
        "type": "object",
        "description": "An EPCISDocument (EPCIS 2.0 JSON-LD; its schema: GS1's EPCIS-JSON-Schema.json), or in "
        "XML an epcis:EPCISDocument of EPCIS 2.0 or 1.x",
        "required": ["@context", "type", "schemaVersion", "creationDate", "epcisBody"],
    },
    "EPCISEvent": {
        "type": "object",
        "description": "One EPCIS 2.0 event (JSON-LD) with its @context",
        "required": ["type", "eventTime", "eventTimeZoneOffset"],
        "properties": {"eventID": _STRING, "type": _STRING, "eventTime": _STRING},
    },
    "CaptureJob": _CAPTURE_JOB,
    "CaptureJobList": {
        "type": "object",
        "required": ["captureJobs"],
        "properties": {"captureJobs": _list("CaptureJob")},
    },
    "RFC7807ProblemResponseBody": _PROBLEM_ITEM,
    "epcisQueryDocument": {
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
                                "properties": {"eventList": _list("EPCISEvent")},
                            }
                        },
                    }
                },
            },
        },
    },
    "EPCISEventsQuery": {
        "type": "object",
        "description": "SimpleEventQuery parameters by name, each a value or a list (GS1's query-schema.json)",
    },
    "QueryDefinition": {
        "type": "object",
        "required": ["name", "query"],
        "properties": {"name": _STRING, "query": _ref("EPCISEventsQuery")},
    },
    "EventTypeCollection": _collection("The event types", {"type": "string"}),
    "BizStepCollection": _collection("CBV business steps and those of the caller's events", {"type": "string"}),
    "DispositionCollection": _collection("CBV dispositions and those of the caller's events", {"type": "string"}),
    "UriCollection": _collection("Identifiers of the caller's events (EPCs, locations)", {"type": "string"}),
    "ResourceCollection": _collection("A value's sub-resources", {"type": "string", "enum": ["events"]}),
    "AbstractQuerySubscription": _SUBSCRIPTION_REQUEST,
    "AbstractQuerySubscriptionResponse": _SUBSCRIPTION,
    "SubscriptionDelivery": _DELIVERY,
}

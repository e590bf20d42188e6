"""Query answers of the EPCIS REST binding in the form the client asks for (`Accept`): JSON-LD (the default) or
XML (`application/xml`, `text/xml`: an `EPCISQueryDocument` valid against GS1's query XSD, `events.epcis.xml_out`);
anything else answers 406.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from core.problems import problem
from events.epcis.xml_out import query_document

__all__ = ["JSON_LD", "XML_MEDIA", "negotiate", "not_acceptable", "xml_answer"]

JSON_LD = "application/ld+json"
XML_MEDIA = ("application/xml", "text/xml")
_OFFERED = (JSON_LD, "application/json", *XML_MEDIA)  # in the server's order of preference


def _ranges(header: str) -> list[tuple[str, float, int]]:
    """(media range, q, position) of an Accept header; malformed q-values count as 0 (not acceptable)."""
    out = []
    for position, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        out.append((media, q, position))
    return out


def _matches(media_range: str, offered: str) -> int:
    """How specifically `media_range` names `offered` (2 exact, 1 type/*, 0 */*), or -1."""
    if media_range == offered:
        return 2
    kind = offered.split("/", 1)[0]
    if media_range == f"{kind}/*":
        return 1
    return 0 if media_range == "*/*" else -1


def negotiate(request: HttpRequest) -> str | None:
    """The media type to answer in: JSON-LD without an Accept header; else the offered type the client weighs
    highest (the most specific range decides each type's weight; ties go to JSON-LD, then JSON, then XML); None
    when the client accepts none of them."""
    header = request.headers.get("Accept", "").strip()
    if not header:
        return JSON_LD
    ranges = _ranges(header)
    best: tuple[float, int] | None = None
    chosen = None
    for rank, offered in enumerate(_OFFERED):
        weight, specificity = None, -1
        for media, q, _position in ranges:
            level = _matches(media, offered)
            if level > specificity:
                weight, specificity = q, level
        if weight is None or weight <= 0:
            continue
        if best is None or (weight, -rank) > best:
            best, chosen = (weight, -rank), offered
    return chosen


def not_acceptable() -> HttpResponse:
    """406: the client accepts none of the forms a query answer has."""
    return problem(
        406,
        "Không có dạng trả lời phù hợp / Not acceptable",
        "Các dạng có: application/ld+json, application/json, application/xml. / "
        "Answers come as application/ld+json, application/json or application/xml.",
        type_="epcisException:NotAcceptableException",
    )


def xml_answer(events: Iterable[tuple[dict[str, Any], Iterable[Any]]], media: str) -> HttpResponse:
    """An `EPCISQueryDocument` in XML holding `events` (each with the @context it was captured under)."""
    creation = timezone.now().isoformat(timespec="milliseconds").replace("+00:00", "Z")
    body = query_document(events, creation_date=creation)
    return HttpResponse(body, content_type=f"{media}; charset=utf-8")

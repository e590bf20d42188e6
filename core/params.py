"""Bounded parsing of integer query parameters and pages, so that no number a client sends reaches the database
out of its range (SQLite and PostgreSQL hold 64-bit integers; an offset past that is a server error there).

`BoundedPageNumberPagination` is django-ninja's page-number pagination with `page` at most `MAX_PAGE` and
`page_size` at most its maximum, which also honours `limit` (at most `MAX_PAGE_SIZE`) and `offset` (at most
`MAX_OFFSET`) when given (they take precedence over `page`): anything out of bounds is a 422 problem, as any invalid
parameter. `bounded_int` parses a
query parameter of a plain Django view and returns None for anything that is not an integer within the bounds.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

__all__ = ["DB_INT_MAX", "MAX_OFFSET", "MAX_PAGE", "MAX_PAGE_SIZE", "BoundedPageNumberPagination", "bounded_int"]

DB_INT_MAX = 2**63 - 1
MAX_PAGE = 100_000
"""Highest page number accepted by the API lists (100 items a page: ten million items)."""
MAX_PAGE_SIZE = 100
MAX_OFFSET = MAX_PAGE * MAX_PAGE_SIZE


def bounded_int(value: Any, *, minimum: int = 1, maximum: int = DB_INT_MAX) -> int | None:
    """`value` (a query parameter) as an int within [minimum, maximum], or None (absent, not an integer, out of
    bounds). At most 20 characters are read: no long digit string is converted."""
    text = str(value or "").strip()
    if not text or len(text) > 20 or not text.lstrip("-").isascii() or not text.lstrip("-").isdigit():
        return None
    number = int(text)
    return number if minimum <= number <= maximum else None


class BoundedPageNumberPagination(PageNumberPagination):
    """Page-number pagination whose page and page size are bounded (422 problem beyond)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)
        limit: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE, description="Items to return (instead of page_size)")
        offset: int | None = Field(None, ge=0, le=MAX_OFFSET, description="Items to skip (instead of page)")

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_page_size", MAX_PAGE_SIZE)
        super().__init__(**kwargs)

    def paginate_queryset(self, queryset: QuerySet, pagination: Any, request: HttpRequest, **params: Any) -> Any:
        if pagination.limit is None and pagination.offset is None:
            return super().paginate_queryset(queryset, pagination, request, **params)
        limit = pagination.limit or self._get_page_size(pagination.page_size)
        offset = pagination.offset or 0
        return {self.items_attribute: queryset[offset : offset + limit], "count": self._items_count(queryset)}

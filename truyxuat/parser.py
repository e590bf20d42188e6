"""The REST API's JSON body parser: the EPCIS input limits (events.epcis.limits) for every JSON body.

Nesting deeper than 64 levels is refused before decoding (no RecursionError), numbers must be finite
(``NaN``, ``Infinity``, ``1e999`` refused), strings at most 64 KiB and without lone surrogates. django-ninja turns
the :class:`BodyError` into a 400 answer, which the API's handler words as a problem in Vietnamese and English.
"""

from __future__ import annotations

import json
from typing import Any, cast

from django.http import HttpRequest
from ninja.parser import Parser
from ninja.types import DictStrAny

from events.epcis.limits import MAX_DEPTH, decode_float, decode_int, scan, tree_problems

__all__ = ["BodyError", "LimitedParser"]


class BodyError(ValueError):
    """The request body is not JSON within the limits; the message says why (Vietnamese / English)."""


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON / {name} không phải JSON hợp lệ")


class LimitedParser(Parser):
    """ninja's JSON parser with the input limits."""

    def parse_body(self, request: HttpRequest) -> DictStrAny:
        body = request.body
        deep, suspect = scan(body)
        if deep:
            raise BodyError(f"JSON lồng sâu quá {MAX_DEPTH} mức / JSON nested deeper than {MAX_DEPTH} levels")
        try:
            data = json.loads(body, parse_float=decode_float, parse_int=decode_int, parse_constant=_constant)
        except UnicodeDecodeError as exc:
            raise BodyError(f"Nội dung không phải UTF-8 / The body is not UTF-8 ({exc.reason})") from exc
        except json.JSONDecodeError as exc:
            raise BodyError(
                f"JSON sai cú pháp / Malformed JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
            ) from exc
        except RecursionError as exc:
            raise BodyError(f"JSON lồng sâu quá {MAX_DEPTH} mức / JSON nested deeper than {MAX_DEPTH} levels") from exc
        except ValueError as exc:
            raise BodyError(str(exc)) from exc
        if suspect:
            problems = tree_problems(data)
            if problems:
                raise BodyError("; ".join(f"{p.pointer or '/'}: {p.message}" for p in problems))
        return cast(DictStrAny, data)

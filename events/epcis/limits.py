"""Limits on EPCIS input, checked before and right after it is decoded.

EPCIS documents are shallow (GS1's samples nest at most 9 levels) and made of short strings and ordinary
numbers, so input that is not is refused with a :class:`~events.epcis.problems.Problem` naming the field,
before anything recursive (the schema validators, canonical JSON) sees it:

* nesting deeper than :data:`MAX_DEPTH` (checked on the bytes, without recursion and without decoding);
* a string (value or member name) longer than :data:`MAX_STRING_BYTES` bytes of UTF-8;
* a lone UTF-16 surrogate (``"\\ud800"``), which no UTF-8 text can carry;
* a number that is not finite once decoded (``1e999``), an integer of more than :data:`MAX_INT_DIGITS` digits;
* a negative or non-finite quantity in a quantity list (a quantity says how many or how much there is).

The checks on the bytes are a few C-level passes (a regular expression, ``bytes.translate``); the walk over the
decoded tree runs only when the bytes show a candidate (a long run between quotes, a ``\\uD8xx`` escape).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

from .problems import Problem, pointer

__all__ = [
    "MAX_DEPTH",
    "MAX_INT_DIGITS",
    "MAX_STRING_BYTES",
    "QUANTITY_LISTS",
    "decode_float",
    "decode_int",
    "nodes",
    "quantity_problems",
    "scan",
    "too_deep",
    "tree_problems",
]

MAX_DEPTH = 64
"""Deepest nesting of arrays and objects accepted (a document is 1, its epcisBody 2, …)."""
MAX_STRING_BYTES = 64 * 1024
"""Longest string accepted, in bytes of UTF-8 (identifiers are bounded further, by the index: KEY_MAX)."""
MAX_INT_DIGITS = 300
"""Longest integer accepted, in digits (a double holds up to about 1.8e308)."""
MAX_PROBLEMS = 20

QUANTITY_LISTS = ("quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList")

_ESCAPE = re.compile(rb"\\(?:u[0-9a-fA-F]{4}|.)", re.DOTALL)
_STRING = re.compile(rb'"[^"]*"')
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# JSON text -> its brackets (both kinds as [ and ]) and quotes; everything else deleted
_TO_BRACKETS = bytes.maketrans(b"{}", b"[]")
_NOT_SHAPE = bytes(b for b in range(256) if b not in b'[]{}"')
_BLOCK = (MAX_STRING_BYTES + 1) // 2  # a run of MAX_STRING_BYTES + 1 bytes holds a whole aligned block


def _unescaped(body: bytes) -> bytes:
    """`body` with each escape (``\\n``, ``\\"``, ``\\u00e9``…) replaced by ``_`` and its hex digits: no escaped
    quote is left, and no string gets shorter than its UTF-8 decoding."""
    return _ESCAPE.sub(lambda m: b"_" + m.group(0)[2:], body) if b"\\" in body else body


def _depth_over(text: bytes, limit: int) -> bool:
    shape = text.translate(_TO_BRACKETS, _NOT_SHAPE)
    if b'"' in shape:
        # drop the strings: in the common case none holds a bracket, and each "" pair is one whole string
        # (a bracket inside a string leaves an odd number of quotes between two structural brackets)
        outside = shape.replace(b'""', b"")
        shape = _STRING.sub(b"", shape) if b'"' in outside else outside
    for _ in range(limit):  # each pass removes exactly the innermost pairs: one level
        if not shape:
            return False
        peeled = shape.replace(b"[]", b"")
        if peeled == shape:
            return False  # unbalanced: malformed JSON, which the decoder reports with its place
        shape = peeled
    return bool(shape)


def _long_run(text: bytes) -> bool:
    """Whether `text` may hold a string longer than MAX_STRING_BYTES: an aligned block without a quote."""
    return any(text.find(b'"', start, start + _BLOCK) < 0 for start in range(0, len(text) - _BLOCK + 1, _BLOCK))


def scan(body: bytes, limit: int = MAX_DEPTH) -> tuple[bool, bool]:
    """(too deep, suspect) for the JSON text `body`, without decoding it.

    Too deep: arrays and objects nest deeper than `limit` (escapes, strings and everything but brackets dropped,
    then each pass peels one level). Suspect: the decoded text may hold a string over MAX_STRING_BYTES or a lone
    surrogate, so :func:`tree_problems` must look.
    """
    text = _unescaped(body)
    if _depth_over(text, limit):
        return True, True
    suspect = len(text) > MAX_STRING_BYTES and _long_run(text)
    return False, suspect or (b"\\u" in body and _SURROGATE_ESCAPE.search(body) is not None)


def too_deep(body: bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether the JSON text `body` nests arrays and objects deeper than `limit` (see :func:`scan`)."""
    return _depth_over(_unescaped(body), limit)


def decode_float(text: str) -> float:
    """``parse_float`` for :func:`json.loads`: a finite float, or ValueError naming the number."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text[:40]} is out of range / số {text[:40]} vượt giới hạn")
    return value


def decode_int(text: str) -> int:
    """``parse_int`` for :func:`json.loads`: an integer of at most :data:`MAX_INT_DIGITS` digits."""
    if len(text) > MAX_INT_DIGITS + 1:
        raise ValueError(f"integer of {len(text)} digits is out of range / số nguyên {len(text)} chữ số vượt giới hạn")
    return int(text)


def nodes(data: Any) -> Iterator[tuple[tuple[Any, ...], Any, int]]:
    """(path, value, depth) of every member name and value of `data`, iteratively."""
    stack: list[tuple[tuple[Any, ...], Any, int]] = [((), data, 1)]
    while stack:
        path, value, depth = stack.pop()
        yield path, value, depth
        if isinstance(value, dict):
            for key, item in value.items():
                yield (*path, key), key, depth
                stack.append(((*path, key), item, depth + 1))
        elif isinstance(value, list):
            stack.extend(((*path, i), item, depth + 1) for i, item in enumerate(value))


def _string_problem(text: str) -> str | None:
    if _SURROGATE.search(text):
        return "a lone UTF-16 surrogate is not Unicode text / chuỗi chứa ký tự thay thế UTF-16 đơn lẻ, không hợp lệ"
    if len(text) * 4 > MAX_STRING_BYTES and len(text.encode("utf-8")) > MAX_STRING_BYTES:
        return (
            f"string longer than {MAX_STRING_BYTES} bytes / chuỗi dài quá {MAX_STRING_BYTES} byte"
            f" ({len(text.encode('utf-8'))})"
        )
    return None


def _event_index(path: tuple[Any, ...]) -> int | None:
    if path[:2] == ("epcisBody", "eventList") and len(path) > 2 and isinstance(path[2], int):
        return path[2]
    return None


def tree_problems(data: Any, *, depth_limit: int = MAX_DEPTH) -> list[Problem]:
    """Strings over the limit, lone surrogates and nesting deeper than `depth_limit` in decoded `data`."""
    problems: list[Problem] = []
    for path, value, depth in nodes(data):
        message = None
        if depth > depth_limit:
            message = f"nested deeper than {depth_limit} levels / lồng sâu quá {depth_limit} mức"
        elif isinstance(value, str):
            message = _string_problem(value)
        if message is not None:
            problems.append(Problem(_event_index(path), pointer(path), message))
            if len(problems) >= MAX_PROBLEMS or depth > depth_limit:
                break
    return problems


def quantity_problems(events: list[Any], base: str = "/epcisBody/eventList") -> list[Problem]:
    """Negative or non-finite quantities in the events' quantity lists (pointer to each ``quantity``)."""
    problems = []
    for i, event in enumerate(events):
        if not isinstance(event, dict):
            continue
        for key in QUANTITY_LISTS:
            elements = event.get(key)
            if not isinstance(elements, list):
                continue
            for j, element in enumerate(elements):
                value = element.get("quantity") if isinstance(element, dict) else None
                if isinstance(value, bool) or not isinstance(value, int | float):
                    continue
                if not math.isfinite(value) or value < 0:
                    where = f"{base}/{i}/{key}/{j}/quantity" if base else f"/{key}/{j}/quantity"
                    problems.append(
                        Problem(
                            i,
                            where,
                            f"quantity must be a finite number ≥ 0, got {value!r} / số lượng phải là số hữu hạn ≥ 0",
                        )
                    )
    return problems

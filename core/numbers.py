"""Reading and writing numbers the way people here write them (pure: no Django).

Reading (`parse`), Vietnamese convention by default:

- ``,`` is the decimal mark; ``.``, a space, a no-break space or a thin space group thousands:
  ``0,12`` = 0.12, ``1.200`` = 1200, ``1.200,5`` = 1200.5, ``1 200`` = 1200.
- A plain ``.`` decimal is accepted where it cannot be a thousands group: ``0.12``, ``2.5``, ``1.25``,
  ``0.120`` (a group never starts with 0), ``1234.5``.
- **Ambiguous**: a single ``.`` followed by exactly three digits after one to three digits (``1.200``,
  ``12.500``) in a field that takes decimals. It is read the Vietnamese way (1200) but flagged, so the form
  shows it back ("= 1.200 kg?") and asks for confirmation instead of guessing. In a whole-number field it is
  not ambiguous. ``1,200`` is never ambiguous in Vietnamese: it is 1.2.
- With both marks, the last one is the decimal mark (``1.200,5`` and ``1,200.5`` are both 1200.5).
- English (``locale="en"``) swaps the roles of ``,`` and ``.``.
- Refused: empty text (reported as None by `parse`, so the caller decides whether the field is required),
  words, ``NaN``, ``Infinity``, exponents (``1e5``), a badly grouped number (``1.20.0``), more digits than the
  column holds, values outside the field's domain.

Writing (`format_number`): vi-VN ``1.200``, ``0,12``, ``2,5``; en ``1,200``, ``0.12``; trailing zeros dropped;
never raises (a value that is not a finite number shows as ``—``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext
from typing import Any

MAX_TEXT = 40  # longer text is not a number anyone typed
SPACES = {"\u00a0", "\u202f", "\u2009", "\t"}
MINUS_SIGNS = {"-", "\u2212", "\u2013"}
_ALLOWED = re.compile(r"[0-9., ]+")
_FIRST_GROUP = re.compile(r"[1-9][0-9]{0,2}")
_GROUP = re.compile(r"[0-9]{3}")
_PLAIN = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


@dataclass(frozen=True)
class Limits:
    """What a field holds: the column's digits and the field's domain."""

    max_digits: int = 14
    decimal_places: int = 3
    min_value: Decimal | None = Decimal(0)
    max_value: Decimal | None = None
    allow_zero: bool = True

    @property
    def integer_digits(self) -> int:
        return self.max_digits - self.decimal_places

    @property
    def column_max(self) -> Decimal:
        """The largest value the column holds (e.g. 99999999999.999 for 14 digits, 3 places)."""
        return Decimal(10) ** self.integer_digits - Decimal(1).scaleb(-self.decimal_places)

    @property
    def ceiling(self) -> Decimal:
        return min(self.max_value, self.column_max) if self.max_value is not None else self.column_max


class NumberError(ValueError):
    """Why a text is not an acceptable number; `code` and `params` let the caller word the message."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Parsed:
    value: Decimal
    ambiguous: bool = False  # "1.200": read as 1200, but 1.2 is plausible; ask before storing


def _normalise(text: str) -> str:
    for space in SPACES:
        text = text.replace(space, " ")
    return re.sub(r" +", " ", text.strip())


def _grouped(text: str, group_marks: str) -> str | None:
    """The digits of a correctly grouped integer part ("1.200.000", "1 200"), None when not grouped right."""
    parts = re.split(f"[{re.escape(group_marks)}]", text)
    if len(parts) == 1:
        return parts[0] if parts[0].isdigit() else None
    if not _FIRST_GROUP.fullmatch(parts[0]) or not all(_GROUP.fullmatch(p) for p in parts[1:]):
        return None
    return "".join(parts)


def _split(body: str, decimal_mark: str, group_mark: str, takes_decimals: bool) -> tuple[str, str, bool]:
    """(integer digits, fraction digits, ambiguous) of a text made of digits, marks and single spaces."""
    dots, commas = body.count("."), body.count(",")
    if dots and commas:
        last = "." if body.rfind(".") > body.rfind(",") else ","
        if body.count(last) != 1:
            raise NumberError("not_a_number")
        whole, fraction = body.split(last)
        digits = _grouped(whole, ("," if last == "." else ".") + " ")
        if digits is None or not fraction.isdigit():
            raise NumberError("not_a_number")
        return digits, fraction, False
    mark = "." if dots else "," if commas else ""
    if not mark:
        digits = _grouped(body, " ")
        if digits is None:
            raise NumberError("not_a_number")
        return digits, "", False
    if body.count(mark) > 1:  # only a group mark repeats: "1.200.000"
        digits = _grouped(body, mark + " ")
        if digits is None:
            raise NumberError("not_a_number")
        return digits, "", False
    whole, fraction = body.split(mark)
    if not fraction.isdigit() or " " in fraction:
        raise NumberError("not_a_number")
    grouped = _grouped(whole, " ") if whole else ""
    if grouped is None:
        raise NumberError("not_a_number")
    looks_grouped = len(fraction) == 3 and _grouped(whole + " " + fraction, " ") is not None
    if mark == group_mark and looks_grouped:
        return grouped + fraction, "", takes_decimals
    return grouped or "0", fraction, False


def parse(text: Any, limits: Limits = Limits(), *, locale: str = "vi") -> Parsed | None:
    """Read what a person typed; None for empty text. Raises NumberError with a code:

    not_a_number, too_many_digits (params: digits), too_many_decimals (places), below_min (min),
    not_zero, above_max (max).
    """
    if text is None:
        return None
    raw = _normalise(str(text))
    if not raw:
        return None
    if len(raw) > MAX_TEXT:
        raise NumberError("not_a_number")
    sign = ""
    if raw[0] in MINUS_SIGNS or raw[0] == "+":
        sign = "-" if raw[0] in MINUS_SIGNS else ""
        raw = raw[1:].lstrip()
    if not raw or not _ALLOWED.fullmatch(raw) or not (raw[0].isdigit() or raw[0] in ".,") or not raw[-1].isdigit():
        raise NumberError("not_a_number")
    decimal_mark, group_mark = (".", ",") if locale.startswith("en") else (",", ".")
    whole, fraction, ambiguous = _split(raw, decimal_mark, group_mark, limits.decimal_places > 0)
    return Parsed(_checked(sign, whole, fraction, limits), ambiguous)


def _checked(sign: str, whole: str, fraction: str, limits: Limits) -> Decimal:
    whole = whole.lstrip("0")
    fraction = fraction.rstrip("0")
    if len(whole) > limits.integer_digits:
        raise NumberError("too_many_digits", digits=limits.integer_digits)
    if len(fraction) > limits.decimal_places:
        raise NumberError("too_many_decimals", places=limits.decimal_places)
    value = Decimal(f"{sign}{whole or '0'}.{fraction}" if fraction else f"{sign}{whole or '0'}")
    return within(value if value else Decimal(0), limits)


def within(value: Decimal, limits: Limits) -> Decimal:
    """The value when it is inside the field's domain, else NumberError."""
    if limits.min_value is not None and value < limits.min_value:
        raise NumberError("below_min", min=limits.min_value)
    if not limits.allow_zero and value == 0:
        raise NumberError("not_zero")
    if value > limits.ceiling:
        raise NumberError("above_max", max=limits.ceiling)
    return value


def parse_plain(value: Any, limits: Limits = Limits()) -> Decimal | None:
    """A number from JSON or a program: an int, a finite float, a Decimal, or plain text ("0.12", "-3").

    No Vietnamese reading here (an API client writes `1200.5`), no exponents in text, no NaN or Infinity;
    more decimal places than the column holds are refused, not rounded. None for None or "".
    """
    if value is None or isinstance(value, bool):
        if isinstance(value, bool):
            raise NumberError("not_a_number")
        return None
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise NumberError("not_a_number")
        value = repr(value)
        if "e" in value or "E" in value:
            with localcontext() as ctx:
                ctx.prec = 60
                value = format(Decimal(value), "f")
    if isinstance(value, int):
        value = str(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise NumberError("not_a_number")
        value = format(value, "f")
    text = str(value).strip()
    if not text:
        return None
    if len(text) > MAX_TEXT * 2 or not _PLAIN.fullmatch(text):
        raise NumberError("not_a_number")
    sign = "-" if text.startswith("-") else ""
    body = text.lstrip("+-")
    whole, _dot, fraction = body.partition(".")
    return _checked(sign, whole, fraction, limits)


def to_decimal(value: Any) -> Decimal | None:
    """A finite Decimal from anything stored (Decimal, int, float, text), or None; never raises."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def format_number(value: Any, *, locale: str = "vi", places: int | None = None, group: bool = True) -> str:
    """Display text: "1.200", "0,12", "-2,5" (vi) or "1,200", "0.12" (en); "—" when not a finite number.

    `places` rounds to at most that many decimal places (trailing zeros still dropped); `group=False`
    leaves out thousands marks (for an input's value: "1200", "0,12" read back unambiguously).
    """
    number = to_decimal(value)
    if number is None:
        return "—"
    with localcontext() as ctx:
        ctx.prec = max(60, len(number.as_tuple().digits) + 10)
        try:
            if places is not None:
                number = number.quantize(Decimal(1).scaleb(-places))
        except InvalidOperation:
            pass
        text = format(number, "f")
    sign = "-" if text.startswith("-") else ""
    whole, _dot, fraction = text.lstrip("-").partition(".")
    fraction = fraction.rstrip("0")
    if not whole.strip("0") and not fraction:
        sign = ""  # no "-0"
    decimal_mark, group_mark = (".", ",") if locale.startswith("en") else (",", ".")
    if group and len(whole) > 3:
        head = len(whole) % 3 or 3
        whole = group_mark.join([whole[:head]] + [whole[i : i + 3] for i in range(head, len(whole), 3)])
    return f"{sign}{whole}{decimal_mark}{fraction}" if fraction else f"{sign}{whole}"


# The fields of the platform: the column's digits, and a domain limit well above any real figure but far below
# what breaks a sum (a harvest of 100 000 tonnes in kg; a province's area; a fine under the law's ceiling).
QUANTITY = Limits(max_digits=14, decimal_places=3, max_value=Decimal(100_000_000), allow_zero=False)
RECEIVED_QUANTITY = Limits(max_digits=14, decimal_places=3, max_value=Decimal(100_000_000))
AREA_HA = Limits(max_digits=10, decimal_places=4, max_value=Decimal(100_000), allow_zero=False)
LAB_VALUE = Limits(max_digits=14, decimal_places=6, max_value=Decimal(10_000_000))
FINE_VND = Limits(max_digits=14, decimal_places=0, max_value=Decimal(10_000_000_000))
DAYS = Limits(max_digits=5, decimal_places=0, max_value=Decimal(36_500))  # a shelf life, an interval in days
INDICATOR_VALUE = Limits(max_digits=12, decimal_places=2, min_value=None)

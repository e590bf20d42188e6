"""Numbers typed in forms: one field, one reader for hand-written views, one set of messages.

Everything a person types goes through `core.numbers.parse` (Vietnamese convention; see that module for the
rules); the JSON API goes through `core.numbers.parse_plain` in the services. An ambiguous entry such as
``1.200`` in a field that takes decimals is not stored until confirmed: the form shows it back with a
checkbox named ``<field>_confirm`` whose value is the text as typed; posting the same text with the box
ticked stores the Vietnamese reading (1200).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.numbers import Limits, NumberError, format_number, parse, parse_plain

CONFIRM_SUFFIX = "_confirm"


def locale() -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


def message(exc: NumberError) -> str:
    """Why a number was refused, in the reader's language."""
    params = {k: format_number(v, locale=locale()) if isinstance(v, Decimal) else v for k, v in exc.params.items()}
    texts = {
        "not_a_number": _("Cần nhập một số bằng chữ số, ví dụ 1.200 hoặc 0,12."),
        "too_many_digits": _("Số quá lớn: tối đa %(digits)s chữ số trước dấu phẩy."),
        "too_many_decimals": _("Tối đa %(places)s chữ số sau dấu phẩy."),
        "below_min": _("Không được nhỏ hơn %(min)s."),
        "not_zero": _("Phải lớn hơn 0."),
        "above_max": _("Số quá lớn: tối đa %(max)s."),
    }
    if exc.code == "too_many_decimals" and exc.params.get("places") == 0:
        return _("Cần nhập số nguyên (không có phần thập phân).")
    return texts.get(exc.code, texts["not_a_number"]) % params


BOUND_CODES = frozenset({"too_many_digits", "too_many_decimals", "above_max"})


def required_number(name: str, value: Any, limits: Limits, missing: str) -> Decimal:
    """A plain number for a service to store (a form's Decimal, an API's number or decimal text) within `limits`:
    a ValidationError on `name` saying which bound it broke, or `missing` when it is absent, not a number or not
    allowed by the other limits (zero, negative)."""
    try:
        number = parse_plain(value, limits)
    except NumberError as exc:
        raise ValidationError({name: [message(exc) if exc.code in BOUND_CODES else missing]}) from None
    if number is None:
        raise ValidationError({name: [missing]})
    return number


def ambiguous_message(text: str, value: Decimal, *, confirmable: bool = True) -> str:
    """The question shown back for "1.200": 1200 or 1,2?"""
    params = {
        "text": text,
        "value": format_number(value, locale=locale()),
        "plain": format_number(value, locale=locale(), group=False),
        "alternative": format_number(Decimal("".join(c for c in text if c.isdigit())) / 1000, locale=locale()),
    }
    if confirmable:
        return (
            _(
                "Bạn nhập %(text)s: nghĩa là %(value)s (%(plain)s)? Đánh dấu ô xác nhận rồi lưu lại; "
                "nếu ý bạn là %(alternative)s, hãy viết %(alternative)s."
            )
            % params
        )
    return _("Bạn nhập %(text)s: là %(plain)s hay %(alternative)s? Hãy viết %(plain)s hoặc %(alternative)s.") % params


def read(
    text: Any, limits: Limits, *, required: bool = False, confirmed: str | None = None, confirmable: bool = True
) -> Decimal | None:
    """A number typed by a person, or ValidationError (one message). `confirmed`: the text the person ticked;
    `confirmable=False` where the page has no confirm box (the message then asks to write it unambiguously)."""
    try:
        parsed = parse(text, limits, locale=locale())
    except NumberError as exc:
        raise ValidationError(message(exc), code=exc.code) from None
    if parsed is None:
        if required:
            raise ValidationError(_("Cần nhập số."), code="required")
        return None
    if parsed.ambiguous and (confirmed or "").strip() != str(text).strip():
        question = ambiguous_message(str(text).strip(), parsed.value, confirmable=confirmable)
        raise ValidationError(question, code="ambiguous")
    return parsed.value


def read_field(name: str, text: Any, limits: Limits, *, required: bool = False) -> Decimal | None:
    """`read` for a view without a confirm box: errors as ValidationError({name: [message]})."""
    try:
        return read(text, limits, required=required, confirmable=False)
    except ValidationError as exc:
        raise ValidationError({name: exc.messages}) from None


def read_plain(name: str, value: Any, limits: Limits, *, required: bool = True) -> Decimal | None:
    """A number from the JSON API or a program (services use it), or ValidationError({name: [message]})."""
    try:
        number = parse_plain(value, limits)
    except NumberError as exc:
        raise ValidationError({name: [message(exc)]}) from None
    if number is None and required:
        raise ValidationError({name: [_("Cần nhập số.")]})
    return number


class NumberReader:
    """For views that read `request.POST` themselves: collect every number's error at once."""

    def __init__(self, data: Any) -> None:
        self.data = data
        self.errors: dict[str, list[str]] = {}

    def __call__(self, name: str, limits: Limits, *, required: bool = False, key: str | None = None) -> Any:
        """The number in field `name` (None when empty); on error, records it under `key` (default `name`)
        and returns the text as typed, so the caller can still build its data."""
        text = self.data.get(name, "")
        try:
            return read(text, limits, required=required, confirmed=self.data.get(name + CONFIRM_SUFFIX))
        except ValidationError as exc:
            self.errors.setdefault(key or name, []).extend(exc.messages)
            return text

    def many(self, name: str, limits: Limits, *, key: str | None = None) -> list[Any]:
        """Every value of a repeated field (rows of a table), each read like `__call__` (no confirm box:
        an ambiguous row asks to be written unambiguously)."""
        out: list[Any] = []
        for text in self.data.getlist(name):
            try:
                out.append(read(text, limits, confirmable=False))
            except ValidationError as exc:
                self.errors.setdefault(key or name, []).extend(exc.messages)
                out.append(text)
        return out


class DecimalInput(forms.TextInput):
    """A text box with the phone's number keyboard (and `,`), plus the confirm box when the text is ambiguous."""

    def __init__(self, attrs: dict[str, Any] | None = None, limits: Limits | None = None) -> None:
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})
        self.limits = limits or Limits()

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
            return format_number(value, locale=locale(), group=False)
        return super().format_value(value)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return (data.get(name), data.get(name + CONFIRM_SUFFIX))

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> Any:
        text = value[0] if isinstance(value, tuple) else value
        html = super().render(name, text, attrs, renderer)
        return format_html("{}{}", html, confirm_box(name, text, self.limits))


def confirm_box(name: str, text: Any, limits: Limits) -> str:
    """The checkbox that confirms an ambiguous text ("" when the text is not ambiguous)."""
    try:
        parsed = parse(text, limits, locale=locale()) if isinstance(text, str) else None
    except NumberError:
        return ""
    if parsed is None or not parsed.ambiguous:
        return ""
    return format_html(
        '<label class="confirm-number"><input type="checkbox" name="{}" value="{}" '
        'style="width:auto;min-height:auto"> {}</label>',
        name + CONFIRM_SUFFIX,
        text.strip(),
        _("Đúng, là %(value)s") % {"value": format_number(parsed.value, locale=locale())},
    )


class VietnameseDecimalField(forms.Field):
    """A number typed the Vietnamese way (see `core.numbers`), bounded by `limits`; cleans to a Decimal."""

    def __init__(self, *, limits: Limits, **kwargs: Any) -> None:
        self.limits = limits
        kwargs.setdefault("widget", DecimalInput(limits=limits))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:
        text, confirmed = value if isinstance(value, tuple) else (value, None)
        if isinstance(text, Decimal):
            return text
        return read(text, self.limits, confirmed=confirmed)

    def validate(self, value: Any) -> None:
        if value is None and self.required:
            raise ValidationError(_("Cần nhập số."), code="required")

    def bound_data(self, data: Any, initial: Any) -> Any:
        return data[0] if isinstance(data, tuple) else data

    def has_changed(self, initial: Any, data: Any) -> bool:
        return super().has_changed(initial, data[0] if isinstance(data, tuple) else data)

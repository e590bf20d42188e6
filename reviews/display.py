"""A review's changes in plain words: each field by its label, each value as a person reads it.

A diff (`reviews.subjects.diff`) holds stored values: ids of related rows, choice codes, ISO dates, decimals
as text, ward and province codes, lists of growing-area codes. `changes_for_display` turns them into what an
officer or producer reads: the related row's name (its code small beside it), the choice's label, `dd/mm/yyyy`,
Vietnamese numbers with the unit's name, the ward's name. Nothing here writes.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from vietnam_provinces import Province, ProvinceCode, Ward, WardCode

from core.forms import locale
from core.numbers import format_number


@dataclass(frozen=True)
class Shown:
    """One value as read: `text` (a name, a label, a date) and, when it has one, its `code` shown small beside."""

    text: str
    code: str = ""


def model_for(subject_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(subject_type)
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any] | None:
    for f in model._meta.get_fields():
        if isinstance(f, models.Field) and (f.name == name or getattr(f, "attname", None) == name):
            return f
    return None


def field_label(model: type[models.Model] | None, name: str) -> str:
    """The field's verbose name (`product_id` -> "sản phẩm"); a name the model does not know stays as it is."""
    if model is None:
        return name
    f = _field(model, name)
    if f is None:
        return name
    label = str(f.verbose_name)
    related = f.related_model
    if f.is_relation and label == f.name.replace("_", " ") and isinstance(related, type):
        label = str(related._meta.verbose_name)  # an unnamed foreign key: the related model's name
    return label


def _place(kind: str, value: Any) -> Shown:
    try:
        code = int(value)
        if kind == "ward":
            return Shown(Ward.from_code(WardCode(code)).name)
        return Shown(Province.from_code(ProvinceCode(code)).name)
    except (TypeError, ValueError, KeyError):
        return Shown(str(value))


def _row(model: type[models.Model], pk: Any) -> Shown:
    """A related row by its name, with its identifying code (GTIN, tax code, GLN, area code) small beside it."""
    obj = model._default_manager.filter(pk=pk).first()
    if obj is None:
        return Shown(_("(đã xoá)"), str(pk))
    label = model._meta.label_lower
    if label == "accounts.user":
        return Shown(obj.get_full_name() or obj.get_username())  # type: ignore[attr-defined]
    if label == "catalog.lot":
        return Shown(obj.product.name, obj.lot_code)  # type: ignore[attr-defined]
    name = str(getattr(obj, "name", "") or obj)
    for attr in ("code", "gtin", "tax_code", "gln", "number"):
        code = getattr(obj, attr, "")
        if code and str(code) != name:
            return Shown(name, str(code))
    return Shown(name)


def _areas(codes: Any) -> list[Shown]:
    area_model = apps.get_model("catalog", "GrowingArea")
    wanted = [str(c) for c in (codes or [])]
    names = dict(area_model._default_manager.filter(code__in=wanted).values_list("code", "name"))
    return [Shown(str(names.get(c, c)), c) for c in wanted]


def _date(value: Any, with_time: bool) -> Shown:
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value) if with_time else dt.date.fromisoformat(value[:10])
        except ValueError:
            return Shown(value)
    if isinstance(value, dt.datetime):
        moment = timezone.localtime(value) if timezone.is_aware(value) else value
        return Shown(moment.strftime("%d/%m/%Y %H:%M") if with_time else moment.strftime("%d/%m/%Y"))
    if isinstance(value, dt.date):
        return Shown(value.strftime("%d/%m/%Y"))
    return Shown(str(value))


def _geometry(value: Any) -> Shown:
    points = 0
    if isinstance(value, dict):
        geometry = value.get("geometry", value)
        rings = geometry.get("coordinates") if isinstance(geometry, dict) else None
        if isinstance(rings, list) and rings and isinstance(rings[0], list):
            points = max(len(rings[0]) - 1, 0)  # a closed ring repeats its first point
    return Shown(_("ranh giới %(n)s điểm") % {"n": points} if points else _("ranh giới đã vẽ"))


def shown(model: type[models.Model] | None, name: str, value: Any, record: dict[str, Any] | None = None) -> list[Shown]:
    """The value of field `name` as read (a list: a lot has several origin areas; empty for no value)."""
    if _empty(value):
        return []
    if name == "origin_areas":
        return _areas(value)
    if name == "ward_code":
        return [_place("ward", value)]
    if name == "province_code":
        return [_place("province", value)]
    f = _field(model, name) if model is not None else None
    if f is None:
        return [Shown(", ".join(map(str, value)) if isinstance(value, list) else str(value))]
    if f.is_relation and f.related_model is not None and not f.many_to_many:
        return [_row(f.related_model, value)]  # type: ignore[arg-type]
    if f.choices:
        return [Shown(str(dict(f.flatchoices).get(value, value)))]
    if isinstance(f, models.BooleanField):
        return [Shown(_("Có") if value else _("Không"))]
    if isinstance(f, models.DateTimeField):
        return [_date(value, True)]
    if isinstance(f, models.DateField):
        return [_date(value, False)]
    if isinstance(f, models.DecimalField | models.FloatField | models.IntegerField):
        text = format_number(value, locale=locale())
        unit = (record or {}).get("unit") if name == "quantity" else None
        if unit:
            from core.templatetags.numbers import unit_name

            text = f"{text} {unit_name(unit)}"
        return [Shown(text)]
    if isinstance(f, models.FileField):
        return [Shown(posixpath.basename(str(value)))]
    if isinstance(f, models.JSONField):
        return [_geometry(value)]
    return [Shown(str(value))]


def changes_for_display(
    model: type[models.Model] | None,
    changes: list[dict[str, Any]],
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Each change as {field, label, old, new} with `old`/`new` lists of `Shown` (empty: no value), in the order
    the model declares its fields (the order of its forms)."""
    order: dict[str, int] = {}
    for i, f in enumerate(model._meta.get_fields() if model is not None else []):
        order.setdefault(getattr(f, "attname", None) or f.name, i)
        order.setdefault(f.name, i)
    return [
        {
            "field": c["field"],
            "label": field_label(model, str(c["field"])),
            "old": shown(model, str(c["field"]), c.get("old"), before),
            "new": shown(model, str(c["field"]), c.get("new"), after),
        }
        for c in sorted(changes, key=lambda c: order.get(str(c["field"]), len(order)))
        if not (_empty(c.get("old")) and _empty(c.get("new")))  # "" where there was nothing: no change to read
    ]


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def review_changes(review: Any) -> list[dict[str, Any]]:
    """A stored decision's diff in plain words (the decision page, for the officer and the producer)."""
    return changes_for_display(model_for(review.subject_type), list(review.diff or []), after=review.snapshot)

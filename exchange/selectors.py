"""Reads the exchanges' officer pages share: the open-data push attempts and the province's EUDR statements.

Kept out of the views so that the pages and their tests read the same querysets: what an officer may see is decided
here (the province, the agency's and the officer's communes), not in a template.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.utils.translation import gettext as _

from accounts import permissions
from exchange.choices import StatementStatus
from exchange.eudr.assess import COMMODITIES
from exchange.models import DueDiligenceStatement, OpenDataFile, OpenDataPush, OpenDataPushRun
from exchange.opendata.push import dataset_title

# The commodity of a statement (assess.COMMODITIES' first element), as an officer reads it.
COMMODITY_LABELS = {
    "coffee": "Cà phê",
    "rubber": "Cao su",
    "cocoa": "Ca cao",
    "wood": "Gỗ",
    "soya": "Đậu tương",
    "oil palm": "Dầu cọ",
    "cattle": "Gia súc",
}


def push_attempts() -> QuerySet[OpenDataPush]:
    """Every push attempt, newest first, with its release's files and its attempt number for that release and
    target (1 for the first try, 2 for the first retry…), so the page shows the retries without a query per row."""
    earlier = (
        OpenDataPush.objects.filter(release=OuterRef("release"), target=OuterRef("target"), id__lte=OuterRef("id"))
        .order_by()
        .values("release")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        OpenDataPush.objects.select_related("release", "run__requested_by")
        .prefetch_related(Prefetch("release__files", queryset=OpenDataFile.objects.order_by("path")))
        .annotate(attempt=Subquery(earlier))
        .order_by("-at", "-id")
    )


def datasets_of(push: OpenDataPush) -> list[str]:
    """The bilingual titles of the datasets a push carried, in the release's file order."""
    names = dict.fromkeys(f.dataset for f in push.release.files.all())
    return [dataset_title(n) for n in names]


def latest_run() -> OpenDataPushRun | None:
    return OpenDataPushRun.objects.select_related("requested_by").first()


def province_statements(user: Any, status: str = "") -> QuerySet[DueDiligenceStatement]:
    """The EUDR statements of the organisations an officer covers: this province, within the agency's and the
    officer's communes (`permissions.covers_ward`, as a query) and the agency's product groups (`covers_category`,
    by the statement's commodity); a platform admin sees them all. Nobody else sees any."""
    rows = DueDiligenceStatement.objects.select_related("organization", "shipment__receiver")
    if status in StatementStatus.values:
        rows = rows.filter(status=status)
    if permissions.is_platform_admin(user):
        return rows
    if not permissions.is_agency_officer(user):
        return rows.none()
    agency = user.agency
    rows = rows.filter(organization__province_code=agency.province_code)
    for scope in (agency.scope_ward_codes or [], getattr(user, "scope_ward_codes", None) or []):
        if scope:
            rows = rows.filter(organization__ward_code__in=scope)
    groups = set(agency.scope_categories.values_list("code", flat=True))
    if groups:  # a department of some product groups sees the statements of their commodities only
        rows = rows.filter(commodity__in=[COMMODITIES[g][0] for g in groups if g in COMMODITIES])
    return rows


@dataclass(frozen=True)
class Covered:
    """What a statement covers, in words: a shipment (its buyer and date), a lot, or a season of a product."""

    kind: str
    text: str


def subject_of(s: DueDiligenceStatement) -> Covered:
    if s.shipment_id and s.shipment:
        sh = s.shipment
        buyer = sh.receiver.name if sh.receiver_id and sh.receiver else sh.buyer_name
        return Covered(_("Chuyến hàng"), f"{buyer} · {sh.shipped_at:%d/%m/%Y}" if sh.shipped_at else buyer)
    if s.subject_kind == "lot":
        gtin, _sep, code = s.subject_key.partition("/")
        return Covered(_("Lô hàng"), _("lô %(c)s (GTIN %(g)s)") % {"c": code, "g": gtin})
    gtin, _sep, window = s.subject_key.partition(":")
    start, _sep, end = window.partition(":")
    try:
        days = f"{dt.date.fromisoformat(start):%d/%m/%Y}–{dt.date.fromisoformat(end):%d/%m/%Y}"
    except ValueError:
        days = window
    return Covered(_("Mùa vụ"), _("GTIN %(g)s, sản xuất %(d)s") % {"g": gtin, "d": days})


def commodity_label(code: str) -> str:
    return _(COMMODITY_LABELS[code]) if code in COMMODITY_LABELS else code

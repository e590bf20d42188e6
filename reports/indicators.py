"""Progress of the plan's indicators: computed from the data, or the latest entered figure."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from catalog.choices import LotStatus, OrganizationKind, OrganizationStatus, PriorityGroup
from catalog.models import Lot, Organization, Product
from catalog.validators import ward_name
from reports.choices import IndicatorMethod
from reports.models import Indicator, IndicatorFigure
from training import selectors as training


def plain(value: Decimal) -> str:
    """A decimal without exponent or trailing zeros: 100, 42.5."""
    return format(value.normalize(), "f") if value else "0"


def _share(part: int, whole: int) -> Decimal:
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1")) if whole else Decimal(0)


def _published_by(as_of: dt.date) -> Any:
    end = timezone.make_aware(dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time.min))
    return Lot.objects.filter(status__in=[LotStatus.PUBLISHED, LotStatus.RECALLED], published_at__lt=end)


def computed_value(method: str, as_of: dt.date, ward_code: int | None = None) -> tuple[Decimal, str]:
    """(value, how) for a computed method as of a date; `how` explains the fraction in words."""
    published = _published_by(as_of)
    if ward_code:
        published = published.filter(product__organization__ward_code=ward_code)
    if method == IndicatorMethod.BUSINESS_TRACEABILITY_SHARE:
        businesses = Organization.objects.filter(
            kind__in=[OrganizationKind.ENTERPRISE, OrganizationKind.COOPERATIVE], status=OrganizationStatus.APPROVED
        )
        if ward_code:
            businesses = businesses.filter(ward_code=ward_code)
        whole = businesses.count()
        part = businesses.filter(pk__in=published.values("product__organization_id")).count()
        return _share(part, whole), f"{part}/{whole}"
    if method in (IndicatorMethod.OCOP_TRACED_SHARE, IndicatorMethod.PRIORITY_PRODUCTS_TRACED_SHARE):
        products = Product.objects.filter(organization__status=OrganizationStatus.APPROVED)
        if ward_code:
            products = products.filter(organization__ward_code=ward_code)
        if method == IndicatorMethod.OCOP_TRACED_SHARE:
            products = products.filter(ocop_stars__isnull=False)
        else:
            products = products.filter(priority_group=PriorityGroup.UT1)
        whole = products.count()
        part = products.filter(pk__in=published.values("product_id")).count()
        return _share(part, whole), f"{part}/{whole}"
    if method == IndicatorMethod.ORGANIZATIONS_APPROVED:
        orgs = Organization.objects.exclude(kind=OrganizationKind.AGENCY).filter(
            status=OrganizationStatus.APPROVED, approved_at__date__lte=as_of
        )
        if ward_code:
            orgs = orgs.filter(ward_code=ward_code)
        n = orgs.count()
        return Decimal(n), str(n)
    if method == IndicatorMethod.OFFICERS_TRAINED_SHARE:
        part, whole = training.officers_trained(as_of, ward_code)
        return _share(part, whole), f"{part}/{whole}"
    if method == IndicatorMethod.BUSINESSES_TRAINED_SHARE:
        part, whole = training.businesses_trained(as_of, ward_code)
        return _share(part, whole), f"{part}/{whole}"
    if method == IndicatorMethod.PILOT_MODELS:
        n = training.pilot_models(as_of, ward_code)
        return Decimal(n), str(n)
    if method == IndicatorMethod.MONITORED_ENTERPRISES:
        n = training.monitored_enterprises(as_of, ward_code)
        return Decimal(n), str(n)
    if method == IndicatorMethod.LOTS_PUBLISHED:
        n = published.count()
        return Decimal(n), str(n)
    raise ValueError(method)


def progress(indicator: Indicator, as_of: dt.date | None = None, ward_code: int | None = None) -> dict[str, Any]:
    """Where an indicator stands on `as_of` (default today) against its target and deadline."""
    as_of = as_of or timezone.localdate()
    figure = None
    if indicator.method == IndicatorMethod.MANUAL:
        figure = IndicatorFigure.objects.filter(indicator=indicator, as_of__lte=as_of).first()
        value = figure.value if figure else Decimal(0)
        how = (figure.note or "") if figure else ""
        source = "entered"
    else:
        value, how = computed_value(indicator.method, as_of, ward_code)
        source = "computed"
    target = indicator.target
    ratio = float(value / target * 100) if target else 100.0
    return {
        "code": indicator.code,
        "name": indicator.name,
        "unit": indicator.unit,
        "target": plain(target),
        "value": plain(value),
        "how": how,
        "source": source,
        "deadline": indicator.deadline.isoformat(),
        "as_of": (figure.as_of if figure else as_of).isoformat(),
        "percent_of_target": round(min(ratio, 999.0), 1),
        "met": value >= target,
        "overdue": as_of > indicator.deadline and value < target,
    }


def all_progress(as_of: dt.date | None = None, ward_code: int | None = None) -> list[dict[str, Any]]:
    return [progress(i, as_of, ward_code) for i in Indicator.objects.filter(is_active=True)]


def target_in_force(method: str, as_of: dt.date) -> Indicator | None:
    """The scheme's target for a method in the year of `as_of`: the active indicator whose deadline is the first on
    or after that day (50 % by 2025, then 100 % by 2030), else the last one (a year past every deadline)."""
    targets = Indicator.objects.filter(method=method, is_active=True).order_by("deadline", "pk")
    return targets.filter(deadline__gte=as_of).first() or targets.last()


def people_by_commune(as_of: dt.date, ward_code: int | None = None) -> dict[str, Any]:
    """Training per commune against the scheme's targets for the year of `as_of` (issue 25): the share of the
    commune's officers trained and of its businesses trained, each beside the target in force and whether it is met,
    and its pilot models. The counts are `training.selectors.by_ward`, the same definitions as the province-wide
    indicators; the training page, the agency dashboard and the periodic report (JSON, PDF, XLSX) show this one
    result. A commune without officers (or businesses) on record has no share (None), not 0 %."""
    officers = target_in_force(IndicatorMethod.OFFICERS_TRAINED_SHARE, as_of)
    businesses = target_in_force(IndicatorMethod.BUSINESSES_TRAINED_SHARE, as_of)
    officer_target = officers.target if officers else None
    business_target = businesses.target if businesses else None
    rows = []
    for row in training.by_ward(as_of, ward_code):
        officer_share = _share(row["officers_trained"], row["officers"]) if row["officers"] else None
        business_share = _share(row["businesses_trained"], row["businesses"]) if row["businesses"] else None
        rows.append(
            {
                **row,
                "ward": ward_name(row["ward_code"]),
                "officers_share": plain(officer_share) if officer_share is not None else None,
                "officers_met": None
                if officer_share is None or officer_target is None
                else officer_share >= officer_target,
                "businesses_share": plain(business_share) if business_share is not None else None,
                "businesses_met": None
                if business_share is None or business_target is None
                else business_share >= business_target,
            }
        )
    return {
        "year": as_of.year,
        "as_of": as_of.isoformat(),
        "officers_target": plain(officer_target) if officer_target is not None else None,
        "officers_deadline": officers.deadline.isoformat() if officers else None,
        "businesses_target": plain(business_target) if business_target is not None else None,
        "businesses_deadline": businesses.deadline.isoformat() if businesses else None,
        "rows": rows,
    }

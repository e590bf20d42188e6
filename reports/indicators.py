"""Progress of the plan's indicators: computed from the data, or the latest entered figure."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from catalog.choices import LotStatus, OrganizationKind, OrganizationStatus, PriorityGroup
from catalog.models import Lot, Organization, Product
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

"""Which agency, and which of its officers, follows an organisation's product (issue 25: several departments, one
platform).

An agency is a department (`catalog.choices.Department`) with a scope: the product groups it covers
(`scope_categories`, none: every group) and the communes (`scope_ward_codes`, none: every commune of the province).
Reviews, inspections, recalls and complaints go to the agency of the province whose scope covers the product's
group and the organisation's commune, the most specific one first (a named group and a named commune beat "every"),
then the first registered; when no scope covers it, the province's first agency. A province whose agencies have no
scope routes exactly as before (the first agency).
"""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from catalog.choices import OrganizationKind, OrganizationStatus
from catalog.models import Organization


def agencies_of_province(province_code: int) -> QuerySet[Organization]:
    return Organization.objects.filter(
        kind=OrganizationKind.AGENCY, status=OrganizationStatus.APPROVED, province_code=province_code
    ).order_by("pk")


def route_agency(organization: Organization, category_id: int | None = None) -> Organization | None:
    """The agency that follows `organization` (about a product of `category_id`, if given); None without any."""
    agencies = list(agencies_of_province(organization.province_code).prefetch_related("scope_categories"))
    best: tuple[int, Organization] | None = None
    for agency in agencies:
        categories = {c.pk for c in agency.scope_categories.all()}
        wards = agency.scope_ward_codes or []
        if categories and (category_id is None or category_id not in categories):
            continue
        if wards and organization.ward_code not in wards:
            continue
        score = (2 if categories else 0) + (1 if wards else 0)
        if best is None or score > best[0]:
            best = (score, agency)
    if best is not None:
        return best[1]
    return agencies[0] if agencies else None  # nobody's scope covers it: the first agency, so nothing is lost


def covering_officers(agency: Organization, ward_code: int | None) -> list[User]:
    """The agency's active officers whose own communes (none: all of the agency's) include `ward_code`."""
    officers = User.objects.filter(agency=agency, is_active=True).order_by("pk")
    return [u for u in officers if not u.scope_ward_codes or ward_code in u.scope_ward_codes]

"""Which agency, and which of its officers, follows an organisation's product (issue 25: several departments, one
platform).

An agency is a department (`catalog.choices.Department`) with a scope: the product groups it covers
(`scope_categories`, none: every group) and the communes (`scope_ward_codes`, none: every commune of the province).
Reviews, inspections, recalls and complaints go to the agency of the province whose scope covers the product's
group and the organisation's commune, the most specific one first (a named group and a named commune beat "every"),
then the first registered; when no scope covers it, the province's first agency. A province whose agencies have no
scope routes exactly as before (the first agency). Inside the agency, `responsible_officers` picks who is told.
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


def responsible_officers(organization: Organization, category_id: int | None = None) -> list[User]:
    """The officers told about work on `organization`'s product of `category_id` (a complaint, a lot waiting for
    review, an inspection or a recall that needs an officer): the routed agency's (`route_agency`) active officers
    whose own scope (communes, product groups) is set and covers the organisation's commune and the group; when none
    does, the agency's officers without a scope of their own, so nothing is left unheard. One function for every
    such message, so a complaint and a review of the same product reach the same people."""
    agency = route_agency(organization, category_id)
    if agency is None:
        return []
    officers = list(
        User.objects.filter(agency=agency, is_active=True).prefetch_related("scope_categories").order_by("pk")
    )
    scoped, unscoped = [], []
    for officer in officers:
        categories = {c.pk for c in officer.scope_categories.all()}
        wards = officer.scope_ward_codes or []
        if not categories and not wards:
            unscoped.append(officer)
        elif (not wards or organization.ward_code in wards) and (
            not categories or category_id is None or category_id in categories
        ):
            scoped.append(officer)
    return scoped or unscoped

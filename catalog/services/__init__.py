"""Every write to the catalogue: atomic, checks the actor, writes the audit entry and the ledger leaf.

Views, the API, forms and commands parse input and call exactly one of these.
"""

from catalog.services.lots import (
    create_lot,
    mark_published,
    mark_submitted,
    missing_for_publication,
    recall_lot,
    return_lot_to_draft,
)
from catalog.services.organizations import (
    add_member,
    approve_organization,
    create_organization,
    register_organization,
    suspend_organization,
)
from catalog.services.places import create_facility, create_growing_area
from catalog.services.products import create_certificate, create_product

__all__ = [
    "add_member",
    "approve_organization",
    "create_certificate",
    "create_facility",
    "create_growing_area",
    "create_lot",
    "create_organization",
    "create_product",
    "mark_published",
    "mark_submitted",
    "missing_for_publication",
    "recall_lot",
    "register_organization",
    "return_lot_to_draft",
    "suspend_organization",
]

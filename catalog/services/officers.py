"""An agency's officers: their department and scope (issue 25), set by the agency's head outside the Django admin.

An officer works inside the agency's scope: the communes it lists (`scope_ward_codes`) and the product groups it
covers (`scope_categories`), narrowed by the officer's own lists (empty: all of the agency's). The scope decides what
the officer may act on (`accounts.permissions.is_officer_for`) and which officer is told about a complaint, a lot to
review or an inspection (`catalog.departments.responsible_officers`), so changing it is audited and ledgered like a
decision. Taking a commune or a group away from an officer is confirmed first: work waiting for them in it goes to
another officer from then on.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import User
from accounts.permissions import Actor, require
from catalog.choices import Department
from catalog.models import Organization, PriorityCategory
from catalog.records import officer_scope_payload
from catalog.validators import validate_ward
from core import audit
from core.choices import AuditAction
from core.errors import NotFound
from ledger.services import append_record


class NeedsConfirmation(ValidationError):
    """The change takes communes or product groups away from the officer: ask before writing (nothing written).
    `removed` names them for the confirmation page."""

    def __init__(self, removed_wards: list[int], removed_categories: list[PriorityCategory]) -> None:
        super().__init__(
            _("Thay đổi này bỏ bớt phạm vi phụ trách của cán bộ; cần xác nhận."), code="needs_confirmation"
        )
        self.removed_wards = removed_wards
        self.removed_categories = removed_categories


def scope_of(officer: User) -> dict[str, Any]:
    """The officer's department and scope as stored: the audit's before/after, the same as the ledger's payload."""
    return officer_scope_payload(officer)


def _int_list(field: str, values: Iterable[Any]) -> list[int]:
    out = []
    for value in values:
        text = str(value).strip()
        if not text:
            continue
        if not text.isdigit():
            raise ValidationError({field: [_("Giá trị không hợp lệ: %(value)s.") % {"value": text[:20]}]})
        out.append(int(text))
    return sorted(set(out))


def _wards(agency: Organization, values: Iterable[Any]) -> list[int]:
    codes = _int_list("wards", values)
    for code in codes:
        try:
            validate_ward(agency.province_code, code)
        except ValidationError as exc:
            raise ValidationError({"wards": exc.messages}) from exc
        if agency.scope_ward_codes and code not in agency.scope_ward_codes:
            raise ValidationError({"wards": [_("Xã, phường này nằm ngoài phạm vi của cơ quan.")]})
    return codes


def _categories(agency: Organization, values: Iterable[Any]) -> list[PriorityCategory]:
    ids = _int_list("categories", values)
    found = list(PriorityCategory.objects.filter(pk__in=ids).order_by("sort_order", "pk"))
    if len(found) != len(ids):
        raise ValidationError({"categories": [_("Nhóm sản phẩm không tồn tại.")]})
    allowed = set(agency.scope_categories.values_list("pk", flat=True))
    if allowed and any(c.pk not in allowed for c in found):
        raise ValidationError({"categories": [_("Nhóm sản phẩm này nằm ngoài phạm vi của cơ quan.")]})
    return found


@transaction.atomic
def set_officer_scope(
    *,
    actor: Actor,
    officer: User,
    department: str,
    wards: Iterable[Any],
    categories: Iterable[Any],
    confirmed: bool = False,
) -> User:
    """The agency's head gives one of its officers a department (empty: the agency's own) and a scope: communes of
    the province and product groups, each inside the agency's (empty: all of the agency's). Raises
    `NeedsConfirmation` when a commune or group the officer had is dropped and `confirmed` is false; writes the
    audit entry and the ledger leaf of the officer's new scope; an unchanged scope writes nothing."""
    locked = User.objects.select_for_update().filter(pk=officer.pk, agency__isnull=False).first()
    if locked is None or locked.agency_id is None:
        raise NotFound()
    officer = locked
    agency = Organization.objects.get(pk=locked.agency_id)
    require(permissions.can_manage_officers(actor, agency))
    department = str(department or "").strip()
    if department and department not in Department.values:
        raise ValidationError({"department": [_("Lĩnh vực không hợp lệ.")]})
    new_wards = _wards(agency, wards)
    new_categories = _categories(agency, categories)
    before = scope_of(officer)
    old_wards = set(officer.scope_ward_codes or [])
    old_categories = list(officer.scope_categories.all())
    # an empty list means "all of the agency's": going to it widens the scope, nothing is taken away
    removed_wards = sorted(old_wards - set(new_wards)) if new_wards else []
    kept = {c.pk for c in new_categories}
    removed_categories = [c for c in old_categories if c.pk not in kept] if new_categories else []
    if (removed_wards or removed_categories) and not confirmed:
        raise NeedsConfirmation(removed_wards, removed_categories)
    officer.department_kind = department
    officer.scope_ward_codes = new_wards
    officer.save(update_fields=["department_kind", "scope_ward_codes"])
    officer.scope_categories.set(new_categories)
    officer._scope_category_ids = {c.pk for c in new_categories}  # type: ignore[attr-defined]
    after = scope_of(officer)
    if after == before:
        return officer
    audit.record(
        actor=actor, action=AuditAction.UPDATE, instance=officer, before=before, after=after, organization_id=agency.pk
    )
    append_record(officer)
    return officer

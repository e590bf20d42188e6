"""The agency's officers and their department and scope (issue 25): the agency's head assigns each officer a
department, communes and product groups (`catalog.services.officers.set_officer_scope`), confirming first when a
commune or group is taken away. Every officer of the agency may read the list; only the head may change it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import User
from catalog.choices import Department
from catalog.models import Organization, PriorityCategory
from catalog.services.officers import NeedsConfirmation, set_officer_scope
from catalog.validators import ward_name
from core.errors import Forbidden
from oversight.views.common import error_messages, forbidden, officer_required, paginate, querystring
from oversight.views.reports import wards


def _agency(request: HttpRequest) -> Organization:
    """The officer's agency; a platform admin names one (`?co-quan=`)."""
    agency = permissions.agency_of(request.user)
    if agency is None:
        value = request.GET.get("co-quan") or request.POST.get("co-quan") or ""
        agency = Organization.objects.filter(kind="agency", pk=int(value)).first() if value.isdigit() else None
    if agency is None:
        raise Http404
    return agency


def _choices(agency: Organization) -> dict[str, Any]:
    """What the form offers: departments, and the communes and groups inside the agency's own scope."""
    allowed_wards = set(agency.scope_ward_codes or [])
    categories = PriorityCategory.objects.order_by("sort_order", "pk")
    scope = list(agency.scope_categories.values_list("pk", flat=True))
    return {
        "departments": Department.choices,
        "wards": [w for w in wards() if not allowed_wards or w[0] in allowed_wards],
        "categories": categories.filter(pk__in=scope) if scope else categories,
    }


def _row(officer: User) -> dict[str, Any]:
    return {
        "officer": officer,
        "department": Department(officer.department_kind).label if officer.department_kind else "",
        "wards": [ward_name(code) for code in officer.scope_ward_codes or []],
        "categories": [c.name for c in officer.scope_categories.all()],
    }


@officer_required
def officers(request: HttpRequest) -> HttpResponse:
    agency = _agency(request)
    if not (permissions.is_platform_admin(request.user) or getattr(request.user, "agency_id", None) == agency.pk):
        return forbidden(request)
    page = paginate(
        request,
        User.objects.filter(agency=agency).prefetch_related("scope_categories").order_by("first_name", "username"),
    )
    return render(
        request,
        "oversight/officers/list.html",
        {
            "section": "officers",
            "agency": agency,
            "agency_department": Department(agency.department_kind).label,
            "rows": [_row(o) for o in page],
            "page": page,
            "qs": querystring(request),
            "can_manage": permissions.can_manage_officers(request.user, agency),
        },
    )


@officer_required
def officer(request: HttpRequest, pk: int) -> HttpResponse:
    target = User.objects.filter(pk=pk, agency__isnull=False).select_related("agency").first()
    if target is None or target.agency is None:
        raise Http404
    agency = target.agency
    if not permissions.can_manage_officers(request.user, agency):
        return forbidden(request)
    errors: list[str] = []
    chosen = {
        "department": target.department_kind,
        "wards": set(target.scope_ward_codes or []),
        "categories": set(target.scope_categories.values_list("pk", flat=True)),
    }
    if request.method == "POST":
        department = request.POST.get("department", "")
        ward_values = request.POST.getlist("wards")
        category_values = request.POST.getlist("categories")
        try:
            set_officer_scope(
                actor=request.user,
                officer=target,
                department=department,
                wards=ward_values,
                categories=category_values,
                confirmed=request.POST.get("confirm") == "yes",
            )
        except NeedsConfirmation as exc:
            return render(
                request,
                "oversight/officers/confirm.html",
                {
                    "section": "officers",
                    "target": target,
                    "department": department,
                    "ward_values": ward_values,
                    "category_values": category_values,
                    "removed_wards": [ward_name(code) for code in exc.removed_wards],
                    "removed_categories": [c.name for c in exc.removed_categories],
                },
            )
        except Forbidden:
            return forbidden(request)
        except ValidationError as exc:
            errors = error_messages(exc)
            chosen = {
                "department": department,
                "wards": {int(v) for v in ward_values if v.isdigit()},
                "categories": {int(v) for v in category_values if v.isdigit()},
            }
        else:
            messages.success(request, _("Đã lưu phạm vi phụ trách của %(name)s.") % {"name": _name(target)})
            url = redirect("oversight:officers")
            if agency.pk != getattr(request.user, "agency_id", None):
                url["Location"] += f"?co-quan={agency.pk}"
            return url
    return render(
        request,
        "oversight/officers/edit.html",
        {
            "section": "officers",
            "target": target,
            "name": _name(target),
            "agency_department": Department(agency.department_kind).label,
            "chosen": chosen,
            "errors": errors,
            **_choices(agency),
        },
        status=400 if errors else 200,
    )


def _name(user: User) -> str:
    return user.get_full_name() or user.username

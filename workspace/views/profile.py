"""Organisation profile: members, API tokens, facilities, growing areas (map), certificates, products."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.forms import ward_choices
from accounts.models import ApiToken, Membership, TokenScope
from accounts.services import TOKEN_DEFAULT_DAYS, create_api_token, revoke_api_token
from catalog import services as catalog
from catalog.choices import CertificateKind, CertificateScope, FacilityKind, OrganizationStatus
from catalog.models import Certificate, Facility, GrowingArea, PriorityCategory, Product
from core.forms import NumberReader
from core.numbers import AREA_HA, DAYS
from workspace.selectors import EXPIRY_WARNING_DAYS
from workspace.services import create_member_account
from workspace.views.common import error_status, member_view, page_of, run

TOKEN_DAYS_CHOICES = (30, 90, 180, 365, 730)  # the form's choice of expiry (the service allows 1..730 days)


@member_view
def profile(request: HttpRequest) -> HttpResponse:
    org = request.org  # type: ignore[attr-defined]
    errors: dict[str, list[str]] = {}
    new_token = ""
    if request.method == "POST" and request.POST.get("form") == "member":
        _m, errors = run(
            request,
            lambda: create_member_account(
                actor=request.user, organization=org, data=request.POST.dict(), role=request.POST.get("role", "staff")
            ),
            _("Đã thêm thành viên."),
        )
    elif request.method == "POST" and request.POST.get("form") == "token":
        result, errors = run(
            request,
            lambda: create_api_token(
                actor=request.user,
                organization=org,
                name=request.POST.get("name", ""),
                scopes=request.POST.getlist("scopes"),
                expires_days=request.POST.get("expires_days", ""),  # type: ignore[arg-type]  # the service checks
            ),
        )
        if result:
            new_token = result[1]
    context = {
        "nav": "profile",
        "members": Membership.objects.filter(organization=org).select_related("user"),
        "tokens": ApiToken.objects.filter(organization=org).select_related("created_by"),
        "new_token": new_token,
        "token_scopes": TokenScope.choices,
        "token_days": TOKEN_DAYS_CHOICES,
        "token_checked": (
            request.POST.getlist("scopes") if errors and request.POST.get("form") == "token" else TokenScope.values
        ),
        "token_default_days": TOKEN_DEFAULT_DAYS,
        "can_create_tokens": org.status == OrganizationStatus.APPROVED,
        "errors": errors,
        "is_owner": request.role == "owner",  # type: ignore[attr-defined]
        "counts": {
            "facilities": Facility.objects.filter(organization=org).count(),
            "areas": GrowingArea.objects.filter(organization=org).count(),
            "certificates": Certificate.objects.filter(organization=org).count(),
            "products": Product.objects.filter(organization=org).count(),
        },
    }
    return render(request, "workspace/profile.html", context, status=error_status(errors))


@require_POST
@member_view
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = ApiToken.objects.filter(pk=pk, organization=request.org).first()  # type: ignore[attr-defined]
    if token is not None:
        run(request, lambda: revoke_api_token(actor=request.user, token=token), _("Đã thu hồi khoá API."))
    return redirect("workspace:profile")


@member_view
def facilities(request: HttpRequest) -> HttpResponse:
    org = request.org  # type: ignore[attr-defined]
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data: dict[str, Any] = request.POST.dict()
        data["ward_code"] = int(data["ward_code"]) if data.get("ward_code", "").isdigit() else None
        facility, errors = run(
            request,
            lambda: catalog.create_facility(actor=request.user, organization=org, data=data),
            _("Đã thêm cơ sở."),
        )
        if facility is not None:
            return redirect("workspace:facilities")
    context = {
        "nav": "profile",
        "items": Facility.objects.filter(organization=org),
        "kinds": FacilityKind.choices,
        "wards": ward_choices(org.province_code),
        "errors": errors,
        "post": request.POST,
    }
    return render(request, "workspace/facilities.html", context, status=error_status(errors))


@member_view
def areas(request: HttpRequest) -> HttpResponse:
    org = request.org  # type: ignore[attr-defined]
    items = GrowingArea.objects.filter(organization=org).order_by("code")
    shapes = [{"code": a.code, "name": a.name, "boundary": a.boundary} for a in items]
    return render(request, "workspace/areas.html", {"nav": "profile", "items": items, "shapes": shapes})


def _boundary(request: HttpRequest) -> Any:
    upload = request.FILES.get("geojson")
    text = upload.read(2_000_000).decode("utf-8", "replace") if upload else request.POST.get("boundary", "")
    try:
        value = json.loads(text) if text else None
    except ValueError:
        return "invalid"
    if isinstance(value, dict) and value.get("type") == "FeatureCollection" and value.get("features"):
        value = value["features"][0]
    if isinstance(value, dict) and value.get("type") == "Feature":
        value = value.get("geometry")
    return value


@member_view
def area_new(request: HttpRequest) -> HttpResponse:
    org = request.org  # type: ignore[attr-defined]
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data: dict[str, Any] = request.POST.dict()
        data["boundary"] = _boundary(request)
        data["ward_code"] = int(data["ward_code"]) if data.get("ward_code", "").isdigit() else None
        data["facility"] = Facility.objects.filter(organization=org, pk=data.get("facility") or 0).first()
        number = NumberReader(request.POST)
        data["declared_area_ha"] = number("declared_area_ha", AREA_HA, required=True)
        area, errors = run(
            request,
            lambda: catalog.create_growing_area(actor=request.user, organization=org, data=data),
            _("Đã thêm vùng trồng."),
            number.errors,
        )
        if area is not None:
            return redirect("workspace:areas")
    facility = Facility.objects.filter(organization=org, latitude__isnull=False).first()
    centre = [float(str(facility.latitude)), float(str(facility.longitude))] if facility else [14.35, 108.0]
    context = {
        "nav": "profile",
        "errors": errors,
        "post": request.POST,
        "facilities": Facility.objects.filter(organization=org),
        "wards": ward_choices(org.province_code),
        "centre": centre,
        "tiles": "",
    }
    return render(request, "workspace/area_new.html", context, status=error_status(errors))


@member_view
def certificates(request: HttpRequest) -> HttpResponse:
    org = request.org  # type: ignore[attr-defined]
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        post = request.POST
        data: dict[str, Any] = {k: post.get(k, "") for k in ("kind", "number", "issuer", "scope")}
        for name in ("valid_from", "valid_to"):
            try:
                data[name] = dt.date.fromisoformat(post.get(name, ""))
            except ValueError:
                data[name] = None
        data["growing_area"] = GrowingArea.objects.filter(organization=org, pk=post.get("growing_area") or 0).first()
        data["facility"] = Facility.objects.filter(organization=org, pk=post.get("facility") or 0).first()
        data["product"] = Product.objects.filter(organization=org, pk=post.get("product") or 0).first()
        cert, errors = run(
            request,
            lambda: catalog.create_certificate(
                actor=request.user, organization=org, data=data, document=request.FILES.get("document")
            ),
            _("Đã thêm chứng nhận."),
        )
        if cert is not None:
            return redirect("workspace:certificates")
    today = timezone.localdate()
    items = [
        (c, c.is_valid_on(today), (c.valid_to - today).days)
        for c in Certificate.objects.filter(organization=org).select_related("growing_area", "product")
    ]
    context = {
        "nav": "profile",
        "items": items,
        "warn_days": EXPIRY_WARNING_DAYS,
        "kinds": CertificateKind.choices,
        "scopes": CertificateScope.choices,
        "areas": GrowingArea.objects.filter(organization=org),
        "facilities": Facility.objects.filter(organization=org),
        "products": Product.objects.filter(organization=org),
        "errors": errors,
        "post": request.POST,
    }
    return render(request, "workspace/certificates.html", context, status=error_status(errors))


@member_view
def products(request: HttpRequest) -> HttpResponse:
    org = request.org  # type: ignore[attr-defined]
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data: dict[str, Any] = request.POST.dict()
        number = NumberReader(request.POST)  # "30 ngày" is refused with a message, not dropped
        data["shelf_life_days"] = number("shelf_life_days", DAYS)
        product, errors = run(
            request,
            lambda: catalog.create_product(
                actor=request.user, organization=org, data=data, image=request.FILES.get("image")
            ),
            _("Đã thêm sản phẩm."),
            number.errors,
        )
        if product is not None:
            return redirect("workspace:products")
    context = {
        "nav": "profile",
        "page": page_of(request, Product.objects.filter(organization=org).select_related("category")),
        "categories": PriorityCategory.objects.filter(is_active=True),
        "errors": errors,
        "post": request.POST,
    }
    return render(request, "workspace/products.html", context, status=error_status(errors))

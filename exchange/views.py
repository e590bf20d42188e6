"""Pages of the exchanges: the exporter's EUDR pages, the officer's national-portal outbox, the open-data page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import Actor
from catalog.models import Facility, Lot, Product
from exchange import fsma, selectors
from exchange.choices import ImportStatus, MappingKind, PortalStatus, StatementStatus
from exchange.eudr import package as eudr_package
from exchange.eudr.assess import COMMODITIES, CUTOFF, assess_lots
from exchange.eudr.services import covered, prepare, record_reference
from exchange.imports import services as imports
from exchange.imports import sheet
from exchange.models import DueDiligenceStatement, IdentifierMapping, ImportBatch, OpenDataRelease, PortalRecord
from exchange.national.services import replay
from exchange.opendata.datasets import DATASETS
from exchange.opendata.push import BUSY, pending, progress_of, request_push
from logistics.models import Shipment
from oversight.views.common import error_messages, officer_required, paginate, querystring
from workspace.views.common import member_view


def _shipment(request: HttpRequest, public_id: Any) -> Shipment:
    return get_object_or_404(Shipment.objects.select_related("sender"), public_id=public_id, sender=request.org)  # type: ignore[attr-defined]


def _map(plots: list[Any]) -> dict[str, Any]:
    """The plots as SVG polygons in a 300×300 box (lon → x, lat → y upwards), coloured by their result."""
    rings = []
    for p in plots:
        g = p.area.boundary if isinstance(p.area.boundary, dict) else {}
        if g.get("type") == "Polygon":
            rings.append((p, g["coordinates"][0]))
        elif g.get("type") == "MultiPolygon":
            rings += [(p, poly[0]) for poly in g["coordinates"]]
        elif g.get("type") == "Point":
            x, y = g["coordinates"][:2]
            rings.append((p, [[x, y]]))
    xs = [c[0] for _, r in rings for c in r]
    ys = [c[1] for _, r in rings for c in r]
    if not xs:
        return {"shapes": []}
    x0, y0 = min(xs), min(ys)
    span = max(max(xs) - x0, max(ys) - y0) or 0.001
    shapes = []
    for p, ring in rings:
        points = " ".join(f"{10 + (x - x0) / span * 280:.1f},{290 - (y - y0) / span * 280:.1f}" for x, y in ring)
        shapes.append({"points": points, "ok": p.ok, "title": f"{p.area.name} ({p.area.code})", "dot": len(ring) == 1})
    return {"shapes": shapes}


EUDR_CATEGORIES = list(COMMODITIES)


@member_view
def eudr_list(request: HttpRequest) -> HttpResponse:
    """The exporter's starting points: a shipment, one of its lots, or a season's lots of a product."""
    org = request.org  # type: ignore[attr-defined]
    shipments = Shipment.objects.filter(sender=org).order_by("-shipped_at")
    statements = DueDiligenceStatement.objects.filter(organization=org).select_related("shipment")
    lots = Lot.objects.filter(product__organization=org, product__category__code__in=EUDR_CATEGORIES)
    products = Product.objects.filter(organization=org, category__code__in=EUDR_CATEGORIES).order_by("name")
    return render(
        request,
        "exchange/eudr_list.html",
        {
            "page": paginate(request, shipments),
            "statements": statements[:20],
            "lots": lots.select_related("product").order_by("-production_date", "-id")[:30],
            "products": products,
            "nav": "eudr",
        },
    )


def _season(request: HttpRequest) -> tuple[Product, dt.date, dt.date]:
    """The season asked for: `product` (id) and `from`/`to` (dd/mm/yyyy or ISO dates)."""
    product = get_object_or_404(Product, pk=request.GET.get("product") or 0, organization=request.org)  # type: ignore[attr-defined]
    days = []
    for name in ("from", "to"):
        text = request.GET.get(name, "").strip()
        for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
            try:
                days.append(dt.datetime.strptime(text, fmt).date())
                break
            except ValueError:
                continue
        else:
            raise ValidationError(_("Ngày không hợp lệ (dd/mm/yyyy) / Invalid date: %(d)s") % {"d": text[:20]})
    return product, days[0], days[1]


def _covered(request: HttpRequest, kind: str, ref: Any) -> dict[str, Any]:
    """The keyword (shipment, lot or season) the EUDR services take, for the page's subject."""
    if kind == "shipment":
        return {"shipment": _shipment(request, ref)}
    if kind == "lot":
        lot = get_object_or_404(Lot.objects.select_related("product__organization"), pk=ref)
        if lot.product.organization_id != request.org.pk:  # type: ignore[attr-defined]
            raise Http404
        return {"lot": lot}
    return {"season": _season(request)}


def _eudr_page(request: HttpRequest, kind: str, ref: Any) -> HttpResponse:
    errors: list[str] = []
    try:
        which = _covered(request, kind, ref)
        subject, lines = covered(**which)
    except ValidationError as exc:
        messages.error(request, " ".join(error_messages(exc)))
        return redirect("exchange:eudr")
    statements = DueDiligenceStatement.objects.filter(
        organization=subject.operator, subject_kind=subject.kind, subject_key=subject.key
    )
    if request.method == "POST":
        try:
            if request.POST.get("action") == "reference":
                statement = get_object_or_404(statements, pk=request.POST.get("statement", "0"))
                record_reference(
                    actor=request.user,
                    statement=statement,
                    reference_number=request.POST.get("reference_number", ""),
                    verification_number=request.POST.get("verification_number", ""),
                )
                messages.success(request, _("Đã lưu số tham chiếu DDS."))
            else:
                prepare(actor=request.user, hs_code=request.POST.get("hs_code", ""), **which)
                messages.success(request, _("Đã lập hồ sơ. Hãy tải gói dữ liệu và nộp lên hệ thống của EU."))
            return redirect(request.get_full_path())
        except ValidationError as exc:
            errors = error_messages(exc)
    a = assess_lots(subject, lines, request.user)
    query = f"?{request.GET.urlencode()}" if kind == "season" else ""
    return render(
        request,
        "exchange/eudr_detail.html",
        {
            "subject": subject,
            "a": a,
            "map": _map(a.plots),
            "statements": statements,
            "errors": errors,
            "cutoff": CUTOFF,
            "download": f"{request.path}goi.zip{query}",
            "nav": "eudr",
        },
        status=400 if errors else 200,
    )


def _eudr_zip(request: HttpRequest, kind: str, ref: Any) -> HttpResponse:
    try:
        subject, lines = covered(**_covered(request, kind, ref))
    except ValidationError as exc:
        return HttpResponse(" ".join(error_messages(exc)), status=400, content_type="text/plain; charset=utf-8")
    a = assess_lots(subject, lines, request.user)
    statement = DueDiligenceStatement.objects.filter(
        organization=subject.operator, subject_kind=subject.kind, subject_key=subject.key
    ).first()
    data = eudr_package.package(a, statement.reference_number if statement else "")
    response = HttpResponse(data, content_type="application/zip")
    name = "".join(c if c.isalnum() or c in "-_" else "-" for c in subject.key)
    response["Content-Disposition"] = f'attachment; filename="eudr-{subject.kind}-{name}.zip"'
    return response


@member_view
def eudr_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _eudr_page(request, "shipment", public_id)


@member_view
def eudr_download(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _eudr_zip(request, "shipment", public_id)


@member_view
def eudr_lot(request: HttpRequest, pk: int) -> HttpResponse:
    return _eudr_page(request, "lot", pk)


@member_view
def eudr_lot_download(request: HttpRequest, pk: int) -> HttpResponse:
    return _eudr_zip(request, "lot", pk)


@member_view
def eudr_season(request: HttpRequest) -> HttpResponse:
    return _eudr_page(request, "season", None)


@member_view
def eudr_season_download(request: HttpRequest) -> HttpResponse:
    return _eudr_zip(request, "season", None)


@officer_required
def national_records(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    records = PortalRecord.objects.all()
    if status in PortalStatus.values:
        records = records.filter(status=status)
    counts = {s.value: PortalRecord.objects.filter(status=s.value).count() for s in PortalStatus}
    return render(
        request,
        "exchange/national.html",
        {
            "page": paginate(request, records),
            "status": status,
            "statuses": [(s.value, s.label, counts[s.value]) for s in PortalStatus],
            "section": "exchange",
            "tab": "national",
        },
    )


@officer_required
@require_POST
def national_replay(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(PortalRecord, pk=pk)
    try:
        replay(actor=request.user, record=record)
        messages.success(request, _("Đã xếp lại bản ghi để gửi."))
    except ValidationError as exc:
        for m in error_messages(exc):
            messages.error(request, m)
    return redirect("exchange:national")


@officer_required
def open_data_pushes(request: HttpRequest) -> HttpResponse:
    """Every push to the warehouse (when, where, the datasets and files with their SHA-256, the answer, which try),
    and the last "push now" with its progress while it runs."""
    page = paginate(request, selectors.push_attempts())
    run = selectors.latest_run()
    busy = run is not None and run.status in BUSY
    return render(
        request,
        "exchange/open_data_pushes.html",
        {
            "page": page,
            "rows": [(p, selectors.datasets_of(p)) for p in page],
            "run": run,
            "busy": busy,
            "progress": progress_of(run) if run else "",
            "target": settings.TRUYXUAT_OPEN_DATA_PUSH_URL,
            "section": "exchange",
            "tab": "pushes",
        },
    )


@officer_required
def open_data_push_now(request: HttpRequest) -> HttpResponse:
    """The confirmation of "push now" (what will be written and sent, and where), then the request itself."""
    target = settings.TRUYXUAT_OPEN_DATA_PUSH_URL
    errors: list[str] = []
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            errors = [_("Hãy xác nhận trước khi đẩy / Please confirm before pushing.")]
        else:
            try:
                request_push(actor=request.user)
                messages.success(request, _("Đã xếp lịch đẩy dữ liệu. Trang này cập nhật tiến độ."))
                return redirect("exchange:open_data_pushes")
            except ValidationError as exc:
                errors = error_messages(exc)
    return render(
        request,
        "exchange/open_data_push_now.html",
        {
            "target": target,
            "waiting": len(pending(target)) if target else 0,
            "errors": errors,
            "section": "exchange",
            "tab": "pushes",
        },
        status=400 if errors else 200,
    )


@officer_required
def eudr_province(request: HttpRequest) -> HttpResponse:
    """The EUDR statements recorded by the organisations the officer covers: what, who, the DDS reference, when."""
    status = request.GET.get("status", "")
    page = paginate(request, selectors.province_statements(request.user, status))
    return render(
        request,
        "exchange/eudr_province.html",
        {
            "page": page,
            "rows": [(s, selectors.subject_of(s), selectors.commodity_label(s.commodity)) for s in page],
            "status": status if status in StatementStatus.values else "",
            "statuses": StatementStatus.choices,
            "qs": querystring(request),
            "section": "exchange",
            "tab": "eudr",
        },
    )


def open_data(request: HttpRequest) -> HttpResponse:
    release = OpenDataRelease.objects.prefetch_related("files").first()
    return render(
        request,
        "exchange/open_data.html",
        {
            "datasets": [(d.name, d.title, d.fields) for d in DATASETS.values()],
            "release": release,
            "license": settings.TRUYXUAT_OPEN_DATA_LICENSE,
        },
    )


def open_data_file(request: HttpRequest, pk: int, name: str) -> FileResponse:
    release = get_object_or_404(OpenDataRelease, pk=pk)
    if name != "datapackage.json" and not release.files.filter(path=name).exists():
        raise Http404
    return FileResponse(open(Path(release.directory) / name, "rb"), as_attachment=True, filename=name)


def _fsma_sheet(request: HttpRequest, actor: Actor) -> tuple[Any, str]:
    """The sheet asked for by `lot` (GTIN/lot code) or `start`/`end` (dd/mm/yyyy or ISO dates), or an error."""
    lot = request.GET.get("lot", "").strip()
    if lot:
        gtin, _sep, code = lot.partition("/")
        if not (gtin.isdigit() and len(gtin) == 14 and code):
            return None, _("Ghi lô theo dạng GTIN/số lô, ví dụ 08930000000017/L01.")
        return fsma.for_lot(gtin, code, actor), ""
    try:
        start = dt.date.fromisoformat(request.GET.get("start", ""))
        end = dt.date.fromisoformat(request.GET.get("end", ""))
    except ValueError:
        return None, _("Chọn một lô, hoặc ngày bắt đầu và ngày kết thúc.") if request.GET else ""
    if end < start or (end - start).days > 366:
        return None, _("Khoảng ngày không hợp lệ (tối đa một năm).")
    return fsma.for_range(start, end, actor), ""


@member_view
def fsma_sheet(request: HttpRequest) -> HttpResponse:
    sheet, error = _fsma_sheet(request, request.user)
    fmt = request.GET.get("format", "")
    if sheet is not None and fmt in ("xlsx", "csv"):
        data = fsma.to_xlsx(sheet) if fmt == "xlsx" else fsma.to_csv(sheet)
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" if fmt == "xlsx" else "text/csv"
        response = HttpResponse(data, content_type=kind)
        response["Content-Disposition"] = f'attachment; filename="fsma204.{fmt}"'
        return response
    return render(
        request,
        "exchange/fsma.html",
        {"sheet": sheet, "error": error, "columns": fsma.COLUMNS, "query": request.GET.urlencode(), "nav": "fsma"},
        status=400 if error else 200,
    )


@member_view
def import_list(request: HttpRequest) -> HttpResponse:
    """Upload an Excel sheet (the template) or an EPCIS document; the organisation's imports and its mapping."""
    errors: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = [_("Chọn một tệp / Choose a file.")]
        elif upload.size and upload.size > settings.TRUYXUAT_MAX_UPLOAD_BYTES:
            errors = [_("Tệp quá lớn / File too large.")]
        else:
            try:
                batch = imports.upload(
                    actor=request.user,
                    organization=request.org,  # type: ignore[attr-defined]
                    filename=upload.name or "",
                    data=upload.read(),
                )
                return redirect("exchange:import_detail", pk=batch.pk)
            except ValidationError as exc:
                errors = error_messages(exc)
    batches = ImportBatch.objects.filter(organization=request.org).defer("content")  # type: ignore[attr-defined]
    mappings = IdentifierMapping.objects.filter(organization=request.org).select_related(  # type: ignore[attr-defined]
        "product", "lot__product", "facility"
    )
    return render(
        request,
        "exchange/imports.html",
        {"page": paginate(request, batches), "mappings": mappings[:200], "errors": errors, "nav": "imports"},
        status=400 if errors else 200,
    )


def import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        sheet.template(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-du-lieu.xlsx"'
    return response


def _suggestions(org: Any) -> dict[str, list[str]]:
    """The organisation's own products, lots and facilities, offered while mapping (any other is typed)."""
    products = Product.objects.filter(organization=org).order_by("name")[:200]
    lots = Lot.objects.filter(product__organization=org).select_related("product").order_by("-id")[:200]
    places = Facility.objects.filter(organization=org).order_by("name")[:200]
    return {
        MappingKind.PRODUCT: [f"{p.gtin} — {p.name}" for p in products],
        MappingKind.LOT: [f"{lot.product.gtin}/{lot.lot_code} — {lot.product.name}" for lot in lots],
        MappingKind.LOCATION: [f"{f.gln} — {f.name}" for f in places],
    }


@member_view
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The preview (every row's problems), the identifiers to map once, the start button, then the progress."""
    batch = get_object_or_404(ImportBatch.objects.select_related("organization"), pk=pk, organization=request.org)  # type: ignore[attr-defined]
    errors: list[str] = []
    if request.method == "POST":
        try:
            if request.POST.get("action") == "start":
                imports.start(actor=request.user, batch=batch)
                messages.success(request, _("Đã bắt đầu nhập. Trang này cập nhật tiến độ."))
            else:
                kind = request.POST.get("kind", "")
                for code, target in zip(request.POST.getlist("code"), request.POST.getlist("target"), strict=False):
                    if target.strip():
                        imports.save_mapping(
                            actor=request.user,
                            organization=batch.organization,
                            kind=kind,
                            foreign_code=code,
                            target=target,
                        )
            return redirect("exchange:import_detail", pk=batch.pk)
        except ValidationError as exc:
            errors = error_messages(exc)
    busy = batch.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)
    p = imports.preview(batch) if batch.status == ImportStatus.UPLOADED else None
    kinds = dict(MappingKind.choices)
    return render(
        request,
        "exchange/import_detail.html",
        {
            "batch": batch,
            "p": p,
            "unmapped": [(k, kinds[k], codes) for k, codes in p.unmapped.items() if codes] if p else [],
            "suggestions": _suggestions(batch.organization),
            "done": imports.done_so_far(batch),
            "busy": busy,
            "errors": errors,
            "nav": "imports",
        },
        status=400 if errors else 200,
    )

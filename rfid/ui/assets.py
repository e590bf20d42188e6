"""The RFID labels page (what the organisation can tag: its units, its stamp batches still printable, its returnable
assets), a stamp batch's ZPL, and the returnable assets' registry with their labels (a page to print, ZPL). The
label pages and files of every kind go through `rfid.labels` (one label path); the one write, registering assets,
calls `rfid.services.assets.register_assets`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.core.exceptions import ValidationError
from django.db.models import BigIntegerField, QuerySet
from django.db.models.functions import Cast
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from rfid import labels, selectors
from rfid.models import AssetType, ReturnableAsset
from rfid.services.assets import register_assets
from stamps.models import StampBatch
from stamps.qr import svg
from workspace.views.common import error_status, member_view, page_of, run

LABELS_PER_PAGE = 50


@member_view
def index(request: HttpRequest) -> HttpResponse:
    """What can be labelled for RFID, each with its labels page or ZPL file."""
    org = request.org  # type: ignore[attr-defined]
    context = {
        "nav": "rfid",
        "units": page_of(request, selectors.label_units(org)),
        "batches": selectors.label_batches(org)[:50],
        "types": selectors.asset_types(org),
    }
    return render(request, "rfid/label_index.html", context)


def _zpl(chunks: Iterable[str], name: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type="application/vnd.zebra.zpl; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.zpl"'
    response["Cache-Control"] = "no-store"
    return response


@member_view
def stamp_zpl(request: HttpRequest, pk: int) -> HttpResponse | StreamingHttpResponse:
    """A stamp batch's labels for RFID printers: each item's SGTIN-96 written on its tag, QR, serial, check code."""
    batch = StampBatch.objects.select_related("product", "lot", "organization").filter(pk=pk).first()
    if batch is None or batch.organization_id != request.org.pk:  # type: ignore[attr-defined]
        raise Http404
    try:
        items = labels.stamp_labels(actor=request.user, batch=batch)
    except ValidationError as exc:
        context = {"nav": "rfid", "problems": exc.messages}
        return render(request, "rfid/label_refused.html", context, status=409)
    return _zpl(labels.zpl_stream(items), f"tem-{batch.pk}")


@member_view
def assets(request: HttpRequest) -> HttpResponse:
    """The registry: each kind with its GRAI and count, the assets with where they were last read; the form that
    registers more (then their labels open)."""
    org = request.org  # type: ignore[attr-defined]
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data = {"kind": request.POST.get("kind", ""), "count": request.POST.get("count", "")}
        made, errors = run(
            request,
            lambda: register_assets(actor=request.user, organization=org, data=data),
            _("Đã đăng ký tài sản; in nhãn RFID cho chúng bên dưới."),
        )
        if made:
            url = reverse("rfid:asset_labels", args=[made[0].asset_type_id])
            return redirect(f"{url}?tu={made[0].serial}&den={made[-1].serial}")
    context = {
        "nav": "rfid",
        "types": selectors.asset_types(org),
        "page": page_of(request, selectors.assets(org)),
        "errors": errors,
        "posted": request.POST if errors else {},
    }
    return render(request, "rfid/assets.html", context, status=error_status(errors))


def _range(request: HttpRequest, pk: int) -> tuple[AssetType, QuerySet[ReturnableAsset], dict[str, int]]:
    """The kind and its assets, within serials `tu`..`den` when given (whole numbers, else 400)."""
    kind = AssetType.objects.filter(pk=pk, organization=request.org).first()  # type: ignore[attr-defined]
    if kind is None:
        raise Http404
    rows = selectors.assets(kind.organization, kind).annotate(number=Cast("serial", BigIntegerField()))
    bounds: dict[str, int] = {}
    for name, lookup in (("tu", "number__gte"), ("den", "number__lte")):
        text = request.GET.get(name, "").strip()
        if text:
            if not text.isdigit() or len(text) > 12:
                raise ValidationError(_("Số sê-ri phải là số nguyên dương. / A serial is a whole number."))
            bounds[name] = int(text)
            rows = rows.filter(**{lookup: int(text)})
    return kind, rows.order_by("number"), bounds


def _refused(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return render(request, "rfid/label_refused.html", {"nav": "rfid", "problems": exc.messages}, status=400)


@member_view
def asset_labels(request: HttpRequest, pk: int) -> HttpResponse:
    """A kind's labels to print (QR, GRAI, the GRAI-96 its tag carries), a page at a time, and the range's ZPL."""
    try:
        kind, rows, bounds = _range(request, pk)
    except ValidationError as exc:
        return _refused(request, exc)
    page = page_of(request, rows, LABELS_PER_PAGE)
    printed = [(label, svg(label.link, scale=3).decode()) for label in map(labels.asset_label, page)]
    query = "&".join(f"{k}={v}" for k, v in bounds.items())
    zpl_url = reverse("rfid:asset_zpl", args=[kind.pk]) + (f"?{query}" if query else "")
    context = {"nav": "rfid", "rows": printed, "page": page, "title": kind.name, "zpl_url": zpl_url}
    return render(request, "rfid/labels.html", context)


@member_view
def asset_zpl(request: HttpRequest, pk: int) -> HttpResponse | StreamingHttpResponse:
    try:
        kind, rows, _bounds = _range(request, pk)
    except ValidationError as exc:
        return _refused(request, exc)

    def each() -> Iterator[labels.Label]:
        for asset in rows.iterator(chunk_size=500):
            yield labels.asset_label(asset)

    return _zpl(labels.zpl_stream(each()), f"grai-{kind.grai}")

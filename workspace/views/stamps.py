"""Stamps and consumers: request stamp batches, print labels, see scans, answer feedback."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog.choices import LotStatus
from catalog.models import Lot, Product
from core.forms import NumberReader
from core.numbers import Limits
from feedback.models import Feedback
from feedback.selectors import for_organization
from feedback.services import answer_feedback
from quality.selectors import with_hold_flag
from stamps.choices import LabelJobStatus, LabelLayout
from stamps.models import LabelJob, Scan, StampBatch
from stamps.services import request_batch
from stamps.services.batches import MAX_BATCH
from stamps.services.labels import request_labels
from workspace.views.common import error_status, member_view, page_of, run

STAMP_COUNT = Limits(max_digits=9, decimal_places=0, max_value=Decimal(MAX_BATCH), allow_zero=False)


@member_view
def stamps(request: HttpRequest) -> HttpResponse:

    org = request.org  # type: ignore[attr-defined]
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        post = request.POST
        product = Product.objects.filter(organization=org, pk=post.get("product") or 0).first()
        lot = Lot.objects.filter(product__organization=org, pk=post.get("lot") or 0).first()
        if product is None and lot is not None:
            product = lot.product
        number = NumberReader(post)
        count = number("quantity", STAMP_COUNT, required=True)
        if product is None:
            errors = {"product": [_("Chọn sản phẩm.")]}
        else:
            _b, errors = run(
                request,
                lambda: request_batch(
                    actor=request.user,
                    product=product,
                    quantity=int(count) if isinstance(count, Decimal) else 0,
                    lot=lot,
                    layout=post.get("layout") or LabelLayout.A4_65,
                    note=post.get("note", ""),
                ),
                _("Đã gửi đề nghị cấp tem; cơ quan quản lý sẽ duyệt."),
                number.errors,
            )
            if not errors:
                return redirect("workspace:stamps")
    gtins = list(Product.objects.filter(organization=org).values_list("gtin", flat=True))
    scans = Scan.objects.filter(gtin__in=gtins).values("gtin", "lot_code").annotate(n=Count("id")).order_by("-n")[:20]
    names = dict(Product.objects.filter(organization=org).values_list("gtin", "name"))
    context = {
        "nav": "lots",
        "batches": page_of(request, StampBatch.objects.filter(organization=org).select_related("product", "lot")),
        "products": Product.objects.filter(organization=org),
        "lots": with_hold_flag(
            Lot.objects.filter(product__organization=org, status=LotStatus.PUBLISHED).select_related("product")
        ),
        "layouts": LabelLayout.choices,
        "scans": [{"name": names.get(s["gtin"], s["gtin"]), **s} for s in scans],
        "recent_scans": Scan.objects.filter(gtin__in=gtins)[:10],
        "preselect": request.GET.get("lot", ""),
        "errors": errors,
    }
    return render(request, "workspace/stamps.html", context, status=error_status(errors))


@require_POST
@member_view
def stamp_labels(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for the label sheet PDF of an approved batch: a job makes it; its page shows the progress."""

    batch = StampBatch.objects.filter(pk=pk, organization=request.org).first()  # type: ignore[attr-defined]
    if batch is None:
        raise Http404
    job, errors = run(request, lambda: request_labels(actor=request.user, batch=batch))
    if errors or job is None:
        return redirect("workspace:stamps")
    return redirect("workspace:stamp_label_job", pk=job.pk)


@member_view
def stamp_label_job(request: HttpRequest, pk: int) -> HttpResponse:
    """The label sheet being made (polled while it runs), then its download link."""

    org = request.org  # type: ignore[attr-defined]
    job = LabelJob.objects.select_related("batch__product").filter(pk=pk, batch__organization=org).first()
    if job is None:
        raise Http404
    running = job.status in (LabelJobStatus.QUEUED, LabelJobStatus.RUNNING)
    template = "workspace/partials/label_job.html" if getattr(request, "htmx", False) else "workspace/label_job.html"
    return render(request, template, {"nav": "lots", "job": job, "running": running})


@member_view
def feedback(request: HttpRequest) -> HttpResponse:

    org = request.org  # type: ignore[attr-defined]
    context = {"nav": "profile", "page": page_of(request, for_organization(org).prefetch_related("answers"))}
    return render(request, "workspace/feedback.html", context)


@require_POST
@member_view
def feedback_answer(request: HttpRequest, pk: int) -> HttpResponse:

    item = Feedback.objects.filter(pk=pk, organization=request.org).first()  # type: ignore[attr-defined]
    if item is None:
        raise Http404
    run(
        request,
        lambda: answer_feedback(
            actor=request.user, feedback=item, body=request.POST.get("body", ""), close=bool(request.POST.get("close"))
        ),
        _("Đã trả lời phản ánh."),
    )
    return redirect("workspace:feedback")

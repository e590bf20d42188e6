"""Review queues and decisions: organisations, lots, stamp batch requests, changed master data."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import permissions
from catalog.models import PriorityCategory
from core.errors import Forbidden
from oversight.views.common import flash_errors, forbidden, officer_required, paginate, querystring
from reviews import display, selectors, services
from reviews.choices import Decision
from reviews.models import Review, ReviewPolicy
from reviews.subjects import diff, resolve, snapshot, subject_for

TABS = ["lot", "organization", "stamp_batch", "master_data"]


@officer_required
def queue(request: HttpRequest) -> HttpResponse:
    tab = request.GET.get("tab", "lot")
    if tab not in TABS:
        tab = "lot"
    officer = request.user
    items: object
    if tab == "lot":
        from quality.selectors import with_hold_flag

        items = with_hold_flag(selectors.pending_lots(officer))
    elif tab == "organization":
        items = selectors.pending_organizations(officer)
    elif tab == "stamp_batch":
        items = selectors.pending_stamp_batches(officer)
    else:
        items = selectors.pending_master_data(officer)
    page = paginate(request, items)
    if tab == "master_data":
        page.object_list = selectors.label_entries(list(page.object_list))
    return render(
        request,
        "oversight/reviews/queue.html",
        {
            "section": "reviews",
            "tab": tab,
            "counts": selectors.queue_counts(officer),
            "page": page,
            "qs": querystring(request),
            "recent": selectors.recent_decisions(officer)[:10],
        },
    )


def _subject_or_404(subject_type: str, subject_id: str):  # type: ignore[no-untyped-def]
    try:
        return resolve(subject_type, subject_id)
    except (LookupError, ObjectDoesNotExist, ValueError) as exc:
        raise Http404 from exc


@officer_required
def detail(request: HttpRequest, subject_type: str, subject_id: str) -> HttpResponse:
    subject = _subject_or_404(subject_type, subject_id)
    kind = subject_for(subject)
    org = kind.organization(subject)
    if not permissions.is_officer_for(request.user, org):
        return forbidden(request)
    if request.method == "POST":
        decision = request.POST.get("decision", "")
        try:
            services.decide(
                actor=request.user, subject=subject, decision=decision, reason=request.POST.get("reason", "")
            )
        except ValidationError as exc:
            flash_errors(request, exc)
        except Forbidden:
            return forbidden(request)
        else:
            messages.success(request, _("Đã ghi quyết định và thông báo cho tổ chức."))
            return redirect(f"{_queue_url()}?tab={kind.kind}")
    before = selectors.baseline(subject)
    current = snapshot(subject)
    model = type(subject)
    return render(
        request,
        "oversight/reviews/detail.html",
        {
            "section": "reviews",
            "subject": subject,
            "subject_type": subject_type,
            "kind": kind,
            "label": kind.label(subject),
            "organization": org,
            "lot_state": selectors.lot_state(subject),
            "changes": display.changes_for_display(model, diff(before, current), before, current),
            "is_new": before is None,
            "evidence": selectors.evidence(subject),
            "documents": selectors.registration_documents(subject),
            "history": selectors.history(subject),
            "decisions": Decision.choices,
            "can_approve": Decision.APPROVED in kind.effects or kind.kind == "master_data",
        },
    )


def _queue_url() -> str:
    from django.urls import reverse

    return reverse("oversight:reviews")


def decision(request: HttpRequest, pk: int) -> HttpResponse:
    """One decision: visible to officers and to members of the organisation it concerns (the notification link)."""
    review = get_object_or_404(Review.objects.select_related("organization", "decided_by"), pk=pk)
    user = request.user
    if not (permissions.is_officer_for(user, review.organization) or permissions.is_member(user, review.organization)):
        if not user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        return forbidden(request)
    return render(
        request,
        "oversight/reviews/decision.html",
        {
            "section": "reviews",
            "review": review,
            "changes": display.review_changes(review),
            "subject_link": _link(user, review),
        },
    )


def _link(user: object, review: Review) -> str:
    """Where the person reading a decision works on its record: the officer's review page, the producer's lot."""
    from django.urls import reverse

    if permissions.is_officer_for(user, review.organization):
        return reverse("oversight:review", args=[review.subject_type, review.subject_id])
    if review.subject_type == "catalog.lot":
        return reverse("workspace:lot", args=[review.subject_id])
    return ""


@officer_required
def policies(request: HttpRequest) -> HttpResponse:
    categories = list(PriorityCategory.objects.filter(is_active=True))
    existing = {p.category_id: p for p in ReviewPolicy.objects.all()}
    return render(
        request,
        "oversight/reviews/policies.html",
        {"section": "reviews", "rows": [(c, existing.get(c.pk)) for c in categories]},
    )


@require_POST
@officer_required
def set_policy(request: HttpRequest, category_id: int) -> HttpResponse:
    category = get_object_or_404(PriorityCategory, pk=category_id)
    try:
        services.set_policy(
            actor=request.user,
            category=category,
            auto_approve_lots=request.POST.get("auto_approve_lots") == "on",
            max_risk_class=request.POST.get("max_risk_class", "low"),
        )
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("Đã lưu chính sách phê duyệt cho nhóm %(name)s.") % {"name": category.name})
    return redirect("oversight:review_policies")

"""News pages: the public list and page (published ones only), the public page of participating organisations and
live figures, and the agency's editor (Markdown, image, scheduled publication, withdrawal after confirming)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from catalog import selectors as catalog_selectors
from catalog.choices import OrganizationKind
from news import selectors, services
from news.models import Article, ArticleKind
from oversight.views.common import error_messages, officer_required, paginate
from reports import stats

PAGE_SIZE = 10


@require_safe
def articles(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("loai")
    items = selectors.published()
    if kind in ArticleKind.values:
        items = items.filter(kind=kind)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "news/list.html", {"page": page, "kind": kind, "kinds": ArticleKind.choices})


@require_safe
def article(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(selectors.published(), pk=pk)
    return render(request, "news/article.html", {"item": item, "body": selectors.render(item.body)})


@require_safe
def participation(request: HttpRequest) -> HttpResponse:
    """Who takes part and what is traced, counted now (reports.stats): products, lots, scans."""
    today = timezone.localdate()
    figures = stats.figures(today.replace(month=1, day=1), today)
    orgs = catalog_selectors.public_organizations()
    by_kind = [
        (label, orgs.filter(kind=value).count()) for value, label in OrganizationKind.choices if value != "agency"
    ]
    page = Paginator(orgs.order_by("name"), 20).get_page(request.GET.get("page"))
    context = {"f": figures, "by_kind": by_kind, "page": page, "latest": selectors.published()[:3], "today": today}
    return render(request, "news/participation.html", context)


@officer_required
def manage(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        item = get_object_or_404(Article, pk=request.POST.get("article") or 0)
        if request.POST.get("confirm") != "yes":
            return render(request, "news/confirm_withdraw.html", {"section": "news", "item": item})
        services.withdraw_article(actor=request.user, article=item, confirmed=True)
        messages.success(request, _("Đã gỡ bài."))
        return redirect("news:manage")
    page = paginate(request, Article.objects.all())
    return render(request, "news/manage.html", {"section": "news", "page": page, "now": timezone.now()})


@officer_required
def edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    item = get_object_or_404(Article, pk=pk) if pk else None
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data = {k: request.POST.get(k, "") for k in ("kind", "title", "summary", "body", "image_alt", "publish_at")}
        try:
            item = services.save_article(actor=request.user, data=data, image=request.FILES.get("image"), article=item)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"form": error_messages(exc)}
        else:
            messages.success(request, _("Đã lưu bài."))
            return redirect("news:manage")
    posted = request.POST if request.method == "POST" else None
    context = {
        "section": "news",
        "item": item,
        "posted": posted,
        "errors": errors,
        "kinds": ArticleKind.choices,
        "preview": selectors.render(item.body) if item else "",
    }
    return render(request, "news/edit.html", context, status=400 if errors else 200)

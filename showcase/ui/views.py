"""The producer's showcase page in the workspace (/trung-bay-cua-toi/, on the workspace's base template): the story,
photos and shop links buyers see, and buyers' inquiries with an answer form. Each write calls one
`showcase.services` function; removals ask for confirmation in the browser and on the server (`confirm=1`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from showcase import selectors, services
from showcase.choices import Platform
from showcase.models import Inquiry, Photo, ShopLink
from workspace.views.common import errors_of, member_view


def _act(request: HttpRequest, org: Any) -> str:
    """Run the posted action; returns the success message (raises ValidationError on bad input)."""
    action = request.POST.get("action", "")
    actor = request.user
    if action == "story":
        services.save_story(actor=actor, organization=org, text=request.POST.get("text", ""))
        return _("Đã lưu câu chuyện.")
    if action == "shop":
        services.add_shop(
            actor=actor, organization=org, platform=request.POST.get("platform", ""), url=request.POST.get("url", "")
        )
        return _("Đã thêm gian hàng.")
    if action == "photo":
        image = request.FILES.get("image")
        if image is None:
            raise ValidationError({"image": [_("Chọn một ảnh.")]})
        services.add_photo(actor=actor, organization=org, image=image, caption=request.POST.get("caption", ""))
        return _("Đã thêm ảnh.")
    if action in {"remove_shop", "remove_photo"}:
        if request.POST.get("confirm") != "1":
            raise ValidationError({"__all__": [_("Hãy xác nhận trước khi xoá.")]})
        if action == "remove_shop":
            services.remove_shop(
                actor=actor, shop=get_object_or_404(ShopLink, pk=request.POST.get("pk"), organization=org)
            )
        else:
            services.remove_photo(
                actor=actor, photo=get_object_or_404(Photo, pk=request.POST.get("pk"), organization=org)
            )
        return _("Đã xoá.")
    if action == "answer":
        inquiry = get_object_or_404(Inquiry, pk=request.POST.get("pk"), organization=org)
        services.answer_inquiry(actor=actor, inquiry=inquiry, answer=request.POST.get("answer", ""))
        return _("Đã gửi trả lời tới người mua.")
    raise ValidationError({"__all__": [_("Thao tác không hợp lệ.")]})


@member_view
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    org = request.org  # type: ignore[attr-defined]
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            done = _act(request, org)
        except ValidationError as exc:
            errors = errors_of(exc)
        else:
            messages.success(request, done)
            return redirect("showcase-ui:index")
    context = {
        "nav": "profile",
        "story": selectors.story_of(org),
        "photos": list(Photo.objects.filter(organization=org)),
        "shops": list(ShopLink.objects.filter(organization=org)),
        "platforms": Platform.choices,
        "inquiries": list(selectors.inquiries_of(org)[:50]),
        "public": selectors.showcase_products().filter(organization=org).exists(),
        "errors": errors,
        "post": request.POST if errors else {},
    }
    return render(request, "showcase/ui/index.html", context, status=400 if errors else 200)

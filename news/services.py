"""Writing news pages: agency officers only; the image checked by content and size; audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Actor, agency_of, is_agency_officer, person, require
from core import audit
from core.choices import AuditAction
from core.uploads import IMAGE_TYPES, check_upload
from news.models import Article, ArticleKind

IMAGE_MAX_BYTES = 3 * 1024 * 1024


def _publish_at(value: Any, errors: dict[str, list[str]]) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        errors["publish_at"] = [_("Thời điểm đăng không hợp lệ. / Invalid publication time.")]
        return None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


@transaction.atomic
def save_article(
    *, actor: Actor, data: dict[str, Any], image: UploadedFile | None = None, article: Article | None = None
) -> Article:
    """Create or edit a page. No publication time keeps it a draft; a future one schedules it."""
    require(is_agency_officer(actor))
    errors: dict[str, list[str]] = {}
    before = audit.snapshot(article) if article else None
    article = article or Article(agency=agency_of(actor), created_by=person(actor))
    for name, limit in (("title", 200), ("summary", 300), ("body", 20000), ("image_alt", 200)):
        text = str(data.get(name) or "").strip()
        if name in ("title", "body") and not text:
            errors[name] = [_("Cần điền mục này. / This field is required.")]
        elif len(text) > limit:
            errors[name] = [_("Quá dài: tối đa %(n)s ký tự. / Too long: at most %(n)s characters.") % {"n": limit}]
        setattr(article, name, text)
    kind = data.get("kind") or ArticleKind.NEWS
    if kind not in ArticleKind.values:
        errors["kind"] = [_("Hãy chọn một giá trị trong danh sách. / Choose a value from the list.")]
    article.kind = kind
    article.publish_at = _publish_at(data.get("publish_at"), errors)
    if image is not None:
        try:
            check_upload(image, IMAGE_TYPES, IMAGE_MAX_BYTES)
        except ValidationError as exc:
            errors["image"] = list(exc.messages)
        if not article.image_alt and "image_alt" not in errors:
            errors["image_alt"] = [_("Hãy mô tả ảnh cho người không xem được. / Describe the image.")]
    if errors:
        raise ValidationError(errors)
    if image is not None:
        article.image.save(image.name or "image", image, save=False)
    article.save()
    audit.record(
        actor=actor, action=AuditAction.UPDATE if before else AuditAction.CREATE, instance=article, before=before
    )
    return article


@transaction.atomic
def withdraw_article(*, actor: Actor, article: Article, confirmed: bool) -> Article:
    require(is_agency_officer(actor))
    if not confirmed:
        raise ValidationError(_("Hãy xác nhận trước khi gỡ bài. / Confirm before withdrawing."))
    before = audit.snapshot(article)
    article.withdrawn = True
    article.save(update_fields=["withdrawn", "updated_at"])
    audit.record(actor=actor, action=AuditAction.REVOKE, instance=article, before=before)
    return article

"""Feedback writes: a consumer submits (rate-limited), producers and agencies answer and change the status."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.permissions import Actor, require
from catalog.models import Lot, Product
from catalog.services.common import field
from core import audit
from core.choices import AuditAction
from core.errors import Throttled
from core.uploads import IMAGE_TYPES, check_upload
from feedback.choices import FeedbackKind, FeedbackStatus
from feedback.models import Feedback, FeedbackAnswer
from stamps.secrets import address_hash

PER_HOUR = 5
PER_DAY = 20
MAX_MESSAGE = 4000
TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_tracking_code() -> str:
    body = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(8))
    return f"PA-{body[:4]}-{body[4:]}"


def normalise_tracking_code(code: str) -> str:
    text = "".join(c for c in code.upper() if c.isalnum())
    if text.startswith("PA"):
        text = text[2:]
    return f"PA-{text[:4]}-{text[4:8]}" if len(text) == 8 else ""


def check_rate(address: str) -> str:
    """The address's hash, after refusing one that sent too much feedback in the last hour or day."""
    hashed = address_hash(address)
    now = timezone.now()
    recent = Feedback.objects.filter(address_hash=hashed)
    if (
        recent.filter(created_at__gte=now - dt.timedelta(hours=1)).count() >= PER_HOUR
        or recent.filter(created_at__gte=now - dt.timedelta(days=1)).count() >= PER_DAY
    ):
        raise Throttled()
    return hashed


def can_answer(actor: Actor, item: Feedback) -> bool:
    """Members of the producer and agency officers of its province answer feedback."""
    return permissions.can_edit_organization_data(actor, item.organization) or permissions.is_officer_for(
        actor, item.organization
    )


@transaction.atomic
def submit_feedback(
    *,
    actor: Actor,
    product: Product,
    address: str,
    data: dict[str, Any],
    lot: Lot | None = None,
    photo: UploadedFile | None = None,
) -> Feedback:
    """Anyone (signed in or not) sends feedback about a public product; limited per network address."""
    hashed = check_rate(address)
    message = str(data.get("message", "")).strip()
    if len(message) < 2:
        raise ValidationError({"message": [_("Hãy viết nội dung (ít nhất 2 ký tự).")]})
    if len(message) > MAX_MESSAGE:
        raise ValidationError({"message": [_("Nội dung tối đa %(n)s ký tự.") % {"n": MAX_MESSAGE}]})
    kind = data.get("kind") or FeedbackKind.FEEDBACK
    if kind not in FeedbackKind.values:
        raise ValidationError({"kind": [_("Loại phản ánh không hợp lệ.")]})
    rating = data.get("rating") or None
    if rating is not None:
        try:
            rating = int(rating)
        except (TypeError, ValueError):
            rating = 0
        if not 1 <= rating <= 5:
            raise ValidationError({"rating": [_("Đánh giá từ 1 đến 5 sao.")]})
    if lot is not None and lot.product_id != product.pk:
        raise ValidationError({"lot": [_("Lô hàng không thuộc sản phẩm này.")]})
    item = Feedback(
        tracking_code=new_tracking_code(),
        kind=kind,
        organization=product.organization,
        product=product,
        lot=lot,
        serial=str(data.get("serial", ""))[:20],
        rating=rating,
        message=message,
        contact_name=str(data.get("contact_name", "")).strip()[:100],
        contact=str(data.get("contact", "")).strip()[:120],
        address_hash=hashed,
    )
    return store(actor=actor, item=item, photo=photo, organization_id=product.organization_id)


def store(*, actor: Actor, item: Feedback, photo: Any, organization_id: int) -> Feedback:
    """Save a new feedback (any kind) inside the caller's transaction: its photo checked like every upload, a
    tracking code no other feedback has, and its audit entry."""
    if photo is not None:
        field("photo", lambda f: check_upload(f, IMAGE_TYPES), photo)
        item.photo = photo
    while Feedback.objects.filter(tracking_code=item.tracking_code).exists():
        item.tracking_code = new_tracking_code()
    item.save()
    audit.record(actor=actor, action=AuditAction.CREATE, instance=item, organization_id=organization_id)
    return item


@transaction.atomic
def answer_feedback(*, actor: Actor, feedback: Feedback, body: str, close: bool = False) -> FeedbackAnswer:
    """The producer or an agency officer answers; the answer is public on the follow page."""
    feedback = Feedback.objects.select_for_update(of=("self",)).select_related("organization").get(pk=feedback.pk)
    require(can_answer(actor, feedback))
    body = body.strip()
    if not body:
        raise ValidationError({"body": [_("Cần nhập nội dung trả lời.")]})
    if permissions.is_member(actor, feedback.organization):
        organization = feedback.organization
    else:
        organization = permissions.agency_of(actor) or feedback.organization
    answer = FeedbackAnswer.objects.create(
        feedback=feedback,
        author=permissions.person(actor),
        organization=organization,
        body=body[:MAX_MESSAGE],
    )
    before = audit.snapshot(feedback)
    feedback.status = FeedbackStatus.CLOSED if close else FeedbackStatus.ANSWERED
    feedback.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=feedback,
        before=before,
        organization_id=feedback.organization_id,
    )
    audit.record(actor=actor, action=AuditAction.CREATE, instance=answer, organization_id=feedback.organization_id)
    return answer


@transaction.atomic
def set_status(*, actor: Actor, feedback: Feedback, status: str) -> Feedback:
    feedback = Feedback.objects.select_for_update(of=("self",)).select_related("organization").get(pk=feedback.pk)
    require(can_answer(actor, feedback))
    if status not in FeedbackStatus.values:
        raise ValidationError({"status": [_("Trạng thái không hợp lệ.")]})
    before = audit.snapshot(feedback)
    feedback.status = status
    feedback.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=feedback,
        before=before,
        organization_id=feedback.organization_id,
    )
    return feedback

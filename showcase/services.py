"""Writes of the showcase: a buyer's inquiry (anyone, rate-limited per network address), the producer's answer
(mailed to the buyer with the producer's contact: the first time the buyer sees it), the producer's story, photos
and shop links. Each is one transaction with its audit entry."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.permissions import Actor, person, require
from catalog.models import Organization, Product
from core import audit
from core.choices import AuditAction
from core.errors import Throttled
from core.uploads import IMAGE_TYPES, check_upload
from notifications.choices import NotificationKind
from notifications.services import email_after_commit, notify_organization
from showcase.choices import PLATFORM_HOSTS, InquiryStatus, Platform
from showcase.models import Inquiry, Photo, ShopLink, Story
from showcase.selectors import showcase_products
from stamps.secrets import address_hash

PER_HOUR = 5
PER_DAY = 20
MAX_PHOTOS = 8
MAX_SHOPS = 10


def _fail(name: str, message: str) -> ValidationError:
    return ValidationError({name: [message]})


def check_rate(address: str) -> str:
    """The address's hash, after refusing one that sent too many inquiries in the last hour or day."""
    hashed = address_hash(address)
    now = timezone.now()
    recent = Inquiry.objects.filter(address_hash=hashed)
    if (
        recent.filter(created_at__gte=now - dt.timedelta(hours=1)).count() >= PER_HOUR
        or recent.filter(created_at__gte=now - dt.timedelta(days=1)).count() >= PER_DAY
    ):
        raise Throttled()
    return hashed


@transaction.atomic
def send_inquiry(*, actor: Actor | None, product: Product, address: str, data: dict[str, Any]) -> Inquiry:
    """A buyer asks the producer of a showcased product; the producer is told in its workspace and by e-mail."""
    if not showcase_products().filter(pk=product.pk).exists():
        raise _fail("product", _("Sản phẩm này không có trong trưng bày."))
    hashed = check_rate(address)
    name = str(data.get("buyer_name", "")).strip()
    email = str(data.get("email", "")).strip()
    message = str(data.get("message", "")).strip()
    errors: dict[str, list[str]] = {}
    if len(name) < 2:
        errors["buyer_name"] = [_("Hãy ghi họ tên.")]
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("Thư điện tử không hợp lệ: người bán trả lời vào địa chỉ này.")]
    if len(message) < 5:
        errors["message"] = [_("Hãy viết nội dung (ít nhất 5 ký tự).")]
    if errors:
        raise ValidationError(errors)
    org = product.organization
    inquiry = Inquiry.objects.create(
        product=product,
        organization=org,
        buyer_name=name[:120],
        company=str(data.get("company", "")).strip()[:200],
        email=email,
        phone=str(data.get("phone", "")).strip()[:20],
        quantity=str(data.get("quantity", "")).strip()[:60],
        message=message[:2000],
        address_hash=hashed,
    )
    audit.record(actor=actor, action=AuditAction.CREATE, instance=inquiry, organization_id=org.pk)
    who = f"{inquiry.buyer_name}" + (f" ({inquiry.company})" if inquiry.company else "")
    notify_organization(
        org,
        kind=NotificationKind.OTHER,
        title=_("Hỏi mua %(product)s từ %(who)s") % {"product": product.name, "who": who},
        body=_("%(message)s\n\nSố lượng: %(quantity)s. Trả lời trong mục Trưng bày sản phẩm.")
        % {"message": inquiry.message, "quantity": inquiry.quantity or "—"},
        link=reverse("showcase-ui:index") + f"#inquiry-{inquiry.pk}",
        about=inquiry,
    )
    return inquiry


def _contact(org: Organization) -> str:
    lines = [org.name, org.full_address]
    if org.phone:
        lines.append(_("Điện thoại: %(phone)s") % {"phone": org.phone})
    if org.email:
        lines.append(_("Thư điện tử: %(email)s") % {"email": org.email})
    return "\n".join(line for line in lines if line)


@transaction.atomic
def answer_inquiry(*, actor: Actor, inquiry: Inquiry, answer: str) -> Inquiry:
    """A member of the producer answers; the answer and the producer's contact are mailed to the buyer."""
    inquiry = (
        Inquiry.objects.select_for_update(of=("self",)).select_related("organization", "product").get(pk=inquiry.pk)
    )
    org = inquiry.organization
    require(permissions.can_write(actor, org))
    answer = (answer or "").strip()
    if len(answer) < 2:
        raise _fail("answer", _("Hãy viết câu trả lời."))
    before = audit.snapshot(inquiry)
    inquiry.answer = answer[:4000]
    inquiry.status = InquiryStatus.ANSWERED
    inquiry.answered_at = timezone.now()
    inquiry.answered_by = person(actor)
    inquiry.save(update_fields=["answer", "status", "answered_at", "answered_by"])
    audit.record(actor=actor, action=AuditAction.UPDATE, instance=inquiry, before=before, organization_id=org.pk)
    subject = _("%(org)s trả lời câu hỏi về %(product)s") % {"org": org.name, "product": inquiry.product.name}
    body = _("%(answer)s\n\n— Liên hệ người bán —\n%(contact)s\n\nCâu hỏi của bạn: %(question)s") % {
        "answer": inquiry.answer,
        "contact": _contact(org),
        "question": inquiry.message,
    }
    email_after_commit(subject, body, [inquiry.email])
    return inquiry


def _story(org: Organization) -> Story:
    return Story.objects.select_for_update().get_or_create(organization=org)[0]


@transaction.atomic
def save_story(*, actor: Actor, organization: Organization, text: str) -> Story:
    require(permissions.can_write(actor, organization))
    text = (text or "").strip()
    if len(text) > 4000:
        raise _fail("text", _("Câu chuyện dài tối đa 4.000 ký tự."))
    story = _story(organization)
    before = audit.snapshot(story)
    story.text = text
    story.save()
    audit.record(actor=actor, action=AuditAction.UPDATE, instance=story, before=before, organization_id=organization.pk)
    return story


def check_shop_url(platform: str, url: str) -> str:
    """An https address with a host of the chosen platform (any host for the producer's own site); no password,
    no odd port. Returns the address as given, trimmed."""
    url = (url or "").strip()
    if platform not in Platform.values:
        raise _fail("platform", _("Chọn sàn thương mại điện tử."))
    try:
        URLValidator(schemes=["https"])(url)
    except ValidationError:
        raise _fail("url", _("Địa chỉ gian hàng phải bắt đầu bằng https:// và đầy đủ.")) from None
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.username or parts.password or parts.port not in (None, 443):
        raise _fail("url", _("Địa chỉ gian hàng không hợp lệ."))
    hosts = PLATFORM_HOSTS.get(platform, ())
    if hosts and not any(host == h or host.endswith("." + h) for h in hosts):
        raise _fail(
            "url",
            _("Địa chỉ này không thuộc %(platform)s (%(hosts)s).")
            % {"platform": Platform(platform).label, "hosts": ", ".join(hosts)},
        )
    return url


@transaction.atomic
def add_shop(*, actor: Actor, organization: Organization, platform: str, url: str) -> ShopLink:
    require(permissions.can_write(actor, organization))
    url = check_shop_url(platform, url)
    if ShopLink.objects.filter(organization=organization).count() >= MAX_SHOPS:
        raise _fail("url", _("Tối đa %(n)s gian hàng.") % {"n": MAX_SHOPS})
    if ShopLink.objects.filter(organization=organization, url=url).exists():
        raise _fail("url", _("Gian hàng này đã có."))
    shop = ShopLink.objects.create(organization=organization, platform=platform, url=url)
    audit.record(actor=actor, action=AuditAction.CREATE, instance=shop, organization_id=organization.pk)
    return shop


@transaction.atomic
def remove_shop(*, actor: Actor, shop: ShopLink) -> None:
    require(permissions.can_write(actor, shop.organization))
    audit.record(actor=actor, action=AuditAction.DELETE, instance=shop, organization_id=shop.organization_id)
    shop.delete()


@transaction.atomic
def add_photo(*, actor: Actor, organization: Organization, image: UploadedFile, caption: str = "") -> Photo:
    require(permissions.can_write(actor, organization))
    try:
        check_upload(image, IMAGE_TYPES)
    except ValidationError as exc:
        raise _fail("image", exc.messages[0]) from None
    if Photo.objects.filter(organization=organization).count() >= MAX_PHOTOS:
        raise _fail("image", _("Tối đa %(n)s ảnh.") % {"n": MAX_PHOTOS})
    photo = Photo.objects.create(organization=organization, image=image, caption=(caption or "").strip()[:200])
    audit.record(actor=actor, action=AuditAction.CREATE, instance=photo, organization_id=organization.pk)
    return photo


@transaction.atomic
def remove_photo(*, actor: Actor, photo: Photo) -> None:
    require(permissions.can_write(actor, photo.organization))
    audit.record(actor=actor, action=AuditAction.DELETE, instance=photo, organization_id=photo.organization_id)
    storage, name = photo.image.storage, photo.image.name
    photo.delete()
    transaction.on_commit(lambda: storage.delete(name))  # the file goes only once the row is gone

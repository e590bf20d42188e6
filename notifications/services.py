"""Notifying organisations and consumers: a row in the workspace now, an e-mail as a job.

`notify_organization(...)` is what domain apps call inside their own transaction; the e-mail is a job
(`notifications.jobs`) enqueued in that transaction, so it is sent (by `truyxuat worker`, through Django's mail
backend) only if the write commits, and a mail failure never undoes the write: the job is tried again later.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.permissions import Actor
from catalog.models import Organization, Product
from core import audit
from core.choices import AuditAction
from core.errors import Forbidden, Throttled
from notifications.models import Notification, ProductWatch
from stamps.secrets import address_hash

log = logging.getLogger(__name__)


def organization_emails(org: Organization) -> list[str]:
    """The organisation's own address and its members' addresses, without duplicates."""
    addresses = [org.email] if org.email else []
    addresses += list(org.memberships.exclude(user__email="").values_list("user__email", flat=True))
    seen: dict[str, None] = {}
    for a in addresses:
        seen.setdefault(a.strip().lower(), None)
    return [a for a in seen if a]


def _absolute(link: str) -> str:
    return f"{settings.TRUYXUAT_PORTAL_URL}{link}" if link.startswith("/") else link


def notify_organization(
    organization: Organization,
    *,
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    about: Any = None,
    email: bool = True,
) -> Notification:
    """Record a notification for every member of `organization`; its e-mail is a job committed with it."""
    notification = _record(kind, title, body, link, about, organization=organization)
    _email(notification, organization_emails(organization) if email else [])
    return notification


def _record(kind: str, title: str, body: str, link: str, about: Any, **addressee: Any) -> Notification:
    return Notification.objects.create(
        **addressee,
        kind=kind,
        title=title[:255],
        body=body,
        link=link,
        object_type=about._meta.label_lower if about is not None else "",
        object_id=str(about.pk) if about is not None else "",
    )


def _email(notification: Notification, recipients: list[str]) -> None:
    """The notification's e-mail to `recipients`, a job committed with the caller's transaction."""
    if recipients:
        from notifications.jobs import email_notification

        link = notification.link
        text = notification.body + (f"\n\n{_absolute(link)}" if link else "")
        email_notification.enqueue(notification.pk, recipients, notification.title, text)


def notify_officers(
    officers: Iterable[Any],
    *,
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    about: Any = None,
) -> list[Notification]:
    """One notification per officer (an officer belongs to no organisation's members, so an agency's notification
    does not reach them), each e-mailed to that officer alone as a job committed with the caller's transaction.
    Who the officers are is the caller's routing (`catalog.departments.responsible_officers`)."""
    made = []
    for officer in officers:
        notification = _record(kind, title, body, link, about, user=officer)
        _email(notification, [officer.email] if officer.email else [])
        made.append(notification)
    return made


def email_after_commit(subject: str, body: str, recipients: Iterable[str]) -> None:
    """Send one plain e-mail per recipient (consumers must not see each other's addresses): a job each, committed
    with the caller's transaction."""
    from notifications.jobs import email_one

    for address in sorted(set(recipients)):
        email_one.enqueue(subject, body, address)


WATCH_REQUESTS_PER_HOUR = 10
RESEND_CONFIRMATION_AFTER = dt.timedelta(minutes=10)


def _watch_link(kind: str, watch: ProductWatch) -> str:
    return _absolute(reverse(f"watch-{kind}", args=[watch.token]))


@transaction.atomic
def request_product_watch(*, actor: Actor, product: Product, email: str, address: str) -> ProductWatch:
    """A consumer (signed in or not) asks to be told about a product's recalls and warnings at `email`.

    Nothing is sent to the address until its owner opens the confirmation link mailed to it (sent again at most
    every RESEND_CONFIRMATION_AFTER); at most WATCH_REQUESTS_PER_HOUR requests per network address an hour
    (raises `Throttled`). Asking again for a confirmed watch changes nothing.
    """
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": [_("Địa chỉ thư điện tử không hợp lệ.")]}) from exc
    hashed = address_hash(address)
    now = timezone.now()
    since = now - dt.timedelta(hours=1)
    recent = ProductWatch.objects.filter(address_hash=hashed).filter(
        Q(created_at__gte=since) | Q(confirmation_sent_at__gte=since)
    )
    if recent.count() >= WATCH_REQUESTS_PER_HOUR:
        raise Throttled()
    user = actor if permissions.is_authenticated(actor) and getattr(actor, "pk", None) else None
    watch, created = ProductWatch.objects.select_for_update().get_or_create(
        product=product, email=email, defaults={"user": user, "address_hash": hashed}
    )
    if created:
        audit.record(actor=actor, action=AuditAction.CREATE, instance=watch, after={"product": product.gtin})
    if watch.confirmed_at is not None:
        return watch
    if watch.confirmation_sent_at is None or watch.confirmation_sent_at < now - RESEND_CONFIRMATION_AFTER:
        watch.confirmation_sent_at = now
        watch.address_hash = hashed
        watch.save(update_fields=["confirmation_sent_at", "address_hash"])
        body = _(
            "Có người (có thể là bạn) muốn nhận thông báo thu hồi và cảnh báo về sản phẩm %(product)s "
            "tại địa chỉ này.\n\nXác nhận: %(confirm)s\n\nNếu không phải bạn, hãy bỏ qua thư này: "
            "sẽ không có thư nào khác được gửi."
        ) % {"product": product.name, "confirm": _watch_link("confirm", watch)}
        email_after_commit(_("Xác nhận nhận thông báo về %(product)s") % {"product": product.name}, body, [email])
    return watch


@transaction.atomic
def confirm_product_watch(*, actor: Actor, token: str) -> ProductWatch | None:
    """The owner of the address confirms a watch (by its token); None when the token is unknown."""
    watch = ProductWatch.objects.select_for_update().filter(token=token).first()
    if watch is None or watch.confirmed_at is not None:
        return watch
    watch.confirmed_at = timezone.now()
    watch.save(update_fields=["confirmed_at"])
    audit.record(  # the consumer's address stays out of the audit trail
        actor=actor, action=AuditAction.UPDATE, instance=watch, before={"confirmed": False}, after={"confirmed": True}
    )
    return watch


@transaction.atomic
def unwatch_product(*, actor: Actor | None = None, token: str) -> bool:
    """Stop a watch by the token sent in every notice; returns whether one was removed."""
    watch = ProductWatch.objects.select_for_update().filter(token=token).first()
    if watch is None:
        return False
    audit.record(
        actor=actor, action=AuditAction.DELETE, instance=watch, before={"product_id": watch.product_id}, after={}
    )
    watch.delete()
    return True


def unsubscribe_link(watch: ProductWatch) -> str:
    return _watch_link("stop", watch)


@transaction.atomic
def mark_read(*, actor: Actor, notification: Notification) -> Notification:
    """A member of the addressed organisation (or the addressed user) marks a notification read."""
    if not _may_handle(actor, notification):
        raise Forbidden()
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=notification,
            before={"read_at": None},
            after={"read_at": notification.read_at.isoformat()},
            organization_id=notification.organization_id,
        )
    return notification


def _may_handle(actor: Actor, notification: Notification) -> bool:
    """The addressed user, or a member of the addressed organisation."""
    return (notification.user_id is not None and getattr(actor, "pk", None) == notification.user_id) or (
        notification.organization is not None and permissions.is_member(actor, notification.organization)
    )


@transaction.atomic
def dismiss(*, actor: Actor, notification: Notification) -> Notification:
    """A member of the addressed organisation (or the addressed user) removes a notification from the list
    (it counts as read too); the row stays for the record."""
    if not _may_handle(actor, notification):
        raise Forbidden()
    if notification.dismissed_at is not None:
        return notification
    now = timezone.now()
    before = {"read_at": notification.read_at.isoformat() if notification.read_at else None, "dismissed_at": None}
    notification.read_at = notification.read_at or now
    notification.dismissed_at = now
    notification.save(update_fields=["read_at", "dismissed_at"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=notification,
        before=before,
        after={"read_at": notification.read_at.isoformat(), "dismissed_at": now.isoformat()},
        organization_id=notification.organization_id,
    )
    return notification


@transaction.atomic
def mark_all_read(*, actor: Actor, notifications: Iterable[Notification]) -> int:
    """Mark every given notification the actor may handle read; returns how many changed."""
    changed = 0
    for notification in notifications:
        if notification.read_at is None and _may_handle(actor, notification):
            mark_read(actor=actor, notification=notification)
            changed += 1
    return changed

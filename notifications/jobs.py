"""E-mails as jobs (`core.jobs`): enqueued by `notifications.services` in the transaction of the write that
notifies, sent by `truyxuat worker`, tried again with backoff while the mail server refuses."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail

from core.jobs import job


@job(attempts=6, backoff=60)
def email_notification(notification_id: int, recipients: list[str], subject: str, text: str) -> str:
    """A notification's e-mail to its organisation; once sent, its row lists the recipients (a retry or a second
    run after a worker died mid-send finds them there and sends nothing)."""
    from notifications.models import Notification

    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is None or notification.emailed_to:
        return "already sent"
    send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False)
    Notification.objects.filter(pk=notification_id).update(emailed_to=recipients)
    return "sent"


@job(attempts=6, backoff=60)
def email_one(subject: str, body: str, address: str) -> str:
    """One plain e-mail to one consumer (a watch's confirmation, a recall notice): at least once."""
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=False)
    return "sent"

"""Reads of notifications for the workspace."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from notifications.models import Notification


def for_user(user: Any) -> QuerySet[Notification]:
    """Notifications addressed to the user or to any organisation they belong to, newest first."""
    if not getattr(user, "is_authenticated", False) or user.pk is None:
        return Notification.objects.none()
    return Notification.objects.filter(Q(user=user) | Q(organization__memberships__user=user)).distinct()


def visible_for(user: Any) -> QuerySet[Notification]:
    """The user's notifications not dismissed, newest first (the workspace's list)."""
    return for_user(user).filter(dismissed_at__isnull=True)


def unread_for(user: Any) -> QuerySet[Notification]:
    """The user's notifications neither read nor dismissed, newest first (the dashboard's news)."""
    return visible_for(user).filter(read_at__isnull=True)


def unread_addressed_to(user: Any) -> QuerySet[Notification]:
    """Unread notifications sent to the user in person, not to an organisation: what was routed to an officer (a lot
    to review, an inspection, an alert; `notifications.services.notify_officers`), newest first."""
    return unread_for(user).filter(user_id=user.pk)

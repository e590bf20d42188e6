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


def for_object(instance: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(object_type=instance._meta.label_lower, object_id=str(instance.pk))

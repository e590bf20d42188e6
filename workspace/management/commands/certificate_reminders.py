"""`truyxuat certificate_reminders`: tell organisations about certificates that expire soon (run daily).

A reminder is sent when a certificate has 60, 30 or 7 days left and on the day after it expired; each
(certificate, threshold) once — running the command twice a day sends nothing new.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Certificate
from notifications.choices import NotificationKind
from notifications.models import Notification
from notifications.services import notify_organization

THRESHOLDS = (60, 30, 7, -1)


class Command(BaseCommand):
    help = "Nhắc chứng nhận sắp hết hạn / Remind organisations of certificates about to expire."

    def handle(self, *args: Any, **options: Any) -> None:

        today = timezone.localdate()
        sent = 0
        for days in THRESHOLDS:
            target = today + dt.timedelta(days=days)
            for cert in Certificate.objects.filter(valid_to=target).select_related("organization"):
                if days >= 0:
                    title = _("Chứng nhận %(cert)s còn %(days)s ngày hiệu lực") % {"cert": cert, "days": days}
                else:
                    title = _("Chứng nhận %(cert)s đã hết hiệu lực") % {"cert": cert}
                if Notification.objects.filter(
                    object_type="catalog.certificate", object_id=str(cert.pk), title=title[:255]
                ).exists():
                    continue
                with transaction.atomic():
                    notify_organization(
                        cert.organization,
                        kind=NotificationKind.OTHER,
                        title=title,
                        body=_("Hết hạn ngày %(day)s. Gia hạn và tải bản mới lên trang Chứng nhận.")
                        % {"day": cert.valid_to.strftime("%d/%m/%Y")},
                        link="/workspace/certificates/",
                        about=cert,
                    )
                sent += 1
                self.stdout.write(f"  {cert.organization.name}: {title}")
        self.stdout.write(f"{sent} nhắc nhở / reminders sent.")

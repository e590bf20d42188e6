"""`truyxuat check --deploy`: the demo's published passwords must not open accounts on a real node."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.checks import CheckMessage, Error, Tags, register
from django.db import DatabaseError
from django.db.models import Q

from accounts.models import User
from demo.data import USERS


@register(Tags.security, deploy=True)
def demo_passwords(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """An error for each active account whose password is one of the demo's, unless this node is a demo
    (TRUYXUAT_DEMO=1, as `make run` sets).

    Checked: the demo's own usernames and every privileged account (platform admins, staff, agency officers).
    Each check costs one Argon2 hash (about 0.1 s), so the many producer accounts of a province are not tried:
    the demo gives its passwords only to its own usernames, which are all checked.
    """
    if settings.TRUYXUAT_DEMO:
        return []
    passwords = sorted({password for _username, password, *_rest in USERS})
    usernames = [username for username, *_rest in USERS]
    try:
        candidates = list(
            User.objects.filter(is_active=True)
            .filter(Q(username__in=usernames) | Q(is_superuser=True) | Q(is_staff=True) | Q(agency__isnull=False))
            .order_by("username")
            .values_list("username", "password")
        )
    except DatabaseError:  # not migrated yet: nothing to check
        return []
    errors: list[CheckMessage] = []
    for username, encoded in candidates:
        if any(check_password(password, encoded) for password in passwords):
            errors.append(
                Error(
                    f"Tài khoản {username!r} dùng mật khẩu demo công khai. / Account {username!r} has one of the "
                    "demo's published passwords.",
                    hint="Đổi mật khẩu hoặc khoá tài khoản (`truyxuat changepassword`, hoặc trang quản trị); chỉ máy "
                    "demo đặt TRUYXUAT_DEMO=1. / Change the password or deactivate the account; only a demo node "
                    "sets TRUYXUAT_DEMO=1.",
                    id="accounts.E001",
                )
            )
    return errors

"""`truyxuat demo`: load the demo province (idempotent)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.catalog import DemoBuilder, DemoRefused
from demo.data import USERS
from demo.diary import build_demo_diary
from demo.events import build_event_chains
from iot.demo import build_demo_sensors


class Command(BaseCommand):
    help = "Load the demo province (former Kon Tum area). Safe to run again: existing records are kept."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("Đang nạp dữ liệu demo / Loading the demo province…")
        try:
            counts = DemoBuilder(log=lambda line: self.stdout.write(line)).build()
        except DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                "Xong / Done: {organizations} tổ chức, {products} sản phẩm, {lots} lô ({published_lots} đã công bố); "
                "{created} bản ghi mới.".format(**counts)
            )
        )
        chains = build_event_chains(log=lambda line: self.stdout.write(line))
        self.stdout.write(
            f"Sự kiện EPCIS / EPCIS events: {chains['stored']} mới / new, {chains['already']} đã có / already there."
        )
        entries = build_demo_diary(log=lambda line: self.stdout.write(line))
        self.stdout.write(f"Nhật ký điện tử / Farm diary: {entries} mục mới / new entries.")
        build_demo_sensors(log=lambda line: self.stdout.write(line))
        self.stdout.write("Tài khoản demo / Demo logins:")
        for username, password, name, role, _org in USERS:
            self.stdout.write(f"  {role:<7} {username:<18} {password:<22} ({name})")
        self.stdout.write(
            "  Cán bộ và quản trị viên: lần đăng nhập đầu sẽ quét mã QR bằng ứng dụng xác thực (TOTP) để bật xác thực "
            "hai lớp. / Officer and admin: at first sign-in, scan the QR with an authenticator app (TOTP)."
        )
        if not settings.TRUYXUAT_DEMO:
            self.stdout.write(
                self.style.WARNING(
                    "  Mật khẩu demo bị `truyxuat check --deploy` từ chối trừ khi TRUYXUAT_DEMO=1. / "
                    "`truyxuat check --deploy` refuses the demo passwords unless TRUYXUAT_DEMO=1."
                )
            )

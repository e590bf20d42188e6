"""`truyxuat demo`: load the demo province (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from catalog.demo import DemoBuilder
from catalog.demo_data import USERS


class Command(BaseCommand):
    help = "Load the demo province (former Kon Tum area). Safe to run again: existing records are kept."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("Đang nạp dữ liệu demo / Loading the demo province…")
        counts = DemoBuilder(log=lambda line: self.stdout.write(line)).build()
        self.stdout.write(
            self.style.SUCCESS(
                "Xong / Done: {organizations} tổ chức, {products} sản phẩm, {lots} lô ({published_lots} đã công bố); "
                "{created} bản ghi mới.".format(**counts)
            )
        )
        from events.demo import build_event_chains

        chains = build_event_chains(log=lambda line: self.stdout.write(line))
        self.stdout.write(
            f"Sự kiện EPCIS / EPCIS events: {chains['stored']} mới / new, {chains['already']} đã có / already there."
        )
        from diary.demo import build_demo_diary

        entries = build_demo_diary(log=lambda line: self.stdout.write(line))
        self.stdout.write(f"Nhật ký điện tử / Farm diary: {entries} mục mới / new entries.")
        self.stdout.write("Tài khoản demo / Demo logins:")
        for username, password, name, role, _org in USERS:
            self.stdout.write(f"  {role:<7} {username:<18} {password:<22} ({name})")

"""System checks of `truyxuat check` (and `check --deploy`): private files on disk (core.diskmodes)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

from core import diskmodes


@register(Tags.security)
def private_files(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """An Error for each database, WAL/SHM, data dir, upload dir, cache or key that others may read."""
    errors: list[CheckMessage] = []
    for path, mode in diskmodes.exposed(diskmodes.private_paths(settings)):
        wanted = "700" if path.is_dir() else "600"
        errors.append(
            Error(
                f"{path} có quyền {mode:o}: nhóm hoặc người dùng khác trên máy đọc được (phiên đăng nhập, mật khẩu "
                f"băm, khoá, tệp tải lên). / {path} has mode {mode:o}: readable by its group or by other users of "
                "this machine (sessions, password hashes, keys, uploads).",
                hint=f"chmod {wanted} {path} (chmod -R go-rwx {path} cho cả thư mục / for a whole directory); "
                "truyxuat tự sửa khi khởi động nếu là chủ tệp / truyxuat fixes it at start-up when it owns the file.",
                obj=str(path),
                id="core.E101",
            )
        )
    return errors

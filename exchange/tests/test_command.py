"""`truyxuat opendata release`: a snapshot, then changes; changes before any snapshot are refused clearly."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from exchange.models import OpenDataRelease


def test_release_snapshot_then_changes(db, settings, tmp_path, capsys):
    settings.TRUYXUAT_OPEN_DATA_DIR = tmp_path / "od"
    with pytest.raises(CommandError, match="Chưa có bản toàn bộ"):
        call_command("opendata", "release", "--changes")
    call_command("opendata", "release")
    call_command("opendata", "release", "--changes")
    assert list(OpenDataRelease.objects.order_by("id").values_list("kind", flat=True)) == ["snapshot", "changes"]
    assert "lots: 0 rows" in capsys.readouterr().out

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _codes_dir(settings, tmp_path):
    settings.TRUYXUAT_STAMP_CODES_DIR = tmp_path / "stamp-codes"

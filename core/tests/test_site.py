"""Health check, home page, languages, and the production-mode secret check."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from truyxuat import settings as production_settings

ROOT = Path(__file__).resolve().parents[2]


def test_healthz(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_home_page_in_vietnamese_with_search(client, db):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'lang="vi"' in html
    assert "Truy xuất nguồn gốc" in html
    assert 'name="q"' in html


def test_english_available(client, db):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'lang="en"' in response.content.decode()


def test_settings_defaults():
    assert settings.LANGUAGE_CODE == "vi"
    # the settings module itself: the suite hashes with a cheap Argon2 (conftest._fast_password_hasher)
    assert production_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert settings.PASSWORD_HASHERS == ["core.tests.hashers.FastArgon2PasswordHasher"]
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE


def test_missing_secret_in_production_is_a_clear_startup_error(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRUYXUAT_", "PYTEST"))}
    env.update({"DJANGO_SETTINGS_MODULE": "truyxuat.settings", "TRUYXUAT_DATA_DIR": str(tmp_path)})
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "TRUYXUAT_SECRET_KEY is not set" in result.stderr


def test_sqlite_runs_in_wal_mode(db):
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
    assert mode == "wal"

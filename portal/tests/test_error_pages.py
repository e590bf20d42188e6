"""Vietnamese 400/403/404/500 pages on the base template (English in English mode), with DEBUG off; the 500 page
renders without the database; favicon and app icons are served."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from PIL import Image

pytestmark = [pytest.mark.django_db, pytest.mark.urls("portal.tests.error_urls")]


@pytest.fixture
def quiet(settings):
    settings.DEBUG = False
    return Client(raise_request_exception=False)


def test_404_in_vietnamese_on_the_base_template(quiet):
    r = quiet.get("/khong-co-trang-nay/")
    assert r.status_code == 404
    page = r.content.decode()
    assert 'data-status="404"' in page and "Không tìm thấy trang" in page and 'class="top"' in page
    assert "Not Found" not in page and "The requested resource" not in page


def test_404_in_english(quiet):
    quiet.cookies["django_language"] = "en"
    page = quiet.get("/no-such-page/").content.decode()
    assert "Page not found" in page and "Không tìm thấy trang" not in page


def test_unknown_feedback_code_is_never_django_not_found(quiet):
    r = quiet.get("/phan-anh/gui", {"code": "/01/08938505974200/10/X"}, follow=True)
    assert r.status_code == 200 and "Not Found" not in r.content.decode()
    r = quiet.get("/phan-anh/PA-XXXX-YYYY")
    assert r.status_code == 404 and "Không tìm thấy trang" in r.content.decode()


def test_403_and_400(quiet):
    r = quiet.get("/test-errors/403")
    assert r.status_code == 403 and "Không có quyền truy cập" in r.content.decode()
    r = quiet.get("/test-errors/400")
    assert r.status_code == 400 and "Yêu cầu không hợp lệ" in r.content.decode()


def test_500_in_vietnamese_without_the_fault(quiet):
    r = quiet.get("/test-errors/500")
    assert r.status_code == 500
    page = r.content.decode()
    assert "Hệ thống đang gặp sự cố" in page and 'data-status="500"' in page
    assert "RuntimeError" not in page and "Server Error" not in page
    assert r["Cache-Control"] == "no-store"


def test_500_page_needs_no_database(django_assert_num_queries):
    from django.test import RequestFactory

    from portal.errors import server_error

    with django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500 and "Hệ thống đang gặp sự cố" in response.content.decode()


def test_favicon_and_icons(client):
    page = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/truyxuat/icons/icon.svg" type="image/svg+xml">' in page
    assert '<link rel="apple-touch-icon" href="/static/truyxuat/icons/apple-touch-icon.png">' in page
    assert '<link rel="manifest" href="/static/truyxuat/manifest.webmanifest">' in page
    r = client.get("/favicon.ico")
    assert r.status_code == 301 and r["Location"] == "/static/truyxuat/icons/favicon.ico"
    for name, size in (
        ("icon-192.png", (192, 192)),
        ("icon-512.png", (512, 512)),
        ("apple-touch-icon.png", (180, 180)),
    ):
        with Image.open(finders.find(f"truyxuat/icons/{name}")) as image:
            assert image.size == size, name
    assert finders.find("truyxuat/icons/icon.svg") and finders.find("truyxuat/icons/favicon.ico")
    manifest = json.loads(Path(finders.find("truyxuat/manifest.webmanifest")).read_text())
    assert [i["sizes"] for i in manifest["icons"]] == ["192x192", "512x512", "any"]

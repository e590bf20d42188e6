"""News pages: Markdown rendered through an allow-list, publication at its time, image checked by content,
withdrawal after confirming; the public participation page with live figures."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from catalog.tests.factories import LotFactory, ProductFactory
from core.errors import Forbidden
from news import selectors, services
from news.models import Article

BODY = "Đoạn **một**.\n\n- mục\n\n<script>alert(1)</script> [xem](javascript:alert(1)) [cổng](https://truyxuat.vn)"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "#1b6b3a").save(buffer, format="PNG")
    return buffer.getvalue()


def test_markdown_is_rendered_and_sanitised():
    html = selectors.render(BODY)
    assert "<strong>một</strong>" in html and "<li>mục</li>" in html
    assert "<script" not in html and "javascript:" not in html
    assert '<a href="https://truyxuat.vn" rel="noopener noreferrer">cổng</a>' in html


def test_scheduled_publication_image_checks_and_withdrawal(officer, producer, client):
    now = timezone.now()
    data = {"title": "Tập huấn tại Đăk Hà", "body": BODY, "kind": "news"}
    draft = services.save_article(actor=officer, data=data)
    later = services.save_article(actor=officer, data={**data, "publish_at": now + dt.timedelta(days=2)})
    with pytest.raises(ValidationError) as exc:
        services.save_article(
            actor=officer, data={**data, "publish_at": now}, image=SimpleUploadedFile("a.png", b"<svg/>")
        )
    assert set(exc.value.message_dict) == {"image", "image_alt"}
    shown = services.save_article(
        actor=officer,
        data={**data, "publish_at": now.isoformat(), "image_alt": "Lớp học"},
        image=SimpleUploadedFile("a.png", _png()),
    )
    assert list(selectors.published()) == [shown]
    page = client.get(f"/tin-tuc/{shown.pk}/")
    assert page.status_code == 200 and "<script>alert" not in page.content.decode()
    assert client.get(f"/tin-tuc/{later.pk}/").status_code == 404
    assert client.get(f"/tin-tuc/{draft.pk}/").status_code == 404
    image = page.content.decode().split('<img src="', 1)[1].split('"', 1)[0]
    assert client.get(image).status_code == 200
    with pytest.raises(Forbidden):
        services.save_article(actor=producer, data=data)
    client.force_login(officer)
    confirm = client.post("/oversight/tin-tuc/", {"article": shown.pk})
    assert confirm.status_code == 200 and not Article.objects.get(pk=shown.pk).withdrawn
    client.post("/oversight/tin-tuc/", {"article": shown.pk, "confirm": "yes"})
    assert Article.objects.get(pk=shown.pk).withdrawn
    assert client.get(f"/tin-tuc/{shown.pk}/").status_code == 404
    assert client.get(image).status_code == 200  # officers still see it
    client.logout()
    assert client.get(image).status_code == 404


def test_editor_form_errors_and_participation_page(officer, organization, client):
    client.force_login(officer)
    bad = client.post("/oversight/tin-tuc/moi/", {"title": "", "body": "x", "publish_at": "31/12/2026 9h"})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "Cần điền mục này" in text and "Thời điểm đăng không hợp lệ" in text
    assert not Article.objects.exists()
    LotFactory(product=ProductFactory(organization=organization, ocop_stars=4), status="published")
    client.logout()
    page = client.get("/tham-gia/")
    assert page.status_code == 200
    text = page.content.decode()
    assert organization.name in text and "sản phẩm được truy xuất" in text

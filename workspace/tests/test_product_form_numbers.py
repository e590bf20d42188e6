"""The product form reads its shelf life like every other number: "30 ngày" or "1.000" is refused with a
message and the product is not stored (it used to be dropped silently by `isdigit`); "365" and "1.000" (a
whole number of days: no decimal reading to confuse it with) are stored."""

from __future__ import annotations

import pytest

from catalog.models import PriorityCategory, Product

pytestmark = pytest.mark.django_db


def _post(client, producer, shelf):  # type: ignore[no-untyped-def]
    client.force_login(producer)
    assert PriorityCategory.objects.filter(code="coffee", is_active=True).exists()
    return client.post("/workspace/products/", {"name": "Cà phê rang", "category": "coffee", "shelf_life_days": shelf})


@pytest.mark.parametrize(
    ("typed", "says"),
    [("30 ngày", "Cần nhập một số bằng chữ số"), ("-5", ""), ("99999999", ""), ("2,5", "")],
)
def test_unreadable_shelf_life_is_refused_and_nothing_stored(client, producer, typed, says):
    response = _post(client, producer, typed)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="err-shelf_life_days"' in html
    assert says in html
    assert Product.objects.count() == 0


@pytest.mark.parametrize(("typed", "days"), [("365", 365), ("1.000", 1000), ("1 000", 1000)])
def test_whole_days_are_stored(client, producer, typed, days):
    assert _post(client, producer, typed).status_code == 302
    assert Product.objects.get().shelf_life_days == days

"""Feedback: anyone submits (limited, escaped on display), the producer and agencies answer."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.tests.factories import LotFactory, ProductFactory
from core.errors import Forbidden
from core.models import AuditEntry
from feedback import services
from feedback.models import Feedback, FeedbackAnswer

ACTORS = ["anonymous", "consumer", "other_producer", "producer", "officer"]


@pytest.fixture
def item(organization, anonymous):
    product = ProductFactory(organization=organization)
    return services.submit_feedback(
        actor=anonymous, product=product, address="203.0.113.9", data={"message": "Cà phê bị mốc", "kind": "complaint"}
    )


@pytest.mark.parametrize("name", ACTORS)
def test_anyone_submits(actors, organization, name):
    product = ProductFactory(organization=organization)
    item = services.submit_feedback(
        actor=actors[name], product=product, address=f"198.51.100.{len(name)}", data={"message": "Ngon", "rating": 5}
    )
    assert item.tracking_code.startswith("PA-") and len(item.tracking_code) == 12
    assert item.status == "new"
    assert item.address_hash and "198.51" not in item.address_hash


@pytest.mark.parametrize("name", ACTORS)
def test_answer_permission(actors, item, name):
    before = (AuditEntry.objects.count(), FeedbackAnswer.objects.count(), Feedback.objects.get().status)
    if name in {"producer", "officer"}:
        answer = services.answer_feedback(actor=actors[name], feedback=item, body="Chúng tôi sẽ kiểm tra lô này.")
        assert Feedback.objects.get().status == "answered"
        assert answer.organization == (item.organization if name == "producer" else actors[name].agency)
    else:
        with pytest.raises(Forbidden):
            services.answer_feedback(actor=actors[name], feedback=item, body="x")
        assert (AuditEntry.objects.count(), FeedbackAnswer.objects.count(), Feedback.objects.get().status) == before


@pytest.mark.parametrize("name", ACTORS)
def test_status_permission(actors, item, name):
    if name in {"producer", "officer"}:
        assert services.set_status(actor=actors[name], feedback=item, status="in_progress").status == "in_progress"
    else:
        with pytest.raises(Forbidden):
            services.set_status(actor=actors[name], feedback=item, status="closed")
        assert Feedback.objects.get().status == "new"


def test_rate_limit_per_address(organization, anonymous):
    product = ProductFactory(organization=organization)
    for _ in range(services.PER_HOUR):
        services.submit_feedback(actor=anonymous, product=product, address="192.0.2.1", data={"message": "Xin chào"})
    with pytest.raises(services.Throttled):
        services.submit_feedback(actor=anonymous, product=product, address="192.0.2.1", data={"message": "Xin chào"})
    services.submit_feedback(actor=anonymous, product=product, address="192.0.2.2", data={"message": "Xin chào"})
    assert Feedback.objects.count() == services.PER_HOUR + 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"message": ""}, "message"),
        ({"message": "x" * 4001}, "message"),
        ({"message": "Được", "rating": 9}, "rating"),
        ({"message": "Được", "kind": "spam"}, "kind"),
    ],
)
def test_validation(organization, anonymous, data, field):
    with pytest.raises(ValidationError) as info:
        services.submit_feedback(
            actor=anonymous, product=ProductFactory(organization=organization), address="a", data=data
        )
    assert field in info.value.message_dict
    assert Feedback.objects.count() == 0


def test_photo_checked_by_content(organization, anonymous):
    product = ProductFactory(organization=organization)
    fake = SimpleUploadedFile("x.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    with pytest.raises(ValidationError):
        services.submit_feedback(actor=anonymous, product=product, address="a", data={"message": "Ảnh"}, photo=fake)
    png = SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, content_type="image/png")
    item = services.submit_feedback(actor=anonymous, product=product, address="a", data={"message": "Ảnh"}, photo=png)
    assert item.photo.name.startswith("feedback/")


def test_lot_must_belong_to_product(organization, anonymous):
    with pytest.raises(ValidationError):
        services.submit_feedback(
            actor=anonymous,
            product=ProductFactory(organization=organization),
            lot=LotFactory(),
            address="a",
            data={"message": "Lô lạ"},
        )


def test_normalise_tracking_code():
    assert services.normalise_tracking_code(" pa-abcd efgh ") == "PA-ABCD-EFGH"
    assert services.normalise_tracking_code("abcdefgh") == "PA-ABCD-EFGH"
    assert services.normalise_tracking_code("PA-123") == ""

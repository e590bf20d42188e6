"""Every notification service: its effect, and who may or may not call it (the permission matrix of the root
conftest, plus an officer of another province and a platform admin); a refused call changes nothing."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from catalog.tests.factories import AgencyFactory, ProductFactory
from core.errors import Forbidden, Throttled, ValidationError
from core.models import AuditEntry
from core.tests.jobs import run_jobs
from notifications import services
from notifications.jobs import email_notification
from notifications.models import Notification, ProductWatch

ACTORS = ["anonymous", "consumer", "other_producer", "producer", "staff", "officer", "foreign_officer", "admin"]
MEMBERS = {"producer", "staff"}
PORTAL = "https://truyxuat.example"


@pytest.fixture(autouse=True)
def _portal(settings):
    settings.TRUYXUAT_PORTAL_URL = PORTAL


@pytest.fixture
def people(actors, producer_staff):
    """The root conftest's five actors, the organisation's staff member, an officer of another province and a
    platform admin."""
    return {
        **actors,
        "staff": producer_staff,
        "foreign_officer": UserFactory(username="foreign", agency=AgencyFactory(province_code=1)),
        "admin": UserFactory(username="admin", is_superuser=True, is_staff=True),
    }


@pytest.fixture
def note(organization):
    return services.notify_organization(organization, kind="other", title="Lịch kiểm tra tháng 12", email=False)


def _state():
    return (
        AuditEntry.objects.count(),
        list(Notification.objects.order_by("pk").values_list("read_at", "dismissed_at")),
    )


@pytest.mark.parametrize("name", ACTORS)
def test_mark_read(people, note, name):
    before = _state()
    if name in MEMBERS:
        services.mark_read(actor=people[name], notification=note)
        note.refresh_from_db()
        assert note.read_at is not None and note.dismissed_at is None
        entry = AuditEntry.objects.get()
        assert (entry.actor, entry.object_type, entry.before) == (
            people[name],
            "notifications.notification",
            {"read_at": None},
        )
        services.mark_read(actor=people[name], notification=note)  # already read: nothing more
        assert AuditEntry.objects.count() == 1
    else:
        with pytest.raises(Forbidden):
            services.mark_read(actor=people[name], notification=note)
        assert _state() == before


@pytest.mark.parametrize("name", ACTORS)
def test_dismiss(people, note, name):
    before = _state()
    if name in MEMBERS:
        services.dismiss(actor=people[name], notification=note)
        note.refresh_from_db()
        assert note.dismissed_at is not None and note.read_at == note.dismissed_at
        services.dismiss(actor=people[name], notification=note)  # already dismissed: nothing more
        assert AuditEntry.objects.count() == 1
    else:
        with pytest.raises(Forbidden):
            services.dismiss(actor=people[name], notification=note)
        assert _state() == before


def test_a_users_own_notification_is_theirs_only(people):
    mine = Notification.objects.create(user=people["consumer"], kind="other", title="Tin riêng")
    for name in ("producer", "officer", "admin"):
        with pytest.raises(Forbidden):
            services.mark_read(actor=people[name], notification=mine)
    services.dismiss(actor=people["consumer"], notification=mine)
    mine.refresh_from_db()
    assert mine.dismissed_at is not None


@pytest.mark.parametrize("name", ACTORS)
def test_mark_all_read_marks_only_what_the_actor_may_handle(people, organization, other_organization, name):
    ours = [services.notify_organization(organization, kind="other", title=f"Tin {n}", email=False) for n in range(2)]
    theirs = services.notify_organization(other_organization, kind="other", title="Tin khác", email=False)
    changed = services.mark_all_read(actor=people[name], notifications=[*ours, theirs])
    expected = {"producer": 2, "staff": 2, "other_producer": 1}.get(name, 0)
    assert changed == expected
    assert Notification.objects.filter(read_at__isnull=False).count() == expected
    assert AuditEntry.objects.count() == expected


def test_notify_organization_writes_the_row_and_mails_as_a_job(organization, producer, producer_staff, mailoutbox):
    organization.email = "Info@HTX.example"
    organization.save(update_fields=["email"])
    producer.email, producer_staff.email = "chu@htx.example", "info@htx.example"  # the same address twice
    producer.save(update_fields=["email"])
    producer_staff.save(update_fields=["email"])
    assert services.organization_emails(organization) == ["info@htx.example", "chu@htx.example"]
    note = services.notify_organization(
        organization, kind="review", title="Hồ sơ đã được duyệt", body="Lô đã công bố.", link="/workspace/lots/"
    )
    assert (note.organization, note.kind, note.emailed_to, mailoutbox) == (organization, "review", [], [])
    assert run_jobs() == 1  # the e-mail is a job committed with the notification
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["info@htx.example", "chu@htx.example"]
    assert mailoutbox[0].body.endswith("Lô đã công bố.\n\nhttps://truyxuat.example/workspace/lots/")
    note.refresh_from_db()
    assert note.emailed_to == ["info@htx.example", "chu@htx.example"]
    email_notification.enqueue(note.pk, note.emailed_to, "x", "y")  # a second run (a worker died) sends nothing
    assert run_jobs() == 1 and len(mailoutbox) == 1


def test_a_mail_failure_keeps_the_notification_and_is_tried_again(organization, producer, mailoutbox):
    producer.email = "chu@htx.example"
    producer.save(update_fields=["email"])
    note = services.notify_organization(organization, kind="other", title="Tin")
    with mock.patch("notifications.jobs.send_mail", side_effect=OSError("mail server down")):
        assert run_jobs(raise_errors=False) == 1
    note.refresh_from_db()
    assert (Notification.objects.count(), note.emailed_to, mailoutbox) == (1, [], [])
    assert run_jobs(until=timezone.now() + dt.timedelta(minutes=2)) == 1  # after its backoff
    note.refresh_from_db()
    assert (note.emailed_to, [m.to for m in mailoutbox]) == (["chu@htx.example"], [["chu@htx.example"]])


def test_email_after_commit_sends_one_message_per_address(db, mailoutbox):
    services.email_after_commit("Thu hồi", "Nội dung", ["b@x.example", "a@x.example", "b@x.example"])
    assert run_jobs() == 2
    assert [m.to for m in mailoutbox] == [["a@x.example"], ["b@x.example"]]


@pytest.fixture
def product(organization):
    return ProductFactory(organization=organization, name="Cà phê Đăk Hà")


@pytest.mark.parametrize("name", ACTORS)
def test_anyone_may_ask_to_watch_a_product(people, product, name, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        watch = services.request_product_watch(
            actor=people[name], product=product, email=" Ban@Example.VN ", address="203.0.113.7"
        )
    user = None if name == "anonymous" else people[name]
    assert (watch.email, watch.user, watch.confirmed_at) == ("ban@example.vn", user, None)
    run_jobs()
    assert [m.to for m in mailoutbox] == [["ban@example.vn"]]
    assert f"{PORTAL}/theo-doi/xac-nhan/{watch.token}" in mailoutbox[0].body
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.after) == ("create", user, {"product": product.gtin})


def test_watch_confirmation_is_not_resent_at_once_nor_after_confirmation(
    anonymous, product, mailoutbox, django_capture_on_commit_callbacks
):
    ask = dict(actor=anonymous, product=product, email="ban@example.vn", address="203.0.113.7")
    with django_capture_on_commit_callbacks(execute=True):
        watch = services.request_product_watch(**ask)
        services.request_product_watch(**ask)  # within ten minutes: no second mail
    assert run_jobs() == 1 and len(mailoutbox) == 1
    ProductWatch.objects.filter(pk=watch.pk).update(
        confirmation_sent_at=timezone.now() - services.RESEND_CONFIRMATION_AFTER - dt.timedelta(seconds=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.request_product_watch(**ask)
    assert run_jobs() == 1 and len(mailoutbox) == 2
    assert services.confirm_product_watch(actor=anonymous, token=watch.token).confirmed_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        services.request_product_watch(**ask)
    assert (run_jobs(), len(mailoutbox), ProductWatch.objects.count()) == (0, 2, 1)


def test_watch_requests_are_limited_per_address(anonymous, product):
    for n in range(services.WATCH_REQUESTS_PER_HOUR):
        services.request_product_watch(
            actor=anonymous, product=product, email=f"n{n}@example.vn", address="198.51.100.1"
        )
    before = (AuditEntry.objects.count(), ProductWatch.objects.count())
    with pytest.raises(Throttled):
        services.request_product_watch(actor=anonymous, product=product, email="x@example.vn", address="198.51.100.1")
    assert (AuditEntry.objects.count(), ProductWatch.objects.count()) == before
    services.request_product_watch(actor=anonymous, product=product, email="x@example.vn", address="198.51.100.2")


def test_a_bad_address_is_refused_and_nothing_written(anonymous, product):
    with pytest.raises(ValidationError) as refused:
        services.request_product_watch(actor=anonymous, product=product, email="không-phải-thư", address="1.2.3.4")
    assert refused.value.message_dict == {"email": ["Địa chỉ thư điện tử không hợp lệ."]}
    assert (AuditEntry.objects.count(), ProductWatch.objects.count()) == (0, 0)


def test_confirm_and_stop_a_watch_by_its_token(anonymous, consumer, product):
    watch = services.request_product_watch(actor=consumer, product=product, email="ban@example.vn", address="1.2.3.4")
    assert services.confirm_product_watch(actor=anonymous, token="không-có") is None
    confirmed = services.confirm_product_watch(actor=anonymous, token=watch.token)
    assert confirmed is not None and confirmed.confirmed_at is not None
    again = services.confirm_product_watch(actor=anonymous, token=watch.token)
    assert again is not None and again.confirmed_at == confirmed.confirmed_at
    assert list(AuditEntry.objects.order_by("pk").values_list("action", "after")) == [
        ("create", {"product": product.gtin}),
        ("update", {"confirmed": True}),
    ]
    assert services.unsubscribe_link(watch) == f"{PORTAL}/theo-doi/ngung/{watch.token}"
    assert services.unwatch_product(token="không-có") is False
    assert services.unwatch_product(actor=anonymous, token=watch.token) is True
    assert ProductWatch.objects.count() == 0
    assert AuditEntry.objects.order_by("pk").last().action == "delete"
    assert services.unwatch_product(token=watch.token) is False

"""Review decisions: effects, diff, evidence, ledger, notifications, auto-approval; the permission matrix."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from accounts.tests.factories import UserFactory
from catalog import services as catalog_services
from catalog.models import Lot, Organization, PriorityCategory
from catalog.tests.factories import AgencyFactory, GrowingAreaFactory, LotFactory, OrganizationFactory, ProductFactory
from core.errors import Forbidden
from core.models import AuditEntry
from core.tests.jobs import run_jobs
from ledger.models import LedgerLeaf
from notifications.models import Notification
from reviews import selectors, services
from reviews.models import Review, ReviewPolicy
from workflows import publication

ACTORS = ["anonymous", "consumer", "other_producer", "producer", "officer"]


@pytest.fixture
def submitted_lot(organization):
    organization.email = "htx@example.vn"
    organization.save()
    area = GrowingAreaFactory(organization=organization)
    lot = LotFactory(product=ProductFactory(organization=organization), origin_areas=[area], status="submitted")
    return lot


def _state():
    return (
        AuditEntry.objects.count(),
        LedgerLeaf.objects.count(),
        Review.objects.count(),
        Notification.objects.count(),
        tuple(Lot.objects.order_by("pk").values_list("status", flat=True)),
        tuple(Organization.objects.order_by("pk").values_list("status", flat=True)),
    )


@pytest.mark.parametrize("name", ACTORS)
@pytest.mark.parametrize("decision", ["approved", "rejected", "changes"])
def test_decide_permission_matrix(actors, submitted_lot, name, decision):
    before = _state()
    actor = actors[name]
    if name == "officer":
        review = services.decide(actor=actor, subject=submitted_lot, decision=decision, reason="Thiếu ảnh nhãn")
        assert review.decision == decision
        assert _state() != before
    else:
        with pytest.raises(Forbidden):
            services.decide(actor=actor, subject=submitted_lot, decision=decision, reason="x")
        assert _state() == before


def test_officer_of_another_province_is_refused(submitted_lot):
    hanoi = AgencyFactory(province_code=1)
    outsider = UserFactory(agency=hanoi)
    before = _state()
    with pytest.raises(Forbidden):
        services.approve(actor=outsider, subject=submitted_lot)
    assert _state() == before


def test_approve_lot_publishes_records_ledger_and_notifies(officer, submitted_lot, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        review = services.approve(actor=officer, subject=submitted_lot)
    submitted_lot.refresh_from_db()
    assert submitted_lot.status == "published"
    assert review.decided_by == officer
    assert review.kind == "lot"
    leaf = LedgerLeaf.objects.get(record_type="reviews.review", record_id=str(review.pk))
    assert leaf.kind == "review"
    assert {c["field"] for c in review.diff} >= {"lot_code", "quantity", "origin_areas"}
    note = Notification.objects.get(organization=submitted_lot.product.organization)
    assert note.kind == "review"
    assert submitted_lot.lot_code in note.title
    # jobs committed with the decision: the e-mail, and the national portal's deliveries of producer, product, lot
    assert run_jobs() == 4
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["htx@example.vn"]
    assert selectors.pending_lots(officer).count() == 0


def test_reject_needs_reason_and_returns_lot_to_draft(officer, submitted_lot):
    with pytest.raises(ValidationError):
        services.reject(actor=officer, subject=submitted_lot, reason="  ")
    assert Review.objects.count() == 0
    services.reject(actor=officer, subject=submitted_lot, reason="Sai vùng trồng")
    submitted_lot.refresh_from_db()
    assert submitted_lot.status == "draft"
    entry = AuditEntry.objects.filter(object_type="catalog.lot", action="reject").get()
    assert entry.reason == "Sai vùng trồng"


def test_held_lot_cannot_be_approved(officer, submitted_lot):
    from quality.models import LotHold

    LotHold.objects.create(lot=submitted_lot, reason="Nitrat vượt", held_by=officer)
    with pytest.raises(ValidationError) as info:
        services.approve(actor=officer, subject=submitted_lot)
    assert "tạm giữ" in str(info.value)
    submitted_lot.refresh_from_db()
    assert submitted_lot.status == "submitted"
    assert Review.objects.count() == 0


def test_new_organisation_queue_approve_and_reject(officer, consumer):
    org = catalog_services.register_organization(
        actor=consumer,
        data={"name": "HTX Mới", "kind": "cooperative", "tax_code": "0314409058", "ward_code": 23425},
    )
    assert list(selectors.pending_organizations(officer)) == [org]
    services.reject(actor=officer, subject=org, reason="Thiếu giấy phép")
    org.refresh_from_db()
    assert org.status == "pending"
    assert list(selectors.pending_organizations(officer)) == []  # decided; back in the queue once changed
    Organization.objects.filter(pk=org.pk).update(street_address="Thôn 2")
    org.refresh_from_db()
    org.save()
    assert list(selectors.pending_organizations(officer)) == [org]
    services.approve(actor=officer, subject=org)
    org.refresh_from_db()
    assert org.status == "approved"
    assert org.gln


def test_master_data_change_shows_diff_against_last_approved(officer, producer, organization):
    product = ProductFactory(organization=organization, name="Cà phê bột")
    from core import audit

    before = audit.snapshot(product)
    product.name = "Cà phê bột nguyên chất"  # type: ignore[assignment]
    product.save()
    audit.record(actor=producer, action="update", instance=product, before=before, organization_id=organization.pk)
    queue = list(selectors.pending_master_data(officer))
    assert [(e.object_type, e.object_id) for e in queue] == [("catalog.product", str(product.pk))]
    review = services.approve(actor=officer, subject=product)
    assert review.diff == [{"field": "name", "old": "Cà phê bột", "new": "Cà phê bột nguyên chất"}]
    assert list(selectors.pending_master_data(officer)) == []


def test_auto_approval_policy_publishes_low_risk_lot(
    officer, producer, organization, django_capture_on_commit_callbacks
):
    category = PriorityCategory.objects.get(code="cassava")
    services.set_policy(actor=officer, category=category, auto_approve_lots=True, max_risk_class="low")
    area = GrowingAreaFactory(organization=organization)
    low = LotFactory(
        product=ProductFactory(organization=organization, category=category, risk_class="low"), origin_areas=[area]
    )
    high = LotFactory(
        product=ProductFactory(organization=organization, category=category, risk_class="high"), origin_areas=[area]
    )
    with django_capture_on_commit_callbacks(execute=True):
        publication.submit_lot(actor=producer, lot=low)
        publication.submit_lot(actor=producer, lot=high)
    low.refresh_from_db()
    high.refresh_from_db()
    assert low.status == "published"
    assert high.status == "submitted"
    review = Review.objects.get(subject_id=str(low.pk))
    assert review.automatic is True
    assert review.decided_by is None


@pytest.mark.parametrize("name", ACTORS)
def test_set_policy_permission_matrix(actors, name):
    category = PriorityCategory.objects.get(code="rice")
    if name == "officer":
        assert services.set_policy(actor=actors[name], category=category, auto_approve_lots=True, max_risk_class="low")
    else:
        with pytest.raises(Forbidden):
            services.set_policy(actor=actors[name], category=category, auto_approve_lots=True, max_risk_class="low")
        assert not ReviewPolicy.objects.exists()


def test_evidence_lists_certificates_and_tests(officer, submitted_lot):
    from catalog.tests.factories import CertificateFactory

    CertificateFactory(organization=submitted_lot.product.organization)
    data = selectors.evidence(submitted_lot)
    assert len(data["certificates"]) == 1
    assert data["missing"] == []
    assert data["lab_tests"] == []


def test_other_province_lots_not_in_queue(officer):
    far = OrganizationFactory(province_code=1, ward_code=None)
    LotFactory(product=ProductFactory(organization=far), status="submitted")
    assert selectors.pending_lots(officer).count() == 0


def test_stamp_batch_request_queue_approve_and_reject(officer, producer, organization):
    from stamps import services as stamp_services

    product = ProductFactory(organization=organization)
    batch = stamp_services.request_batch(actor=producer, product=product, quantity=5)
    other = stamp_services.request_batch(actor=producer, product=product, quantity=3)
    assert {b.pk for b in selectors.pending_stamp_batches(officer)} == {batch.pk, other.pk}
    assert selectors.queue_counts(officer)["stamp_batch"] == 2
    with pytest.raises(Forbidden):
        services.approve(actor=producer, subject=batch)
    review = services.approve(actor=officer, subject=batch)
    batch.refresh_from_db()
    assert batch.status == "approved" and batch.stamps.count() == 5
    assert review.kind == "stamp_batch"
    services.reject(actor=officer, subject=other, reason="Số lượng vượt sản lượng")
    other.refresh_from_db()
    assert other.status == "rejected"
    assert selectors.queue_counts(officer)["stamp_batch"] == 0


def test_rule_decisions_are_evidence(submitted_lot):
    from rules.models import RuleDecision

    RuleDecision.objects.create(
        lot=submitted_lot,
        rule="phi",
        version=1,
        outcome=RuleDecision._meta.get_field("outcome").choices[0][0],
        reason="Thu hoạch sau thời gian cách ly",
        trigger=RuleDecision._meta.get_field("trigger").choices[0][0],
    )
    decisions = selectors.evidence(submitted_lot)["rule_decisions"]
    assert len(decisions) == 1 and decisions[0]["rule"] == "phi v1"
    assert decisions[0]["title"] == "Quy tắc đã ngừng áp dụng"  # no rule has that code now: never shown raw
    assert "cách ly" in decisions[0]["message"]

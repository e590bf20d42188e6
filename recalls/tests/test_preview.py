"""Recalls an officer can trust: the scope previewed is the scope committed, a changed scope is previewed again,
quantities are counted per unit, names instead of codes, the notice's full stop, complaint and test links."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.tests.factories import UserFactory
from catalog.tests.factories import AgencyFactory, LotFactory, ProductFactory
from complaints import services as complaint_services
from complaints.models import ComplaintCase
from core.errors import Forbidden
from core.models import AuditEntry
from oversight.tests.recall_helpers import previewed_digest
from quality import services as quality_services
from recalls import selectors, services
from recalls.models import Recall
from recalls.scope import ScopeChanged, add_quantity, build_scope
from recalls.tests.coffee import Coffee, capture_roast, coffee_chain

NEW = reverse("oversight:recall_new")


@pytest.fixture
def coffee(organization, other_organization) -> Coffee:
    organization.name = "HTX Cà phê Đăk Hà"
    organization.save()
    other_organization.name = "Công ty Rang xay Măng Đen"
    other_organization.save()
    return coffee_chain(organization, other_organization)


def _ask(coffee: Coffee, **extra: object) -> dict[str, object]:
    return {"lot": coffee.beans.pk, "reason": "Ochratoxin A vượt giới hạn", "hazard_class": "I", **extra}


def test_the_committed_scope_is_the_previewed_one(client, officer, coffee):
    client.force_login(officer)
    page = client.get(NEW, _ask(coffee))
    assert page.status_code == 200 and Recall.objects.count() == 0
    html = page.content.decode()
    scope = build_scope(officer, lot=coffee.beans)
    shown = re.findall(
        r'<span class="small muted ident">([^<]+)</span>', html.split('id="scope"')[1].split("</table>")[0]
    )
    assert shown == [s.key for s in scope.lots]
    response = client.post(NEW, {**_ask(coffee), "scope": previewed_digest(client, _ask(coffee))})
    recall = Recall.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("oversight:recall", args=[recall.pk])
    assert list(recall.lots.values_list("key", "depth", "lot_id")) == [
        (s.key, s.depth, s.lot.pk if s.lot else None) for s in scope.lots
    ]
    assert sorted(recall.parties.values_list("name", flat=True)) == sorted(p.name for p in scope.parties)
    assert sorted(recall.shipments.values_list("epc", "source", "destination")) == sorted(
        (s.epc, s.source, s.destination) for s in scope.shipments
    )
    coffee.roast.refresh_from_db()
    assert coffee.roast.status == "recalled"


def test_a_scope_that_changed_since_the_preview_is_shown_again_not_committed(client, officer, coffee):
    client.force_login(officer)
    digest = previewed_digest(client, _ask(coffee))
    blend = LotFactory(
        product=ProductFactory(organization=coffee.roaster, name="Cà phê phin giấy"),
        lot_code="PG-07",
        quantity=Decimal("600"),
        unit="XPK",
        status="published",
    )
    capture_roast(coffee, coffee.beans, blend, time="2026-11-05T09:00:00+07:00")  # beans went into a new lot
    before = (Recall.objects.count(), AuditEntry.objects.count())
    response = client.post(NEW, {**_ask(coffee), "scope": digest})
    assert response.status_code == 409
    assert (Recall.objects.count(), AuditEntry.objects.count()) == before
    blend.refresh_from_db()
    assert blend.status == "published"
    html = response.content.decode()
    assert 'id="scope-changed"' in html and "PG-07" in html
    assert "3.000 gói, hộp" in html  # 2.400 + 600 packages in scope now
    fresh = re.search(r'name="scope" value="([0-9a-f]{64})"', html).group(1)
    assert fresh != digest and fresh == build_scope(officer, lot=coffee.beans).digest
    assert client.post(NEW, {**_ask(coffee), "scope": fresh}).status_code == 302
    blend.refresh_from_db()
    assert blend.status == "recalled"


def test_a_changed_quantity_changes_the_digest_and_the_service_refuses(officer, coffee):
    digest = build_scope(officer, lot=coffee.beans).digest
    assert build_scope(officer, lot=coffee.beans).digest == digest  # the same scope, the same digest
    coffee.roast.quantity = Decimal("2500")
    coffee.roast.save()
    with pytest.raises(ScopeChanged) as info:
        services.start_recall(actor=officer, lot=coffee.beans, reason="x", expected_scope=digest)
    assert info.value.scope.digest != digest
    assert Recall.objects.count() == 0


def test_a_post_without_the_preview_digest_only_previews(client, officer, coffee):
    client.force_login(officer)
    response = client.post(NEW, _ask(coffee))
    assert response.status_code == 200 and Recall.objects.count() == 0
    assert 'id="recall-confirm"' in response.content.decode()


def test_progress_is_counted_per_unit(client, officer, producer, coffee, organization, other_organization):
    recall = services.start_recall(actor=officer, lot=coffee.beans, reason="Ochratoxin A")
    farm = recall.parties.get(organization=organization)
    roaster = recall.parties.get(organization=other_organization)
    services.acknowledge(actor=officer, party=farm, quantity_withdrawn=Decimal("2"), unit="TNE")  # 2 tấn = 2.000 kg
    services.acknowledge(actor=officer, party=roaster, quantity_withdrawn=Decimal("150"), unit="XPK")
    progress = selectors.progress(recall)
    assert [(u["unit"], u["withdrawn"], u["total"]) for u in progress["units"]] == [
        ("KGM", Decimal("2000.000"), Decimal("18000.000")),
        ("XPK", Decimal("150.000"), Decimal("2400.000")),
    ]
    assert progress["text"] == "2.000 kg / 18.000 kg · 150 gói, hộp / 2.400 gói, hộp"
    client.force_login(officer)
    html = client.get(reverse("oversight:recall", args=[recall.pk])).content.decode()
    assert "2.000 kg / 18.000 kg" in html and "150 gói, hộp / 2.400 gói, hộp" in html
    assert "2150" not in html and "2.150" not in html
    assert html.count('<option value="XPK" selected>') == 1  # the roaster reports in its lot's unit


def test_add_quantity_keeps_units_apart_and_converts_mass():
    totals: dict[str, Decimal] = {}
    for q, u in [("1.5", "TNE"), ("250", "GRM"), ("10", "KGM"), ("3", "XPK"), ("2", "MTQ"), ("5", "LTR")]:
        add_quantity(totals, Decimal(q), u)
    assert totals == {"KGM": Decimal("1510.250"), "XPK": Decimal(3), "LTR": Decimal(2005)}


@pytest.mark.parametrize("when", ["preview", "committed"])
def test_officer_pages_name_lots_parties_and_shipments(client, officer, coffee, when):
    client.force_login(officer)
    if when == "preview":
        html = client.get(NEW, _ask(coffee)).content.decode()
    else:
        recall = services.start_recall(actor=officer, lot=coffee.beans, reason="Ochratoxin A")
        html = client.get(reverse("oversight:recall", args=[recall.pk])).content.decode()
    assert "urn:epc" not in html
    assert "https://id.gs1.org/414/" not in html  # places by their names, GLN on a small line
    shipments = html.split('id="shipments"')[1].split("</table>")[0]
    assert "Cà phê nhân Robusta — CP-01" in shipments and "Cà phê rang xay Măng Đen — RX-01" in shipments
    assert "HTX Cà phê Đăk Hà" in shipments and "Cửa hàng Nông sản Kon Tum" in shipments
    assert "Xưởng rang Măng Đen" in shipments
    assert f"GLN {coffee.places['farm'].gln}" in html or "HTX Cà phê Đăk Hà" in html
    svg = html.split('id="scope-map"')[1].split("</svg>")[0]
    for name in ("HTX Cà phê Đăk Hà", "Công ty Rang xay Măng Đen", "Cửa hàng Nông sản Kon Tum"):
        assert f'<tspan font-weight="bold">{name}</tspan>' in svg  # labelled beside its point, not only a tooltip
    assert 'class="legend"' in svg and "Chuyến hàng" in svg
    assert svg.count("<line ") >= 2 + 1  # two shipments + the legend's line sample


def test_the_default_notice_has_one_full_stop(officer, coffee):
    recall = services.start_recall(actor=officer, lot=coffee.beans, reason="Ochratoxin A vượt giới hạn, KN-2612-0045.")
    assert "KN-2612-0045. Không sử dụng" in recall.notice
    assert ".." not in recall.notice
    assert services.default_notice("Nhãn sai…") == services.default_notice("Nhãn sai")


@pytest.fixture
def complaint_case(coffee, agency, django_capture_on_commit_callbacks) -> ComplaintCase:
    with django_capture_on_commit_callbacks(execute=True):
        fb = complaint_services.submit_feedback(
            actor=None,
            product=coffee.beans.product,
            lot=coffee.beans,
            address="203.0.113.9",
            data={"kind": "complaint", "message": "Cà phê có mùi mốc"},
        )
    return ComplaintCase.objects.get(feedback=fb)


def test_a_recall_started_from_a_complaint_is_linked_both_ways(client, officer, coffee, complaint_case):
    client.force_login(officer)
    ask = _ask(coffee, complaint=complaint_case.pk)
    preview = client.get(NEW, ask).content.decode()
    assert reverse("oversight:complaint", args=[complaint_case.pk]) in preview
    assert client.post(NEW, {**ask, "scope": previewed_digest(client, ask)}).status_code == 302
    recall = Recall.objects.get()
    complaint_case.refresh_from_db()
    assert complaint_case.recall == recall
    assert AuditEntry.objects.filter(object_id=str(complaint_case.pk), action="update", reason=recall.code).exists()
    detail = client.get(reverse("oversight:recall", args=[recall.pk])).content.decode()
    origin = detail.split('id="recall-origin"')[1].split("</p>")[0]
    assert f'href="{reverse("oversight:complaint", args=[complaint_case.pk])}"' in origin
    page = client.get(reverse("oversight:complaint", args=[complaint_case.pk])).content.decode()
    assert f'href="{reverse("oversight:recall", args=[recall.pk])}"' in page and recall.code in page


def test_only_an_officer_for_the_complaint_links_it(coffee, complaint_case, officer):
    outsider = UserFactory(agency=AgencyFactory(province_code=1))
    with pytest.raises(Forbidden):
        services.start_recall(actor=outsider, lot=coffee.beans, reason="x", complaint=complaint_case)
    other = LotFactory(product=ProductFactory(organization=coffee.beans.product.organization), status="published")
    services.start_recall(actor=officer, lot=coffee.beans, reason="x", complaint=complaint_case)
    with pytest.raises(ValidationError, match="đã gắn với một đợt thu hồi"):
        services.start_recall(actor=officer, lot=other, reason="y", complaint=complaint_case)
    assert Recall.objects.count() == 1


def test_a_recall_started_from_a_lab_test_is_linked_both_ways(client, officer, coffee):
    test = quality_services.record_lab_test(
        actor=officer,
        data={
            "analyte": "borax",
            "value": "3",
            "laboratory": "Test nhanh",
            "sampled_on": dt.date(2026, 11, 1),
            "kind": "rapid",
        },
        lots=[coffee.beans],  # type: ignore[list-item]
    )
    client.force_login(officer)
    ask = {"lab_test": test.pk, "reason": "Hàn the", "hazard_class": "I"}
    assert client.post(NEW, {**ask, "scope": previewed_digest(client, ask)}).status_code == 302
    recall = Recall.objects.get()
    assert recall.root_lab_test == test
    detail = client.get(reverse("oversight:recall", args=[recall.pk])).content.decode()
    origin = detail.split('id="recall-origin"')[1].split("</p>")[0]
    assert f'href="{reverse("oversight:lab_test", args=[test.pk])}"' in origin and "01/11/2026" in origin
    page = client.get(reverse("oversight:lab_test", args=[test.pk])).content.decode()
    links = page.split('id="lab-test-recalls"')[1].split("</ul>")[0]
    assert f'href="{reverse("oversight:recall", args=[recall.pk])}"' in links and recall.code in links

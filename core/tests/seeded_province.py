"""The demo province with a record behind every page: `seed_province()` loads `truyxuat demo` and adds, through the
services, what the demo leaves out (a harvest, cartons, shipments pending and handed over, stamp batches requested
and approved, a failed lab test with its hold and violation, a recall with its parties, a consumer complaint, an
inspection, a report, a survey, a review asking for changes, a product watch, a staff member and a consumer).

Used by core/tests/test_no_raw_codes.py to render every page as each role.
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Membership, User
from catalog.models import Facility, GrowingArea, Lot, Organization, Product
from demo.catalog import tax_code

PASSWORD = "Ca-phe-Dak-Ha-2026!"


@dataclass
class Seeded:
    users: dict[str, Any]
    coop: Organization
    objects: dict[str, Any]


# Reference tables filled by data migrations, which a transactional test (live server) flushes with the rest:
# (model, migration whose forwards() fills it).
REFERENCE = (
    ("catalog.PriorityCategory", "catalog.migrations.0002_priority_catalogue"),
    ("quality.Analyte", "quality.migrations.0002_reference_tables"),
    ("reports.Indicator", "reports.migrations.0002_plan_indicators"),
    ("surveys.SurveyForm", "surveys.migrations.0002_plan_forms"),
)


def restore_reference_data() -> None:
    for model, migration in REFERENCE:
        if not apps.get_model(model).objects.exists():
            importlib.import_module(migration).forwards(apps, None)


def _user(username: str, first_name: str) -> User:
    user = User(username=username, first_name=first_name)
    user.set_password(PASSWORD)
    user.save()
    return user


def seed_province() -> Seeded:
    from complaints.services import route
    from diary.models import DiaryEntry
    from feedback.services import submit_feedback
    from notifications.services import request_product_watch
    from quality.models import Violation
    from quality.services.inspections import plan_inspection
    from quality.services.lab_tests import record_lab_test
    from recalls.services import start_recall
    from reports.models import ReportJob
    from reviews.models import Review
    from reviews.services import request_changes
    from stamps.models import Stamp
    from stamps.services.batches import approve_batch, request_batch
    from surveys.models import SurveyForm
    from surveys.services import submit_response
    from workflows.chain import create_shipment, harvest, pack

    restore_reference_data()
    call_command("demo", stdout=io.StringIO())
    officer = User.objects.get(username="canbo.skhcn")
    owner = User.objects.get(username="htx.caphe")
    coop = owner.memberships.get().organization
    staff = _user("nv.caphe", "Y Lan")
    Membership.objects.create(user=staff, organization=coop, role="staff")
    users = {
        "anonymous": None,
        "consumer": _user("nguoimua", "Trần Thị Mai"),
        "owner": owner,
        "staff": staff,
        "officer": officer,
        "admin": User.objects.get(username="admin"),
    }
    roaster = Organization.objects.get(tax_code=tax_code("610345689"))
    area = GrowingArea.objects.filter(organization=coop).order_by("code").first()
    product = Product.objects.filter(organization=coop).order_by("pk").first()
    assert area is not None and product is not None
    now = timezone.now()

    harvested = harvest(
        actor=owner,
        organization=coop,
        data={
            "product": product,
            "growing_area": area,
            "quantity": "1200",
            "unit": "KGM",
            "harvested_at": now - dt.timedelta(days=1),
        },
    )
    cartons = pack(
        actor=owner, organization=coop, data={"kind": "carton", "contents": [{"lot": harvested, "quantity": "20"}]}
    )
    pending = create_shipment(
        actor=owner,
        organization=coop,
        data={"receiver": roaster, "lines": [{"lot": harvested, "quantity": "300"}], "note": "Xe 82C-123.45"},
    )
    handed = create_shipment(
        actor=owner,
        organization=coop,
        data={"buyer_name": "Chị Hoa", "buyer_phone": "0905123456", "lines": [{"lot": harvested, "quantity": "50"}]},
    )
    published = Lot.objects.filter(product__organization=coop, status="published").order_by("pk").first()
    assert published is not None
    approved = approve_batch(
        actor=officer, batch=request_batch(actor=owner, product=published.product, lot=published, quantity=24)
    )
    requested = request_batch(actor=owner, product=published.product, quantity=10)
    stamp = Stamp.objects.filter(batch=approved).order_by("pk").first()
    feedback = submit_feedback(
        actor=AnonymousUser(),
        product=published.product,
        lot=published,
        address="203.0.113.9",
        data={"message": "Cà phê bị mốc, mùi lạ", "kind": "complaint"},
    )
    counterfeit = submit_feedback(
        actor=AnonymousUser(),
        product=published.product,
        address="203.0.113.10",
        data={"message": "Tem không quét được, bao bì khác", "kind": "counterfeit"},
    )
    for item in (feedback, counterfeit):  # routed after commit in production; the escalation command's call here
        route(item)
    watch = request_product_watch(actor=AnonymousUser(), product=published.product, email="mai@example.vn", address="")
    test = record_lab_test(
        actor=officer,
        data={
            "analyte": "chlorpyrifos",
            "value": "0.12",
            "laboratory": "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng 3",
            "sampled_on": timezone.localdate() - dt.timedelta(days=3),
        },
        lots=[published],
    )
    recall = start_recall(
        actor=officer, lab_test=test, reason="Dư lượng chlorpyrifos vượt mức cho phép", hazard_class="II"
    )
    facility = Facility.objects.filter(organization=coop).order_by("pk").first()
    assert facility is not None
    inspection = plan_inspection(
        actor=officer, facility=facility, planned_on=timezone.localdate() + dt.timedelta(days=7), team="Đoàn 1"
    )
    submitted = Lot.objects.filter(status="submitted").order_by("pk").first()
    assert submitted is not None
    request_changes(actor=officer, subject=submitted, reason="Bổ sung ảnh nhãn sản phẩm")
    today = timezone.localdate()
    report = _report(officer, today)
    form = SurveyForm.objects.get(code="thu-gom")
    survey = submit_response(
        actor=officer,
        form=form,
        answers={
            "ten_co_so": "Điểm thu mua sâm Măng Ri",
            "ten_to_chuc": "Hộ kinh doanh A Thị Lan",
            "ma_so_thue": "0314409058",
            "loai_hinh": "household",
            "ma_xa": "23425",
            "san_pham": "Sâm dây",
            "san_luong_nam": "1,5",
            "dung_ma_vach": "on",
        },
    )
    objects = {
        "area": area,
        "product": product,
        "harvested": harvested,
        "carton": cartons[0],
        "pending": pending,
        "handed": handed,
        "published": published,
        "approved_batch": approved,
        "requested_batch": requested,
        "stamp": stamp,
        "feedback": feedback,
        "counterfeit": counterfeit,
        "watch": watch,
        "lab_test": test,
        "recall": recall,
        "party": recall.parties.order_by("pk").first(),
        "inspection": inspection,
        "violation": Violation.objects.order_by("pk").first(),
        "submitted": submitted,
        "review": Review.objects.order_by("pk").first(),
        "report": report if isinstance(report, ReportJob) else None,
        "survey_form": form,
        "survey": survey,
        "facility": facility,
        "entry": DiaryEntry.objects.filter(organization=coop, client_id__isnull=False).order_by("pk").first(),
        "line": pending.lines.order_by("pk").first(),
    }
    return Seeded(users=users, coop=coop, objects=objects)


def _report(officer: User, today: dt.date) -> Any:
    from reports import services as reports

    quarter = (today.month - 1) // 3 + 1
    return reports.request_report(actor=officer, period_kind="quarter", year=today.year, number=quarter)

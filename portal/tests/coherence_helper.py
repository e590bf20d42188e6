"""The writing side of `test_coherence`: a process of its own, as another worker or machine would be.

Run by `manage.py shell -c "from portal.tests.coherence_helper import main; main()"` on the served database:
it sets up a small published chain (farm lot A → processor lot B by a transformation; lot P submitted, not yet
published), prints `@@` and the public paths as JSON, then performs one write per line read on stdin, through
the service layer, and prints `@@` and the public JSON of the lots the write changes, rendered fresh (no cache),
which every later answer of the server must equal.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import translation

from accounts.models import Membership
from accounts.permissions import SYSTEM
from accounts.tests.factories import UserFactory
from catalog import selectors as catalog
from catalog.models import Lot, PriorityCategory
from catalog.services import products as product_services
from catalog.tests.factories import AgencyFactory, GrowingAreaFactory, LotFactory, OrganizationFactory, ProductFactory
from events.services import capture_events
from events.tests.helpers import lgtin, object_event, transformation
from portal.selectors import json_ready, lot_story
from quality import services as quality
from quality.models import LotHold
from recalls import services as recalls
from workflows.publication import publish_lot

FARM = "https://id.gs1.org/414/8938501000007"


def path(lot: Lot) -> str:
    return f"/01/{lot.product.gtin}/10/{lot.lot_code}"


def fresh(*lots: Lot) -> dict[str, Any]:
    """{path: public JSON} rendered from the database now, as a request with an empty cache would answer."""
    out = {}
    for lot in lots:
        public = catalog.public_lot(lot.product.gtin, lot.lot_code)
        assert public is not None, lot
        out[path(lot)] = json.loads(json.dumps(json_ready(lot_story(public)), cls=DjangoJSONEncoder))
    return out


class Chain:
    def __init__(self) -> None:
        self.farm = OrganizationFactory(name="Hợp tác xã Rau Măng Đen", tax_code="6101234567")
        self.plant = OrganizationFactory(name="Công ty Chế biến Đăk Hà", tax_code="6107654321")
        self.officer = UserFactory(username="officer", agency=AgencyFactory())
        self.producer = UserFactory(username="producer")
        Membership.objects.create(user=self.producer, organization=self.plant, role="owner")
        vegetables = PriorityCategory.objects.get(code="vegetables")
        area = GrowingAreaFactory(organization=self.farm, name="Vùng rau Thôn 2")
        self.a = LotFactory(
            product=ProductFactory(organization=self.farm, name="Cải bẹ xanh", category=vegetables),
            lot_code="RAU-A1",
            status="published",
            origin_areas=[area],
        )
        self.b = LotFactory(
            product=ProductFactory(organization=self.plant, name="Rau muối chua", category=vegetables),
            lot_code="MC-B1",
            status="published",
            origin_areas=[GrowingAreaFactory(organization=self.plant)],
        )
        self.p = LotFactory(product=self.a.product, lot_code="RAU-P1", status="submitted", origin_areas=[area])
        a, b = lgtin(self.a.product.gtin, "RAU-A1"), lgtin(self.b.product.gtin, "MC-B1")
        self.a_key = a
        capture_events(
            actor=SYSTEM,
            organization=self.farm,
            events=[object_event([a], time="2026-11-01T08:00:00+07:00", location=FARM)],
        )
        capture_events(
            actor=SYSTEM,
            organization=self.plant,
            events=[transformation([a], [b], time="2026-11-03T08:00:00+07:00")],
        )

    def publish(self) -> dict[str, Any]:
        publish_lot(actor=self.officer, lot=self.p)
        return fresh(self.p)

    def hold(self) -> dict[str, Any]:
        """A failed lab test (nitrate over the vegetables limit) holds lot A."""
        data = {
            "kind": "laboratory",
            "analyte": "nitrate",
            "value": "812.5",
            "laboratory": "Trung tâm Kỹ thuật TĐC 3",
            "sampled_on": dt.date(2026, 11, 2),
        }
        quality.record_lab_test(actor=self.officer, data=data, lots=[self.a])  # type: ignore[list-item]
        assert LotHold.objects.filter(lot=self.a, released_at__isnull=True).count() == 1
        return fresh(self.a, self.b)

    def release(self) -> dict[str, Any]:
        hold = LotHold.objects.get(lot=self.a, released_at__isnull=True)
        quality.release_hold(actor=self.officer, hold=hold, reason="Kiểm nghiệm lại đạt")
        return fresh(self.a, self.b)

    def capture(self) -> dict[str, Any]:
        """A correction of lot A's chain: an inspection event captured on it (lot B's chain shows it too)."""
        event = object_event(
            [self.a_key], biz_step="inspecting", action="OBSERVE", time="2026-11-02T15:00:00+07:00", location=FARM
        )
        capture_events(actor=SYSTEM, organization=self.farm, events=[event])
        self.inspection = event
        return fresh(self.a, self.b)

    def declare(self) -> dict[str, Any]:
        """The inspection was recorded in error: EPCIS's error declaration (the event re-stated under its eventID
        with `errorDeclaration`) takes it out of both lots' chains."""
        declared = dict(self.inspection)
        declared["errorDeclaration"] = {"declarationTime": "2026-11-02T16:00:00+07:00", "reason": "incorrect_data"}
        capture_events(actor=SYSTEM, organization=self.farm, events=[declared])
        return fresh(self.a, self.b)

    def certificate(self) -> dict[str, Any]:
        product_services.create_certificate(
            actor=self.producer,
            organization=self.plant,
            data={
                "kind": "vietgap",
                "number": "VG-COHERENT-1",
                "issuer": "Trung tâm Chứng nhận",
                "scope": "organization",
                "valid_from": dt.date(2026, 1, 1),
                "valid_to": dt.date(2029, 1, 1),
            },
        )
        return fresh(self.b)

    def recall(self) -> dict[str, Any]:
        recalls.start_recall(actor=self.officer, lot=self.a, reason="Nitrat vượt giới hạn", hazard_class="II")
        return fresh(self.a, self.b)


def _say(value: Any) -> None:
    sys.stdout.write("@@" + json.dumps(value, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def main() -> None:
    translation.activate("vi")
    chain = Chain()
    _say({"a": path(chain.a), "b": path(chain.b), "p": path(chain.p)})
    writes: dict[str, Callable[[], dict[str, Any]]] = {
        "publish": chain.publish,
        "hold": chain.hold,
        "release": chain.release,
        "capture": chain.capture,
        "declare": chain.declare,
        "certificate": chain.certificate,
        "recall": chain.recall,
    }
    for line in sys.stdin:
        if line.strip():
            _say(writes[line.strip()]())

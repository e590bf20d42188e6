from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "quality"
    verbose_name = _("Kiểm tra, kiểm nghiệm")

    def ready(self) -> None:
        from ledger.choices import LeafKind
        from ledger.records import register
        from quality.models import LabTest, LotHold
        from quality.records import lab_test_payload, lot_hold_payload

        register(LeafKind.LAB_TEST, LabTest, lab_test_payload)
        register(LeafKind.LOT_HOLD, LotHold, lot_hold_payload)

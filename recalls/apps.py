from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecallsConfig(AppConfig):
    name = "recalls"
    verbose_name = _("Thu hồi")

    def ready(self) -> None:
        from ledger.choices import LeafKind
        from ledger.records import register
        from recalls.models import Recall
        from recalls.records import recall_payload

        register(LeafKind.RECALL, Recall, recall_payload)

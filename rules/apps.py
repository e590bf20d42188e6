from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RulesConfig(AppConfig):
    name = "rules"
    verbose_name = _("Quy tắc kiểm soát công bố")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from catalog.models import Lot
        from catalog.services.lots import register_publication_check
        from diary.signals import entry_corrected, entry_recorded
        from logistics.signals import lots_changed
        from rules import receivers
        from rules.records import register_all
        from rules.services import publication_check

        register_all()
        register_publication_check(publication_check)
        entry_recorded.connect(receivers.on_entry_recorded, dispatch_uid="rules.entry_recorded")
        entry_corrected.connect(receivers.on_entry_corrected, dispatch_uid="rules.entry_corrected")
        lots_changed.connect(receivers.on_lots_changed, dispatch_uid="rules.lots_changed")
        post_save.connect(receivers.on_lot_saved, sender=Lot, dispatch_uid="rules.lot_recalled")

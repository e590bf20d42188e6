from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "ledger"
    verbose_name = _("Sổ cái")

    def ready(self) -> None:
        from ledger import db

        db.install()

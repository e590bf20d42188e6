from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RfidConfig(AppConfig):
    name = "rfid"
    verbose_name = _("RFID")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from rfid.records import register_all

        register_all()

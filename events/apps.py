from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Sự kiện EPCIS")

    def ready(self) -> None:
        from events.records import register_all

        register_all()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StampsConfig(AppConfig):
    name = "stamps"
    verbose_name = _("Tem truy xuất")

    def ready(self) -> None:
        from stamps.records import register_all

        register_all()

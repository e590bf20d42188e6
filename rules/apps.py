from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RulesConfig(AppConfig):
    name = "rules"
    verbose_name = _("Quy tắc kiểm soát công bố")

    def ready(self) -> None:
        from rules.records import register_all

        register_all()

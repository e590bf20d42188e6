from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Danh mục")

    def ready(self) -> None:
        from catalog.records import register_all

        register_all()

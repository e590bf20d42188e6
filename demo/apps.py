from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo province (`truyxuat demo`): built through the domain services, above every domain app."""

    name = "demo"
    verbose_name = _("Tỉnh demo")

    def ready(self) -> None:
        from demo import checks  # noqa: F401  (registers the deploy check on demo passwords)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IotConfig(AppConfig):
    name = "iot"
    verbose_name = _("Cảm biến IoT")
    default_auto_field = "django.db.models.BigAutoField"

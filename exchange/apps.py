from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "exchange"
    verbose_name = "Trao đổi dữ liệu"

    def ready(self) -> None:
        from exchange.records import register_all

        register_all()

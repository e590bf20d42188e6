from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from core import checks, dbdecimal  # noqa: F401  (checks registers the system checks)

        dbdecimal.install()  # an old out-of-column decimal row reads as it is instead of failing every page

        # Each app's file_access module tells core.files who may read its files.
        autodiscover_modules("file_access")

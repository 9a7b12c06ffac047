from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "msoko.core"
    label = "core"
    verbose_name = "Общие службы"

    def ready(self) -> None:
        from msoko.core import security  # noqa: F401  (connects the sign-in audit receivers)

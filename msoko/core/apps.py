from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "msoko.core"
    label = "core"
    verbose_name = "Общие службы"

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "msoko.web"
    label = "web"
    verbose_name = "Веб-интерфейс"

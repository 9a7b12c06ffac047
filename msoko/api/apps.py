from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "msoko.api"
    label = "api"
    verbose_name = "API и обмен с DHIS2"
    default_auto_field = "django.db.models.BigAutoField"

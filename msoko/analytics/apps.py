from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "msoko.analytics"
    label = "analytics"
    verbose_name = "Анализ"

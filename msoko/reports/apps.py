from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "msoko.reports"
    label = "reports"
    verbose_name = "Отчёты"

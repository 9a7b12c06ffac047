from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "msoko.catalog"
    label = "catalog"
    verbose_name = "Каталог показателей"

from django.apps import AppConfig


class CollectionConfig(AppConfig):
    name = "msoko.collection"
    label = "collection"
    verbose_name = "Сбор данных"

from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "msoko.registry"
    label = "registry"
    verbose_name = "Реестр организаций"

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kompas.core"
    label = "core"
    verbose_name = "Core"

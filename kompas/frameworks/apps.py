from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    name = "kompas.frameworks"
    label = "frameworks"
    verbose_name = "Frameworks"

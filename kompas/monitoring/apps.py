from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "kompas.monitoring"
    label = "monitoring"
    verbose_name = "Sector monitoring"

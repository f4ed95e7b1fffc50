from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "kompas.monitoring"
    label = "monitoring"
    verbose_name = "Sector monitoring"

    def ready(self) -> None:
        from kompas.boards.todo import register_source
        from kompas.monitoring.todo import rounds_to_submit

        register_source("monitoring", rounds_to_submit)

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "kompas.reports"
    label = "reports"
    verbose_name = "Accountability and reports"

    def ready(self) -> None:
        from kompas.reports.incident_panel import register

        register()

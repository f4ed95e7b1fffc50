from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "kompas.reports"
    label = "reports"
    verbose_name = "Accountability and reports"

    def ready(self) -> None:
        from kompas.boards.todo import register_source
        from kompas.reports.incident_panel import register
        from kompas.reports.todo import paragraphs_to_approve

        register()
        register_source("reports", paragraphs_to_approve)

from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "kompas.incidents"
    label = "incidents"
    verbose_name = "Incident and data-breach register"

    def ready(self) -> None:
        from kompas.boards.todo import register_source
        from kompas.incidents.todo import decisions_owed

        register_source("incidents", decisions_owed)

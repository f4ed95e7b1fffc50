from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "kompas.incidents"
    label = "incidents"
    verbose_name = "Incident and data-breach register"

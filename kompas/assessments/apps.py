from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "kompas.assessments"
    label = "assessments"
    verbose_name = "Self-evaluations"

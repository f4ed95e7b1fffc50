from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "kompas.plans"
    label = "plans"
    verbose_name = "Improvement plans"

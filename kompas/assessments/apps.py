from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "kompas.assessments"
    label = "assessments"
    verbose_name = "Self-evaluations"

    def ready(self) -> None:
        from kompas.assessments.todo import evaluation_work
        from kompas.boards.todo import register_source

        register_source("assessments", evaluation_work)

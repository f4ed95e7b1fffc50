from typing import Any

from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "kompas.plans"
    label = "plans"
    verbose_name = "Improvement plans"

    def ready(self) -> None:
        from kompas.assessments.signals import assessment_started
        from kompas.boards.todo import register_source
        from kompas.plans.todo import plan_work

        assessment_started.connect(_follow_revision, dispatch_uid="plans.follow_revision")
        register_source("plans", plan_work)


def _follow_revision(*, assessment: Any, actor: Any, **kwargs: Any) -> None:
    from kompas.plans.revision import plan_follow_revision

    plan_follow_revision(assessment=assessment, actor=actor)

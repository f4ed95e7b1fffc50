"""The plan follows a framework revision (docs/plan.md, "When the framework is revised").

When a period starts on a newer framework version through a mapping, each measure that works
on a mapped norm is linked to that norm's counterparts in the new version as well, with the
level it was to bring the norm to; its links to the old norms stay, as its history. A risk
accepted (or proposed) for a norm that the new version keeps as it was (an equal pair) holds
for its counterpart too. A measure that worked on a norm the new version removed is listed for
review on the plan page: nothing links it to the new version's norms by itself.
"""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from kompas.accounts.models import User
from kompas.assessments.models import SelfAssessment
from kompas.audit.models import AuditAction
from kompas.audit.services import audit_record
from kompas.frameworks.models import MappingPair, Norm, Relationship
from kompas.plans.models import Measure, MeasureNorm, MeasureStatus, RiskAcceptance


def plan_follow_revision(*, assessment: SelfAssessment, actor: User | None) -> None:
    """Link the board's measures and risks to the new version's norms (a handful of queries).

    Runs inside the transaction that starts the period (kompas.plans.apps connects it to
    `assessment_started`); a period on the same version changes nothing.
    """
    mapping = assessment.mapping
    if mapping is None:
        return
    counterparts: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for source_id, target_id, relationship in MappingPair.objects.filter(
        mapping=mapping, source_norm__isnull=False, target_norm__isnull=False
    ).values_list("source_norm_id", "target_norm_id", "relationship"):
        counterparts[source_id].append((target_id, relationship))
    board_id = assessment.board_id

    wanted: dict[tuple[int, int], int] = {}
    for measure_id, norm_id, level in (
        MeasureNorm.objects.filter(measure__board_id=board_id, norm_id__in=counterparts)
        .exclude(measure__status=MeasureStatus.DROPPED)
        .values_list("measure_id", "norm_id", "target_level")
    ):
        for target_id, _relationship in counterparts[norm_id]:
            key = (measure_id, target_id)
            wanted[key] = max(level, wanted.get(key, 0))
    present = set(
        MeasureNorm.objects.filter(
            measure__board_id=board_id, norm__framework_version=mapping.target
        ).values_list("measure_id", "norm_id")
    )
    added = [
        MeasureNorm(measure_id=measure_id, norm_id=norm_id, target_level=level)
        for (measure_id, norm_id), level in wanted.items()
        if (measure_id, norm_id) not in present
    ]
    MeasureNorm.objects.bulk_create(added)
    codes = dict(
        Norm.objects.filter(pk__in={link.norm_id for link in added}).values_list("pk", "code")
    )
    by_measure: dict[int, dict[str, int]] = defaultdict(dict)
    for link in added:
        by_measure[link.measure_id][codes[link.norm_id]] = link.target_level
    for measure in Measure.objects.filter(pk__in=by_measure).order_by("pk"):
        audit_record(
            action=AuditAction.UPDATE,
            actor=actor,
            board_id=board_id,
            obj=measure,
            changes={"norms added for the revised framework": [None, by_measure[measure.pk]]},
        )

    equal = {
        source_id: targets[0][0]
        for source_id, targets in counterparts.items()
        if targets and targets[0][1] == Relationship.EQUAL
    }
    covered = set(
        RiskAcceptance.objects.filter(
            board_id=board_id, norm_id__in=equal.values(), withdrawn_at__isnull=True
        ).values_list("norm_id", flat=True)
    )
    for acceptance in RiskAcceptance.objects.filter(
        board_id=board_id, norm_id__in=equal, withdrawn_at__isnull=True
    ).order_by("pk"):
        target_id = equal[acceptance.norm_id]
        if target_id in covered:
            continue
        followed = RiskAcceptance.objects.create(
            board_id=board_id,
            norm_id=target_id,
            reason=acceptance.reason,
            review_date=acceptance.review_date,
            proposed_by_id=acceptance.proposed_by_id,
            proposed_at=acceptance.proposed_at,
            accepted_by_id=acceptance.accepted_by_id,
            accepted_at=acceptance.accepted_at,
        )
        audit_record(
            action=AuditAction.CREATE,
            actor=actor,
            board_id=board_id,
            obj=followed,
            changes={"followed from": [None, acceptance.pk]},
        )


@dataclass(frozen=True)
class ToReview:
    """A measure that worked on norms the current framework version removed."""

    measure: Measure
    removed: list[str]


def measures_to_review(*, assessment: SelfAssessment | None) -> list[ToReview]:
    """Open measures linked to a norm that the mapping into this evaluation's version removed.

    One query without a mapping, two with one.
    """
    if assessment is None or assessment.mapping_id is None:
        return []
    removed = MappingPair.objects.filter(
        mapping_id=assessment.mapping_id, relationship=Relationship.REMOVED
    ).values("source_norm_id")
    links: QuerySet[Any] = (
        MeasureNorm.objects.filter(measure__board_id=assessment.board_id, norm_id__in=removed)
        .exclude(measure__status__in=[MeasureStatus.DROPPED, MeasureStatus.DONE])
        .select_related("measure", "norm")
        .order_by("measure__due_date", "measure_id", "norm__position")
    )
    found: dict[int, ToReview] = {}
    for link in links:
        item = found.setdefault(link.measure_id, ToReview(link.measure, []))
        item.removed.append(link.norm.code)
    return list(found.values())

"""What a new period takes from the evaluation it starts from: the same version, or a mapping.

On the same framework version every norm takes its own earlier score. On another version the
mapping between the two decides (docs/mapping-format.md, "Carrying work over"):

- a norm fed by one earlier norm takes its score as it was, whatever the relationship, and the
  relationship is shown so that the board can judge whether it still holds;
- a norm fed by several earlier norms takes the lowest of their levels (unknown while one of
  them was not assessed), the highest of their target levels, their explanations and evidence
  together, and the assignee they share (else the one of the lowest);
- a norm new in the later version starts unassessed.

Everything carried is marked to be confirmed and records where it came from (`carried`).
"""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from kompas.assessments.models import Evidence, NormScore, SelfAssessment
from kompas.frameworks.mappings import Source, sources_by_target
from kompas.frameworks.models import Mapping, Norm


@dataclass(frozen=True)
class Feed:
    """An earlier score that feeds a later norm, and how the two norms relate."""

    source: Source
    score: NormScore


def create_scores(
    assessment: SelfAssessment,
    source: SelfAssessment | None,
    *,
    mapping: Mapping | None = None,
    to_confirm: bool,
) -> None:
    """One score per norm of the assessment's version, carried from `source` where it can."""
    target = assessment.framework_version.target_level
    earlier: dict[int, NormScore] = {}
    if source is not None and (
        mapping is not None or source.framework_version_id == assessment.framework_version_id
    ):
        earlier = {score.norm_id: score for score in source.scores.all()}
    fed = sources_by_target(mapping=mapping) if mapping is not None else None
    scores = []
    # For the evidence: which new scores each earlier norm feeds (two, when a norm was split).
    feeding: dict[int, list[NormScore]] = defaultdict(list)
    for norm in Norm.objects.filter(framework_version=assessment.framework_version).only("pk"):
        if fed is None:
            old = earlier.get(norm.pk)
            feeds = [Feed(Source(norm.pk, "", "equal"), old)] if old else []
        else:
            feeds = [
                Feed(item, earlier[item.norm_id])
                for item in fed.get(norm.pk, [])
                if item.norm_id in earlier
            ]
        score = NormScore(
            assessment=assessment,
            norm=norm,
            to_confirm=bool(feeds) and to_confirm,
            **{"target_level": target, **_carried_values(feeds, through_mapping=fed is not None)},
        )
        scores.append(score)
        for feed in feeds:
            feeding[feed.score.norm_id].append(score)
    NormScore.objects.bulk_create(scores)
    if feeding:
        _copy_evidence(source, feeding)


def translated_scores(source: SelfAssessment, *, mapping: Mapping) -> list[NormScore]:
    """The source's scores read in the norms of the mapping's target version, by its rules.

    Unsaved: what a monitoring round on the target version takes from an evaluation on the
    source version (docs/monitoring.md, "Through a mapping"). A new norm is not assessed.
    """
    target = mapping.target
    earlier = {score.norm_id: score for score in source.scores.all()}
    fed = sources_by_target(mapping=mapping)
    scores = []
    for norm in Norm.objects.filter(framework_version=target).only("pk"):
        feeds = [
            Feed(item, earlier[item.norm_id])
            for item in fed.get(norm.pk, [])
            if item.norm_id in earlier
        ]
        values = {
            "target_level": target.target_level,
            **_carried_values(feeds, through_mapping=True),
        }
        scores.append(NormScore(norm=norm, **values))
    return scores


def _carried_values(feeds: list[Feed], *, through_mapping: bool) -> dict[str, Any]:
    if not feeds:
        return {}
    carried = (
        [
            {
                "code": feed.source.code,
                "relationship": feed.source.relationship,
                "level": feed.score.level,
                "not_applicable": feed.score.not_applicable,
            }
            for feed in feeds
        ]
        if through_mapping
        else []
    )
    if len(feeds) == 1:
        old = feeds[0].score
        return {
            "level": old.level,
            "target_level": old.target_level,
            "not_applicable": old.not_applicable,
            "not_applicable_reason": old.not_applicable_reason,
            "explanation": old.explanation,
            "assignee_id": old.assignee_id,
            "carried": carried,
        }
    applicable = [feed for feed in feeds if not feed.score.not_applicable]
    if not applicable:
        return {
            "not_applicable": True,
            "not_applicable_reason": _joined(feeds, "not_applicable_reason"),
            "target_level": max(feed.score.target_level for feed in feeds),
            "carried": carried,
        }
    levels = [feed.score.level for feed in applicable]
    known = [level for level in levels if level is not None]
    lowest = min(applicable, key=lambda feed: feed.score.level or 0)
    assignees = {feed.score.assignee_id for feed in applicable}
    return {
        "level": min(known) if len(known) == len(levels) else None,
        "target_level": max(feed.score.target_level for feed in applicable),
        "explanation": _joined(applicable, "explanation"),
        "assignee_id": assignees.pop() if len(assignees) == 1 else lowest.score.assignee_id,
        "carried": carried,
    }


def _joined(feeds: list[Feed], field: str) -> str:
    """The texts of several earlier norms, each under its code."""
    return "\n\n".join(
        f"{feed.source.code}: {text}"
        for feed in feeds
        if (text := getattr(feed.score, field).strip())
    )


def _copy_evidence(source: Any, feeding: dict[int, list[NormScore]]) -> None:
    """The current evidence goes along to every score its norm feeds; stored files are shared.

    Files are never changed or deleted, so the copy points at the same stored file and hash.
    """
    Evidence.objects.bulk_create(
        Evidence(
            board_id=evidence.board_id,
            score=score,
            kind=evidence.kind,
            original_name=evidence.original_name,
            file=evidence.file.name,
            content_type=evidence.content_type,
            size=evidence.size,
            sha256=evidence.sha256,
            url=evidence.url,
            title=evidence.title,
            added_by_id=evidence.added_by_id,
        )
        for evidence in Evidence.objects.current()
        .filter(score__assessment=source)
        .select_related("score")
        for score in feeding.get(evidence.score.norm_id, [])
    )

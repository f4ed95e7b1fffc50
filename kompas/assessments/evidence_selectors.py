"""Reads of evidence: the list on a norm's page and one item, always within the accessed board."""

from dataclasses import dataclass, field

from kompas.assessments.models import Evidence, NormScore
from kompas.boards.access import BoardAccess, access_board_object
from kompas.boards.roles import Action


@dataclass(frozen=True)
class EvidenceList:
    current: list[Evidence] = field(default_factory=list)
    removed: list[Evidence] = field(default_factory=list)


def evidence_list(*, access: BoardAccess, score: NormScore) -> EvidenceList | None:
    """A score's evidence in one query, removed items apart; None for roles that may not see it."""
    if not access.may(Action.VIEW_EVIDENCE) or score.assessment.board_id != access.board.pk:
        return None
    result = EvidenceList()
    for item in Evidence.objects.filter(score=score).select_related("added_by", "removed_by"):
        (result.removed if item.is_removed else result.current).append(item)
    return result


def get_evidence(*, access: BoardAccess, evidence_id: int) -> Evidence:
    """Evidence of the accessed board, with its score and norm; another board's answers 404."""
    return access_board_object(
        access=access,
        queryset=Evidence.objects.select_related("score__assessment", "score__norm"),
        pk=evidence_id,
    )

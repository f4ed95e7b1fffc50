"""What a submission says about a board in a few numbers, computed once when it is made.

The sector pages compare boards across rounds (progress, quadrant, quartiles, need for support)
without reading every score again: a submission keeps its mean level, the norms at target, its
policy and practice levels with the quadrant they place it in, and its mean level per domain.
Submissions never change, so neither do these.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

# The board-type quadrant of the 2023 baseline sets policy against practice. Policy: the domains
# about direction, organisation and accountability (Bestuur, Organisatie, Risicomanagement,
# Privacybeleid en verantwoording); practice: every other domain, where measures are carried out.
POLICY_DOMAINS = frozenset({"GO", "OR", "RM", "PG"})
# Halfway between Herhaalbaar (2) and Bepaald (3): "well on the way" to the target.
QUADRANT_THRESHOLD = Decimal("2.5")

TWO_PLACES = Decimal("0.01")
ONE_PLACE = Decimal("0.1")


class Quadrant(models.TextChoices):
    LEADER = "leader", _("Leaders: policy and practice in order")
    THINKER = "thinker", _("Thinkers: policy ahead of practice")
    DOER = "doer", _("Doers: practice ahead of policy")
    STARTER = "starter", _("Starters: both still to build")


@dataclass(frozen=True)
class ScoreFacts:
    """One norm's value in a snapshot, with the domain it belongs to."""

    domain: str
    level: int | None
    not_applicable: bool
    at_target: bool


@dataclass(frozen=True)
class Summary:
    mean_level: Decimal | None
    norms_at_target: int
    policy_level: Decimal | None
    practice_level: Decimal | None
    quadrant: str
    domain_levels: dict[str, Decimal]


def _mean(levels: list[int], places: Decimal) -> Decimal | None:
    if not levels:
        return None
    return (Decimal(sum(levels)) / len(levels)).quantize(places, rounding=ROUND_HALF_UP)


def quadrant_of(policy: Decimal | None, practice: Decimal | None) -> str:
    """The quadrant of a board, or "" when either side has no assessed norm."""
    if policy is None or practice is None:
        return ""
    strong_policy, strong_practice = policy >= QUADRANT_THRESHOLD, practice >= QUADRANT_THRESHOLD
    if strong_policy and strong_practice:
        return Quadrant.LEADER
    if strong_policy:
        return Quadrant.THINKER
    return Quadrant.DOER if strong_practice else Quadrant.STARTER


def summarise(scores: Iterable[ScoreFacts]) -> Summary:
    """The numbers a submission keeps: means over assessed norms only (not assessed is not 0)."""
    every: list[int] = []
    by_domain: dict[str, list[int]] = defaultdict(list)
    at_target = 0
    for score in scores:
        at_target += score.at_target
        if score.not_applicable or score.level is None:
            by_domain.setdefault(score.domain, [])
            continue
        every.append(score.level)
        by_domain[score.domain].append(score.level)
    policy = [level for code in POLICY_DOMAINS for level in by_domain.get(code, [])]
    practice = [
        level
        for code, levels in by_domain.items()
        if code not in POLICY_DOMAINS
        for level in levels
    ]
    policy_level, practice_level = _mean(policy, TWO_PLACES), _mean(practice, TWO_PLACES)
    return Summary(
        mean_level=_mean(every, TWO_PLACES),
        norms_at_target=at_target,
        policy_level=policy_level,
        practice_level=practice_level,
        quadrant=quadrant_of(policy_level, practice_level),
        domain_levels={
            code: mean
            for code, levels in sorted(by_domain.items())
            if (mean := _mean(levels, ONE_PLACE)) is not None
        },
    )

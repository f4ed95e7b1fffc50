from decimal import Decimal

import pytest

from kompas.monitoring.aggregates import LOWER, MEDIAN, UPPER, quantile
from kompas.monitoring.snapshots import Quadrant, ScoreFacts, quadrant_of, summarise


def facts(domain, level, *, not_applicable=False, target=3):
    return ScoreFacts(
        domain=domain,
        level=level,
        not_applicable=not_applicable,
        at_target=level is not None and not not_applicable and level >= target,
    )


def test_a_summary_counts_assessed_norms_only_and_splits_policy_from_practice():
    summary = summarise(
        [
            facts("GO", 1),
            facts("GO", 2),
            facts("OR", None),  # not assessed: not a zero
            facts("BC", 3),
            facts("BC", 4),
            facts("SM", None, not_applicable=True),
        ]
    )

    assert summary.mean_level == Decimal("2.50")
    assert summary.norms_at_target == 2
    assert (summary.policy_level, summary.practice_level) == (Decimal("1.50"), Decimal("3.50"))
    assert summary.quadrant == Quadrant.DOER
    # A domain with nothing assessed has no mean rather than a mean of zero.
    assert summary.domain_levels == {"BC": Decimal("3.5"), "GO": Decimal("1.5")}


def test_a_board_with_one_side_not_assessed_is_not_placed_in_a_quadrant():
    summary = summarise([facts("GO", 3), facts("BC", None)])

    assert summary.quadrant == ""
    assert summary.practice_level is None


@pytest.mark.parametrize(
    ("policy", "practice", "quadrant"),
    [
        ("2.5", "2.5", Quadrant.LEADER),
        ("3.0", "2.49", Quadrant.THINKER),
        ("2.49", "4.0", Quadrant.DOER),
        ("1.0", "2.0", Quadrant.STARTER),
    ],
)
def test_the_quadrant_splits_each_side_at_two_and_a_half(policy, practice, quadrant):
    assert quadrant_of(Decimal(policy), Decimal(practice)) == quadrant


def test_quantiles_interpolate_between_neighbours():
    levels = {1: 1, 2: 2, 4: 1}  # 1, 2, 2, 4

    assert quantile(levels, MEDIAN) == Decimal("2.0")
    assert quantile(levels, LOWER) == Decimal("1.8")  # 1 + 0.75 x (2 - 1)
    assert quantile(levels, UPPER) == Decimal("2.5")  # 2 + 0.25 x (4 - 2)
    assert quantile({}, MEDIAN) is None
    assert quantile({3: 5}, LOWER) == quantile({3: 5}, UPPER) == Decimal("3.0")

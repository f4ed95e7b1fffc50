"""Utility is a requirement: at 1,300 boards the protected releases still say something.

With the synthetic sector of `seed_sector --boards 1300 --rounds 3`, each round's release must
publish at least 90% of its norm figures for the whole round, for each of the sectors PO, VO and
SO, and for each region with at least 20 boards that shared with no one (docs/disclosure-control.md
records the measured shares).
"""

import pytest

from kompas.demo.synthetic import sector_seed
from kompas.frameworks.normenkader import SHIPPED_FRAMEWORK
from kompas.frameworks.services import framework_import
from kompas.monitoring.aggregates import release_now, unknown_submissions
from kompas.monitoring.models import RoundFigure, SubmissionCell

pytestmark = pytest.mark.django_db

FLOOR = 0.9
REGION_BOARDS = 20


def published_shares(release):
    """Per cell: the share of norm figures shown, and how many unknown boards it holds."""
    shown: dict[tuple[str, str], list[bool]] = {}
    for cut, value, suppressed in RoundFigure.objects.filter(
        release=release, subject="norm"
    ).values_list("cut", "value", "suppressed"):
        shown.setdefault((cut, value), []).append(not suppressed)
    unknown: dict[tuple[str, str], int] = {}
    for cut, value in SubmissionCell.objects.filter(
        submission__in=unknown_submissions(release.round).filter(submitted_at__lte=release.as_of)
    ).values_list("cut", "value"):
        unknown[cut, value] = unknown.get((cut, value), 0) + 1
    return {cell: (sum(found) / len(found), unknown.get(cell, 0)) for cell, found in shown.items()}


def test_each_round_s_release_publishes_nine_in_ten_norm_figures_per_cut(settings):
    settings.MONITORING_MIN_BOARDS = 10
    framework_import(path=SHIPPED_FRAMEWORK)
    seeded = sector_seed(boards=1300, rounds=3, seed=1)

    for round_ in seeded.rounds:
        release = release_now(round_=round_)
        assert release.status == "published", release.refusal
        shares = published_shares(release)
        required = [("all", ""), ("sector", "PO"), ("sector", "VO"), ("sector", "SO")]
        required += [
            cell
            for cell, (_share, boards) in shares.items()
            if cell[0] == "region" and boards >= REGION_BOARDS
        ]
        assert len(required) > 8, "the floor must cover regions too"
        below = {cell: shares[cell][0] for cell in required if shares[cell][0] < FLOOR}
        assert below == {}, (round_.name, below)

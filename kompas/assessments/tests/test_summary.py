"""The summary figures of docs/scoring.md, against examples computed by hand."""

from decimal import Decimal
from types import SimpleNamespace

from kompas.assessments.selectors import summary


def score(code, domain, part, level, *, target=3, na=False, reason="", to_confirm=False):
    domain_obj = SimpleNamespace(
        pk=domain, code=domain, name=domain, part=SimpleNamespace(pk=part, code=part, name=part)
    )
    return SimpleNamespace(
        norm=SimpleNamespace(code=code, domain=domain_obj),
        level=level,
        target_level=target,
        not_applicable=na,
        not_applicable_reason=reason,
        is_assessed=level is not None or (na and bool(reason.strip())),
        to_confirm=to_confirm,
    )


def test_a_hand_computed_example():
    scores = [
        score("GO.01", "GO", "security", 3),
        score("GO.02", "GO", "security", 1),
        score("GO.03", "GO", "security", 4, target=4),
        score("SM.01", "SM", "security", None),
        score("SM.02", "SM", "security", None, na=True, reason="Geen eigen systemen"),
        score("PG.01", "PG", "privacy", 2),
    ]

    figures = summary(scores=scores)

    # 6 norms; assessed: 4 levels + 1 n/a with reason = 5; applicable: 5; at target: GO.01, GO.03.
    assert (figures.total, figures.assessed, figures.not_applicable) == (6, 5, 1)
    assert (figures.applicable, figures.at_or_above_target) == (5, 2)
    assert figures.completeness_percent == 83  # 5/6
    assert figures.at_or_above_target_percent == 40  # 2/5
    assert figures.meets_framework is False
    go = next(group for group in figures.domains if group.code == "GO")
    assert (go.mean, go.minimum) == (Decimal("2.7"), 1)  # (3+1+4)/3 = 2.67
    sm = next(group for group in figures.domains if group.code == "SM")
    assert (sm.mean, sm.minimum, sm.applicable) == (None, None, 1)
    security = next(group for group in figures.parts if group.code == "security")
    assert security.mean == Decimal("2.7")
    privacy = next(group for group in figures.parts if group.code == "privacy")
    assert (privacy.mean, privacy.minimum) == (Decimal("2.0"), 2)


def test_meeting_the_framework_needs_every_applicable_norm_at_or_above_target():
    scores = [
        score("GO.01", "GO", "security", 3),
        score("GO.02", "GO", "security", 5),
        score("GO.03", "GO", "security", None, na=True, reason="n.v.t."),
    ]

    assert summary(scores=scores).meets_framework is True
    scores.append(score("GO.04", "GO", "security", None))
    assert summary(scores=scores).meets_framework is False


def test_not_applicable_without_a_reason_counts_as_not_assessed_and_applicable():
    figures = summary(scores=[score("GO.01", "GO", "security", None, na=True, reason="")])

    assert (figures.assessed, figures.not_applicable, figures.applicable) == (0, 0, 1)


def test_means_round_half_up_to_one_decimal():
    scores = [score(f"GO.0{n}", "GO", "security", level) for n, level in enumerate([2, 2, 3, 3], 1)]

    assert summary(scores=scores).domains[0].mean == Decimal("2.5")


def test_a_value_carried_over_and_not_yet_confirmed_is_not_assessed():
    scores = [
        score("GO.01", "GO", "security", 3, to_confirm=True),
        score("GO.02", "GO", "security", 2, to_confirm=True),
        score("PG.01", "PG", "privacy", 2),
    ]

    figures = summary(scores=scores)

    # Only PG.01 was assessed this period; the other two wait for confirmation.
    assert (figures.total, figures.assessed) == (3, 1)
    assert figures.completeness_percent == 33
    # Their levels still stand for where the board is until someone changes them.
    assert figures.at_or_above_target == 1

"""A round's figures: counted in the database, passed through disclosure control, stored.

`round_aggregate()` is the only writer of RoundFigure. Its queries group and count in the
database; Python only sees one row per cell, norm and value — never a row per board.
"""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone

from kompas.frameworks.models import Norm
from kompas.monitoring.disclosure import Cell, Group, Publication, protect
from kompas.monitoring.models import (
    Consent,
    MonitoringRound,
    RoundFigure,
    Submission,
    SubmissionCell,
    SubmittedDomain,
    SubmittedScore,
    value_of,
)

# The quadrant is published like a norm's distribution, and protected like one: as a pseudo-norm
# whose values are the quadrants ("" for a board with a side not assessed at all).
QUADRANT = "quadrant"

ONE_PLACE = Decimal("0.1")


def unknown_submissions(round_: MonitoringRound) -> QuerySet[Submission]:
    """Submissions never shared by name with anyone: what disclosure control must hide.

    A withdrawn consent still counts as shared: what was seen by name cannot be unseen.
    """
    return Submission.objects.filter(round=round_).exclude(
        Exists(Consent.objects.filter(submission=OuterRef("pk")))
    )


def _groups(round_: MonitoringRound) -> tuple[list[Group], set[Cell]]:
    cells_of: dict[str, set[Cell]] = defaultdict(set)
    for signature, cut, value in (
        SubmissionCell.objects.filter(submission__round=round_)
        .values_list("submission__signature", "cut", "value")
        .distinct()
    ):
        cells_of[signature].add(Cell(cut, value))
    unknown = unknown_submissions(round_)
    values: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for signature, code, level, not_applicable in (
        SubmittedScore.objects.filter(submission__in=unknown)
        .values_list("submission__signature", "norm__code", "level", "not_applicable")
        .distinct()
    ):
        values[signature][code].add(value_of(level=level, not_applicable=not_applicable))
    for signature, quadrant in unknown.values_list("signature", "quadrant").order_by().distinct():
        values[signature][QUADRANT].add(quadrant)
    groups = [
        Group(
            cells=frozenset(cells_of[signature]),
            boards=boards,
            values={code: frozenset(found) for code, found in values[signature].items()},
        )
        for signature, boards in unknown.values_list("signature").annotate(boards=Count("id"))
    ]
    return groups, {cell for cells in cells_of.values() for cell in cells}


def quantile[N: (int, Decimal)](counts: dict[N, int], fraction: Decimal) -> Decimal | None:
    """The quantile of values given as value -> count, interpolating between neighbours.

    Position fraction * (n - 1) in the sorted values (the usual definition, "type 7"), so the
    median of an even count is the mean of the middle two.
    """
    total = sum(counts.values())
    if not total:
        return None
    ordered = sorted(counts.items())

    def nth(position: int) -> Decimal:
        seen = 0
        for value, count in ordered:
            seen += count
            if position < seen:
                return Decimal(value)
        raise ValueError(position)

    exact = fraction * (total - 1)
    below = int(exact)
    low = nth(below)
    high = nth(min(below + 1, total - 1))
    return (low + (high - low) * (exact - below)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


MEDIAN, LOWER, UPPER = Decimal("0.5"), Decimal("0.25"), Decimal("0.75")


@transaction.atomic
def round_aggregate(*, round_: MonitoringRound) -> Publication:
    """Recompute every figure of the round and store it, suppressed cells marked as such."""
    # One recomputation per round at a time: a second waits, then recomputes with everything.
    MonitoringRound.objects.select_for_update().filter(pk=round_.pk).first()
    # The figures are as of now: everything committed before the lock was taken is counted.
    as_of = timezone.now()
    norms = list(
        Norm.objects.filter(framework_version=round_.framework_version).select_related(
            "domain__part"
        )
    )
    groups, cells = _groups(round_)
    publication = protect(
        groups=groups,
        cells=cells,
        norms=[norm.code for norm in norms] + [QUADRANT],
        k=settings.MONITORING_MIN_BOARDS,
    )
    scores = SubmittedScore.objects.filter(submission__round=round_)
    by_cell = "submission__cells__cut", "submission__cells__value"
    boards = {
        Cell(cut, value): count
        for cut, value, count in SubmissionCell.objects.filter(submission__round=round_)
        .values_list("cut", "value")
        .annotate(count=Count("id"))
    }
    # One pass over scores x cells: the distribution per cell and norm, with at-target split
    # out, gives the shares here and the domain and part levels below (no second pass).
    counts: dict[tuple[Cell, str], dict[str, int]] = defaultdict(dict)
    shares: dict[tuple[Cell, str], tuple[int, int]] = {}
    for cut, value, code, level, not_applicable, at_target, count in (
        scores.values_list(*by_cell, "norm__code", "level", "not_applicable", "at_target")
        .annotate(count=Count("id"))
        .order_by()
    ):
        key = Cell(cut, value), code
        shown_value = value_of(level=level, not_applicable=not_applicable)
        counts[key][shown_value] = counts[key].get(shown_value, 0) + count
        reached, applicable = shares.get(key, (0, 0))
        shares[key] = (
            reached + (count if at_target else 0),
            applicable + (0 if not_applicable else count),
        )
    figures = []
    for cell in sorted(cells):
        for norm in norms:
            shown = publication.shows(cell, norm.code)
            reached, applicable = shares.get((cell, norm.code), (0, 0))
            figures.append(
                RoundFigure(
                    round=round_,
                    cut=cell.cut,
                    value=cell.value,
                    subject="norm",
                    code=norm.code,
                    suppressed=not shown,
                    boards=boards.get(cell) if shown else None,
                    counts=counts.get((cell, norm.code), {}) if shown else None,
                    share_at_target=(
                        (Decimal(100 * reached) / applicable).quantize(
                            ONE_PLACE, rounding=ROUND_HALF_UP
                        )
                        if shown and applicable
                        else None
                    ),
                )
            )
    figures += _group_figures(
        round_, norms, publication=publication, cells=cells, boards=boards, counts=counts
    )
    figures += _quadrant_figures(round_, publication=publication, cells=cells, boards=boards)
    RoundFigure.objects.filter(round=round_).delete()
    RoundFigure.objects.bulk_create(figures)
    MonitoringRound.objects.filter(pk=round_.pk).update(aggregated_at=as_of)
    return publication


def _group_figures(
    round_: MonitoringRound,
    norms: list[Norm],
    *,
    publication: Publication,
    cells: set[Cell],
    boards: dict[Cell, int],
    counts: dict[tuple[Cell, str], dict[str, int]],
) -> list[RoundFigure]:
    """Mean and median of the assessed levels per domain and per part, where rule 4 allows.

    Summed from the per-norm distributions already counted: no query of its own.
    """
    members: dict[tuple[str, str], list[str]] = defaultdict(list)
    for norm in norms:
        members["domain", norm.domain.code].append(norm.code)
        members["part", norm.domain.part.code].append(norm.code)
    board_means = _board_means(round_)
    figures = []
    for cell in sorted(cells):
        for (subject, code), codes in members.items():
            shown = publication.shows_all(cell, codes)
            levels: dict[int, int] = defaultdict(int)
            for norm_code in codes:
                for found, count in counts.get((cell, norm_code), {}).items():
                    if found.isdigit():
                        levels[int(found)] += count
            assessed = sum(levels.values())
            mean = (
                (
                    Decimal(sum(level * count for level, count in levels.items())) / assessed
                ).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)
                if assessed
                else None
            )
            spread = board_means.get((cell, code), {}) if shown and subject == "domain" else {}
            lower, upper = quantile(spread, LOWER), quantile(spread, UPPER)
            if lower == upper:
                # The middle half of the boards share one mean: quartiles would say too much.
                lower = upper = None
            figures.append(
                RoundFigure(
                    round=round_,
                    cut=cell.cut,
                    value=cell.value,
                    subject=subject,
                    code=code,
                    suppressed=not shown,
                    boards=boards.get(cell) if shown else None,
                    mean=mean if shown else None,
                    median=quantile(levels, MEDIAN) if shown else None,
                    lower_quartile=lower,
                    upper_quartile=upper,
                    board_median=quantile(spread, MEDIAN) if lower is not None else None,
                )
            )
    return figures


def _board_means(round_: MonitoringRound) -> dict[tuple[Cell, str], dict[Decimal, int]]:
    """Per cell and domain, how many boards have each mean level (one grouped query)."""
    found: dict[tuple[Cell, str], dict[Decimal, int]] = defaultdict(dict)
    for cut, value, code, mean, count in (
        SubmittedDomain.objects.filter(submission__round=round_)
        .values_list("submission__cells__cut", "submission__cells__value", "code", "mean")
        .annotate(count=Count("id"))
        .order_by()
    ):
        found[Cell(cut, value), code][mean] = count
    return found


def _quadrant_figures(
    round_: MonitoringRound,
    *,
    publication: Publication,
    cells: set[Cell],
    boards: dict[Cell, int],
) -> list[RoundFigure]:
    """How many boards sit in each quadrant, per cell, protected like a norm's distribution."""
    counts: dict[Cell, dict[str, int]] = defaultdict(dict)
    for cut, value, quadrant, count in (
        Submission.objects.filter(round=round_)
        .values_list("cells__cut", "cells__value", "quadrant")
        .annotate(count=Count("id"))
        .order_by()
    ):
        counts[Cell(cut, value)][quadrant] = count
    figures = []
    for cell in sorted(cells):
        shown = publication.shows(cell, QUADRANT)
        figures.append(
            RoundFigure(
                round=round_,
                cut=cell.cut,
                value=cell.value,
                subject=QUADRANT,
                code=QUADRANT,
                suppressed=not shown,
                boards=boards.get(cell) if shown else None,
                counts=counts.get(cell, {}) if shown else None,
            )
        )
    return figures

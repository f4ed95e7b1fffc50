"""A release's figures: counted in the database, passed through disclosure control, stored.

`release_compute()` is the only writer of RoundFigure. Its queries group and count in the
database; Python only sees one row per stratum, norm and value — never a row per board.
"""

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models import IntegerField as IntegerType
from django.utils import timezone

from kompas.frameworks.models import Norm
from kompas.monitoring.disclosure import (
    CURRENT,
    ROUND,
    Attribute,
    Cell,
    Fact,
    Publication,
    Stratum,
    protect,
)
from kompas.monitoring.models import (
    Consent,
    MonitoringRound,
    Release,
    ReleaseStatus,
    RoundFigure,
    RoundStatus,
    SectorService,
    Submission,
    SubmissionCell,
    SubmittedDomain,
    SubmittedScore,
    SubmittedService,
    UptakeStatus,
    value_of,
)
from kompas.monitoring.services import invited_per_cell
from kompas.monitoring.snapshots import Quadrant
from kompas.plans.roadmap import Verdict

# The quadrant is published like a norm's distribution, and protected like one: as an attribute
# whose values are the quadrants ("" for a board with a side not assessed at all).
QUADRANT = "quadrant"
QUADRANT_VALUES = (*Quadrant.values, "")
LEVEL_VALUES = ("1", "2", "3", "4", "5", "open", "na")

# The programme's goals, per board of a submission: each published as how many boards have it.
GOALS = {
    "plan": Q(has_approved_plan=True),
    "covered": Q(has_approved_plan=True, open_gaps=0),
    "meets": ~Q(
        Exists(
            SubmittedScore.objects.filter(
                submission=OuterRef("pk"), at_target=False, not_applicable=False
            )
        )
    ),
    "on_track": Q(projection=Verdict.ON_TRACK),
}
GOAL = "goal"
# The sector's services: per board of a submission, whether it used the service then.
SERVICE = "service"
SERVICES = {
    service: Q(
        Exists(
            SubmittedService.objects.filter(
                submission=OuterRef("pk"), service=service, status=UptakeStatus.IN_USE
            )
        )
    )
    for service in SectorService.values
}
# The incident register's sector figure: boards with a personal-data breach in the year before
# they submitted (kompas.monitoring.incident_counts).
INCIDENT, BREACH = "incident", "breach"
# Every figure that counts boards with and without something, under its attribute's name.
YES_NO_FIGURES = {
    **{(GOAL, goal): condition for goal, condition in GOALS.items()},
    **{(SERVICE, service): condition for service, condition in SERVICES.items()},
    (INCIDENT, BREACH): Q(breaches__gt=0),
}
PARTICIPATION = "turnout"
YES_NO = ("yes", "no")

# The method's name and version, kept with every release (docs/disclosure-control.md).
METHOD = "groups-of-k and linear audit, 2026-12"

ONE_PLACE = Decimal("0.1")


class FigureMaker(Protocol):
    """Makes one stored figure of a cell; its values are dropped when it is not shown."""

    def __call__(
        self, cell: Cell, subject: str, code: str, *, shown: bool, **values: object
    ) -> RoundFigure: ...


def unknown_submissions(round_: MonitoringRound) -> QuerySet[Submission]:
    """Submissions never shared by name with anyone: what disclosure control must hide.

    A withdrawn consent still counts as shared: what was seen by name cannot be unseen. So does
    the same evaluation shared by name in another round: its values are the same.
    """
    return Submission.objects.filter(round=round_).exclude(
        Exists(Consent.objects.filter(submission__assessment=OuterRef("assessment")))
    )


class _Link:
    """The round before, for boards that submit the same evaluation again.

    docs/disclosure-control.md, "Resubmissions across rounds".

    A board that resubmits its evaluation has the same levels in both rounds, so the previous
    round's published figures constrain them too. Its submissions are joined to the board's
    submission of the previous round with the same evaluation (a LEFT JOIN, `prior`); each
    stratum then also carries the previous round's facts that counted it, and the previous
    round's other unknown boards join the audit as strata of their own.
    """

    def __init__(self, round_: MonitoringRound, unknown: QuerySet[Submission]):
        self.previous = (
            MonitoringRound.objects.filter(
                framework_version=round_.framework_version_id,
                published_release__isnull=False,
                opened_at__lt=round_.opened_at,
            )
            .order_by("-opened_at", "-pk")
            .first()
        )
        # No board submitted its evaluation again: the previous round adds nothing to the audit
        # (its boards share no variable with this round's), so it is left out.
        repeated = self.previous is not None and (
            unknown.filter(
                Exists(
                    Submission.objects.filter(
                        round=self.previous,
                        board=OuterRef("board"),
                        assessment=OuterRef("assessment"),
                    )
                )
            ).exists()
        )
        self.releases = (
            list(
                Release.objects.filter(
                    round=self.previous, status=ReleaseStatus.PUBLISHED
                ).order_by("number")
            )
            if repeated
            else []
        )
        self.cells_of: dict[str, frozenset[Cell]] = {}
        if self.releases:
            found: dict[str, set[Cell]] = defaultdict(set)
            for signature, cut, value in (
                SubmissionCell.objects.filter(submission__round=self.previous)
                .values_list("submission__signature", "cut", "value")
                .distinct()
            ):
                found[signature].add(Cell(cut, value))
            self.cells_of = {signature: frozenset(cells) for signature, cells in found.items()}
        self.strata = _Strata(self.cells_of, self.releases)

    def join(self, path: str = "") -> dict[str, FilteredRelation]:
        """The annotation that joins a row's submission to its prior one (none: no link)."""
        board = f"{path}board__submissions"
        return {
            "prior": FilteredRelation(
                board,
                condition=Q(
                    **{
                        f"{board}__round": self.previous,
                        f"{board}__assessment": F(f"{path}assessment"),
                    }
                ),
            )
        }

    def batch(self, field: str = "prior__submitted_at") -> Case:
        """The first release of the previous round that counted the prior submission; -1: none."""
        return _batch(self.releases, field, default=NO_LINK)

    def facts(self, signature: str, batch: int) -> frozenset[Fact]:
        """The previous round's facts that counted a prior submission (none for NO_LINK)."""
        return self.strata.facts(signature, batch)

    def shown(self, name: str) -> frozenset[Fact]:
        return _shown_before(self.releases, name)

    def others(self, current: QuerySet[Submission]) -> QuerySet[Submission]:
        """The previous round's unknown submissions that no submission of `current` repeats."""
        if self.previous is None:
            return Submission.objects.none()
        return unknown_submissions(self.previous).exclude(
            Exists(current.filter(board=OuterRef("board"), assessment=OuterRef("assessment")))
        )


NO_LINK = -1


def earlier_releases(release: Release) -> list[Release]:
    """The round's published releases before this one, oldest first."""
    return list(
        Release.objects.filter(
            round=release.round_id, status=ReleaseStatus.PUBLISHED, number__lt=release.number
        ).order_by("number")
    )


def _batch(earlier: list[Release], field: str, *, default: int = CURRENT) -> Case:
    """The first release that counted a submission (its pk), or `default` (CURRENT: new ones)."""
    return Case(
        *[When(**{f"{field}__lte": found.as_of}, then=Value(found.pk)) for found in earlier],
        default=Value(default),
        output_field=IntegerType(),
    )


KEPT = -2  # `gone` of a submission the release being computed still counts


def _gone(earlier: list[Release], as_of: datetime.datetime, path: str = "") -> Case:
    """When a resubmission replaced a submission: the first earlier release that no longer
    counted it (its pk), CURRENT for the release being computed, or KEPT while it counts."""
    field = f"{path}replaced_by__submitted_at"
    return Case(
        *[When(**{f"{field}__lte": found.as_of}, then=Value(found.pk)) for found in earlier],
        When(**{f"{field}__lte": as_of}, then=Value(CURRENT)),
        default=Value(KEPT),
        output_field=IntegerType(),
    )


class _Strata:
    """Builds strata from grouped rows: the cells and earlier facts of a signature and batch.

    A submission is counted by the releases from its batch on, until the one its resubmission
    (`gone`) is counted by: a replaced snapshot is a stratum of the earlier releases only, and
    its replacement one that joined later (docs/disclosure-control.md, "Resubmissions").
    """

    def __init__(self, cells_of: dict[str, frozenset[Cell]], earlier: list[Release]):
        self.cells_of = cells_of
        self.order = [found.pk for found in earlier]
        self.made: dict[tuple[str, int, int], frozenset[Fact]] = {}

    def facts(self, signature: str, batch: int, gone: int = KEPT) -> frozenset[Fact]:
        key = signature, batch, gone
        if key not in self.made:
            cells = self.cells_of.get(signature, frozenset())
            start = self.order.index(batch) if batch in self.order else len(self.order)
            end = self.order.index(gone) if gone in self.order else len(self.order)
            self.made[key] = frozenset(
                Fact(release, cell) for release in self.order[start:end] for cell in cells
            )
        return self.made[key]

    def cells(self, signature: str, gone: int = KEPT) -> frozenset[Cell]:
        """The current release's cells of a submission: none once it was replaced."""
        return self.cells_of.get(signature, frozenset()) if gone == KEPT else frozenset()

    def build(self, found: dict[tuple[str, int, int], dict[str, int]]) -> list[Stratum]:
        return _counted_somewhere(
            Stratum(
                cells=self.cells(signature, gone),
                boards=sum(counts.values()),
                facts=self.facts(signature, batch, gone),
                counts=counts,
            )
            for (signature, batch, gone), counts in sorted(found.items())
        )


def _counted_somewhere(strata: Iterable[Stratum]) -> list[Stratum]:
    """Leave out submissions no release counts (made and replaced between two releases)."""
    return [stratum for stratum in strata if stratum.members()]


def _shown_before(earlier: list[Release], name: str | None) -> frozenset[Fact]:
    """What earlier releases showed: their cells (name None) or one attribute's cells."""
    return frozenset(
        Fact(found.pk, Cell(cut, value))
        for found in earlier
        for cut, value in (
            found.shown.get("cells", [])
            if name is None
            else found.shown.get("attributes", {}).get(name, [])
        )
    )


def _inputs(
    release: Release, norms: list[Norm], earlier: list[Release]
) -> tuple[list[Stratum], set[Cell], dict[str, Attribute]]:
    """The strata of the release: per signature, batch and replacement, per norm also target.

    Every submission made by `as_of` is a stratum of the releases that counted it, replaced
    ones included: the figures they were in stand, and constrain the boards still counted.
    """
    round_ = release.round
    made = Submission.objects.filter(round=round_, submitted_at__lte=release.as_of)
    counted = made.counted_at(release.as_of)
    cells_of: dict[str, set[Cell]] = defaultdict(set)
    for signature, cut, value in (
        SubmissionCell.objects.filter(submission__in=made)
        .values_list("submission__signature", "cut", "value")
        .distinct()
    ):
        cells_of[signature].add(Cell(cut, value))
    frozen = {signature: frozenset(cells) for signature, cells in cells_of.items()}
    current_cells = set(
        SubmissionCell.objects.filter(submission__in=counted).values_list("cut", "value")
    )
    unknown = unknown_submissions(round_).filter(submitted_at__lte=release.as_of)
    builder = _Strata(frozen, earlier)
    link = _Link(round_, unknown)
    boards: dict[tuple[str, int, int], dict[str, int]] = {}
    # The quadrant and the norms come from the evaluation: a board that submits the same one
    # again is linked to its previous submission (keys end in its signature and batch there).
    quadrants: dict[tuple[str, int, int, str, int], dict[str, int]] = defaultdict(dict)
    for signature, batch, gone, prior, prior_batch, quadrant, count in _linked(
        unknown.annotate(batch=_batch(earlier, "submitted_at"), gone=_gone(earlier, release.as_of)),
        link,
        "",
        ("signature", "batch", "gone"),
        ("quadrant",),
    ):
        quadrants[signature, batch, gone, prior, prior_batch][quadrant] = count
        boards.setdefault((signature, batch, gone), {"": 0})[""] += count
    for signature, prior_batch, quadrant, count in _others(link, unknown, "", ("quadrant",)):
        quadrants["", NO_LINK, CURRENT, signature, prior_batch][quadrant] = count
    attributes = {
        QUADRANT: Attribute(
            QUADRANT_VALUES,
            _linked_strata(quadrants, builder, link),
            _shown_before(earlier, QUADRANT) | link.shown(QUADRANT),
        )
    }
    for (subject, code), condition in YES_NO_FIGURES.items():
        found: dict[tuple[str, int, int], dict[str, int]] = defaultdict(dict)
        for signature, batch, gone, has, count in (
            unknown.annotate(
                batch=_batch(earlier, "submitted_at"),
                gone=_gone(earlier, release.as_of),
                has=Case(When(condition, then=Value("yes")), default=Value("no")),
            )
            .values_list("signature", "batch", "gone", "has")
            .annotate(count=Count("id"))
            .order_by()
        ):
            found[signature, batch, gone][has] = count
        name = f"{subject}:{code}"
        attributes[name] = Attribute(YES_NO, builder.build(found), _shown_before(earlier, name))
    # Per norm, boards with different targets are told apart: the adversary may know targets.
    per_norm: dict[str, dict[tuple[str, int, int, str, int, int], dict[str, int]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    score_fields = ("norm__code", "target_level", "level", "not_applicable")
    for signature, batch, gone, prior, prior_batch, code, target, level, na, count in _linked(
        SubmittedScore.objects.filter(submission__in=unknown).annotate(
            batch=_batch(earlier, "submission__submitted_at"),
            gone=_gone(earlier, release.as_of, "submission__"),
        ),
        link,
        "submission__",
        ("submission__signature", "batch", "gone"),
        score_fields,
    ):
        shown_value = value_of(level=level, not_applicable=na)
        per_norm[code][signature, batch, gone, prior, prior_batch, target][shown_value] = count
    for signature, prior_batch, code, target, level, na, count in _others(
        link, unknown, "submission__", score_fields
    ):
        shown_value = value_of(level=level, not_applicable=na)
        per_norm[code]["", NO_LINK, CURRENT, signature, prior_batch, target][shown_value] = count
    for norm in norms:
        strata = _counted_somewhere(
            Stratum(
                cells=builder.cells(signature, gone),
                boards=sum(counts.values()),
                facts=builder.facts(signature, batch, gone) | link.facts(prior, prior_batch),
                counts=counts,
                marked=frozenset(str(level) for level in range(target, 6)),
            )
            for (signature, batch, gone, prior, prior_batch, target), counts in sorted(
                per_norm[norm.code].items()
            )
        )
        attributes[norm.code] = Attribute(
            LEVEL_VALUES,
            strata,
            _shown_before(earlier, norm.code) | link.shown(norm.code),
        )
    counted_strata = builder.build(boards)
    return counted_strata, {Cell(cut, value) for cut, value in current_cells}, attributes


def _linked(
    rows: QuerySet, link: _Link, path: str, keys: tuple[str, ...], fields: tuple[str, ...]
) -> Iterable[tuple]:
    """Grouped counts by `keys`, the prior submission's signature and batch, and `fields`.

    Without a previous round to link to, the prior signature is "" and its batch NO_LINK.
    """
    if not link.releases:
        for row in rows.values_list(*keys, *fields).annotate(count=Count("id")).order_by():
            yield (*row[: len(keys)], "", NO_LINK, *row[len(keys) :])
        return
    for row in (
        rows.annotate(**link.join(path), prior_batch=link.batch())
        .values_list(*keys, "prior__signature", "prior_batch", *fields)
        .annotate(count=Count("id"))
        .order_by()
    ):
        prior = row[len(keys)]
        yield (*row[: len(keys)], prior or "", *row[len(keys) + 1 :])


def _others(
    link: _Link, current: QuerySet[Submission], path: str, fields: tuple[str, ...]
) -> Iterable[tuple]:
    """The previous round's other unknown boards, grouped by signature, batch and `fields`."""
    if not link.releases:
        return
    others = link.others(current)
    rows = others if not path else SubmittedScore.objects.filter(submission__in=others)
    yield from (
        rows.annotate(prior_batch=link.batch(f"{path}submitted_at"))
        .values_list(f"{path}signature", "prior_batch", *fields)
        .annotate(count=Count("id"))
        .order_by()
    )


def _linked_strata(
    found: dict[tuple[str, int, int, str, int], dict[str, int]],
    builder: "_Strata",
    link: _Link,
) -> list[Stratum]:
    return _counted_somewhere(
        Stratum(
            cells=builder.cells(signature, gone),
            boards=sum(counts.values()),
            facts=builder.facts(signature, batch, gone) | link.facts(prior, prior_batch),
            counts=counts,
        )
        for (signature, batch, gone, prior, prior_batch), counts in sorted(found.items())
    )


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


class ReleaseRefused(Exception):
    """The release would show nothing that the previous one did not, or too little to show."""


@transaction.atomic
def release_compute(*, release: Release) -> Publication | None:
    """Compute a requested release, store its figures and publish it; or refuse it, saying why.

    Only submissions made up to the release's `as_of` count, so a release computed twice gives
    the same figures. Returns the publication, or None when the release was refused.
    """
    # One computation per release at a time: a second finds it no longer pending.
    release = Release.objects.select_for_update().select_related("round").get(pk=release.pk)
    if release.status != ReleaseStatus.PENDING:
        return None
    # A submission holds the round's row while it is made: waiting for it here means that one
    # stamped before `as_of` but not yet committed is seen, as later releases will assume.
    MonitoringRound.objects.select_for_update().filter(pk=release.round_id).first()
    round_ = release.round
    earlier = earlier_releases(release)
    norms = list(
        Norm.objects.filter(framework_version=round_.framework_version).select_related(
            "domain__part"
        )
    )
    k = settings.MONITORING_MIN_BOARDS
    strata, cells, attributes = _inputs(release, norms, earlier)
    counted = Submission.objects.filter(round=round_).counted_at(release.as_of)
    ids = sorted(counted.values_list("pk", flat=True))
    joined = sum(stratum.boards for stratum in strata if not stratum.facts)
    if not release.final and joined < k:
        _refuse(
            release,
            f"Fewer than {k} boards that shared with no one joined since the previous release.",
        )
        return None
    publication = protect(
        strata=strata,
        cells=cells,
        attributes=attributes,
        k=k,
        counted=_shown_before(earlier, None),
    )
    if ROUND not in publication.cells and not release.final:
        _refuse(release, "Nothing of the round can be shown yet.")
        return None
    figures = _figures(release, counted, norms, publication, cells)
    RoundFigure.objects.bulk_create(figures)
    release.status = ReleaseStatus.PUBLISHED
    release.computed_at = timezone.now()
    release.submissions = len(ids)
    release.digest = submissions_digest(ids)
    release.parameters = {"k": k, "method": METHOD}
    release.shown = {
        "cells": _cell_list(publication.cells),
        "attributes": {
            name: _cell_list(shown) for name, shown in sorted(publication.norms.items())
        },
    }
    release.save()
    MonitoringRound.objects.filter(pk=round_.pk).update(published_release=release)
    return publication


def submissions_digest(ids: Iterable[int]) -> str:
    return hashlib.sha256(",".join(str(pk) for pk in sorted(ids)).encode()).hexdigest()


def _cell_list(cells: Iterable[Cell]) -> list[list[str]]:
    return [[cell.cut, cell.value] for cell in sorted(cells)]


def _refuse(release: Release, reason: str) -> None:
    release.status = ReleaseStatus.REFUSED
    release.computed_at = timezone.now()
    release.refusal = reason
    release.save(update_fields=["status", "computed_at", "refusal"])


def _figures(
    release: Release,
    counted: QuerySet[Submission],
    norms: list[Norm],
    publication: Publication,
    cells: set[Cell],
) -> list[RoundFigure]:
    round_ = release.round
    scores = SubmittedScore.objects.filter(submission__in=counted)
    by_cell = "submission__cells__cut", "submission__cells__value"
    boards = {
        Cell(cut, value): count
        for cut, value, count in SubmissionCell.objects.filter(submission__in=counted)
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

    def figure(
        cell: Cell, subject: str, code: str, *, shown: bool, **values: object
    ) -> RoundFigure:
        return RoundFigure(
            round=round_,
            release=release,
            cut=cell.cut,
            value=cell.value,
            subject=subject,
            code=code,
            suppressed=not shown,
            boards=boards.get(cell) if shown else None,
            **(values if shown else {}),
        )

    figures = []
    for cell in sorted(cells):
        for norm in norms:
            reached, applicable = shares.get((cell, norm.code), (0, 0))
            figures.append(
                figure(
                    cell,
                    "norm",
                    norm.code,
                    shown=publication.shows(cell, norm.code),
                    counts=counts.get((cell, norm.code), {}),
                    share_at_target=_percent(reached, applicable),
                )
            )
    figures += _group_figures(
        counted, norms, publication=publication, cells=cells, counts=counts, figure=figure
    )
    figures += _count_figures(counted, publication=publication, cells=cells, figure=figure)
    # Taking part: invited and submitted boards per cell are public facts (board attributes and
    # the Inspectorate's per-board signal), shown for every cell.
    invited = invited_per_cell(round_.sectors)
    figures += [
        RoundFigure(
            round=round_,
            release=release,
            cut=cell.cut,
            value=cell.value,
            subject=PARTICIPATION,
            code=PARTICIPATION,
            boards=boards.get(cell, 0),
            counts={"invited": invited.get((cell.cut, cell.value), 0)},
            share_at_target=_percent(boards.get(cell, 0), invited.get((cell.cut, cell.value), 0)),
        )
        for cell in sorted(cells)
    ]
    return figures


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100 * part) / whole).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def _group_figures(
    counted: QuerySet[Submission],
    norms: list[Norm],
    *,
    publication: Publication,
    cells: set[Cell],
    counts: dict[tuple[Cell, str], dict[str, int]],
    figure: FigureMaker,
) -> list[RoundFigure]:
    """Mean and median of the assessed levels per domain and per part, where rule 4 allows.

    Summed from the per-norm distributions already counted: no query of its own.
    """
    members: dict[tuple[str, str], list[str]] = defaultdict(list)
    for norm in norms:
        members["domain", norm.domain.code].append(norm.code)
        members["part", norm.domain.part.code].append(norm.code)
    board_means = _board_means(counted)
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
                figure(
                    cell,
                    subject,
                    code,
                    shown=shown,
                    mean=mean,
                    median=quantile(levels, MEDIAN),
                    lower_quartile=lower,
                    upper_quartile=upper,
                    board_median=quantile(spread, MEDIAN) if lower is not None else None,
                )
            )
    return figures


def _board_means(counted: QuerySet[Submission]) -> dict[tuple[Cell, str], dict[Decimal, int]]:
    """Per cell and domain, how many boards have each mean level (one grouped query)."""
    found: dict[tuple[Cell, str], dict[Decimal, int]] = defaultdict(dict)
    for cut, value, code, mean, count in (
        SubmittedDomain.objects.filter(submission__in=counted)
        .values_list("submission__cells__cut", "submission__cells__value", "code", "mean")
        .annotate(count=Count("id"))
        .order_by()
    ):
        found[Cell(cut, value), code][mean] = count
    return found


def _count_figures(
    counted: QuerySet[Submission],
    *,
    publication: Publication,
    cells: set[Cell],
    figure: FigureMaker,
) -> list[RoundFigure]:
    """How many boards sit in each quadrant, have each goal and use each service, per cell.

    Protected like norms: each is an attribute of its own in the audit.
    """
    counts: dict[tuple[str, Cell], dict[str, int]] = defaultdict(dict)
    for cut, value, quadrant, count in (
        counted.values_list("cells__cut", "cells__value", "quadrant")
        .annotate(count=Count("id"))
        .order_by()
    ):
        counts[QUADRANT, Cell(cut, value)][quadrant] = count
    for (subject, code), condition in YES_NO_FIGURES.items():
        for cut, value, has, count in (
            counted.annotate(has=Case(When(condition, then=Value("yes")), default=Value("no")))
            .values_list("cells__cut", "cells__value", "has")
            .annotate(count=Count("id"))
            .order_by()
        ):
            counts[f"{subject}:{code}", Cell(cut, value)][has] = count
    figures = []
    for cell in sorted(cells):
        figures.append(
            figure(
                cell,
                QUADRANT,
                QUADRANT,
                shown=publication.shows(cell, QUADRANT),
                counts=counts.get((QUADRANT, cell), {}),
            )
        )
        for subject, code in YES_NO_FIGURES:
            name = f"{subject}:{code}"
            found = counts.get((name, cell), {})
            figures.append(
                figure(
                    cell,
                    subject,
                    code,
                    shown=publication.shows(cell, name),
                    counts=found,
                    share_at_target=_percent(found.get("yes", 0), sum(found.values())),
                )
            )
    return figures


def release_now(*, round_: MonitoringRound, final: bool | None = None) -> Release:
    """Make and compute a release at once, as the round's opener: for seeding and tests.

    The analyst's way is `services.release_request` (and `round_close`), computed by the worker.
    `final` defaults to whether the round is closed.
    """
    if round_.opened_by_id is None:
        # Recreated by a board import to hold that board's submission: it publishes nothing.
        raise ValueError(f"Round {round_} has no opener here; it is not released.")
    release = Release.objects.create(
        round=round_,
        number=round_.next_release_number(),
        final=round_.status == RoundStatus.CLOSED if final is None else final,
        requested_by_id=round_.opened_by_id,
        as_of=timezone.now(),
    )
    release_compute(release=release)
    release.refresh_from_db()
    return release

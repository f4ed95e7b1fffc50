"""Who a board's results are shown to by name: the one place that reads consent for named pages.

A board is seen by name by an audience only through its latest submission (latest by the
opening of the round; within a round, the snapshot no resubmission replaced), and only while
that submission's consent for the audience is active.
Withdrawing it, or submitting to a newer round without it, takes the board off every named
page of that audience from then on. The support list and the regions read submissions through
here; nothing else decides who is shown. The domain columns their tables share are here too.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet

from kompas.frameworks.models import Domain
from kompas.monitoring.models import Audience, Consent, Submission
from kompas.plans.roadmap import Verdict


def active_consent(audience: Audience) -> Exists:
    """True for a submission (the outer row) whose consent for `audience` is not withdrawn."""
    return Exists(
        Consent.objects.filter(
            submission=OuterRef("pk"), audience=audience, withdrawn_at__isnull=True
        )
    )


def latest_submissions() -> QuerySet[Submission]:
    """Each board's latest submission: of the round opened last (the newer round on a tie)."""
    # "No newer submission of the same board": an anti-join, three times faster on PostgreSQL
    # than picking the newest per board with a correlated subquery (10,000 boards x 5 rounds).
    # Within a round a resubmission replaces the earlier snapshot: only current ones compete.
    newer = Submission.objects.filter(board=OuterRef("board")).filter(
        Q(round__opened_at__gt=OuterRef("round__opened_at"))
        | Q(round__opened_at=OuterRef("round__opened_at"), round_id__gt=OuterRef("round_id"))
    )
    return Submission.objects.current().filter(~Exists(newer))


def shared_with(audience: Audience) -> QuerySet[Submission]:
    """The latest submission of every board that shares it by name with `audience` now."""
    return latest_submissions().filter(active_consent(audience))


@dataclass(frozen=True)
class DomainColumn:
    code: str
    name: str


def domain_columns(submissions: Iterable[Submission]) -> list[DomainColumn]:
    """The domains the submissions' means are given for, in the framework's order (one query).

    Reads the prefetched `domain_levels` of each submission.
    """
    submissions = list(submissions)
    codes = {level.code for s in submissions for level in s.domain_levels.all()}
    if not codes:
        return []
    names: dict[str, tuple[int, str]] = {}
    for code, name, position in (
        Domain.objects.filter(
            framework_version__in={s.round.framework_version_id for s in submissions},
            code__in=codes,
        )
        .order_by("framework_version__imported_at")
        .values_list("code", "name", "position")
    ):
        names[code] = (position, name)  # the newest version's name wins
    return [
        DomainColumn(code, names.get(code, (0, code))[1])
        for code in sorted(codes, key=lambda code: (names.get(code, (10_000, ""))[0], code))
    ]


def domain_means(submission: Submission, columns: list[DomainColumn]) -> list[Decimal | None]:
    """The submission's mean per column; None where it has none (no norm of it assessed)."""
    means = {level.code: level.mean for level in submission.domain_levels.all()}
    return [means.get(column.code) for column in columns]


def projection_label(value: str) -> str:
    """The projection a submission recorded, as its label ("On track", ...)."""
    return str(Verdict(value).label) if value in Verdict.values else value


@dataclass(frozen=True)
class NamedResult:
    """A submission as a named page shows it: its means per domain column and its projection."""

    submission: Submission
    domain_means: list[Decimal | None]
    projection: str


def named_results(
    submissions: Iterable[Submission],
) -> tuple[list[DomainColumn], list[NamedResult]]:
    """The domain columns of the submissions, and each submission laid out along them."""
    submissions = list(submissions)
    columns = domain_columns(submissions)
    return columns, [
        NamedResult(s, domain_means(s, columns), projection_label(s.projection))
        for s in submissions
    ]

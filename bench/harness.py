"""A small benchmark harness: run each case many times, report median, p95 and query counts.

Timings are wall-clock on the machine at hand; budgets are medians. A case fails when its median
is over budget or when its query count varies between runs (counts must not depend on data size
or on warm caches).
"""

import os
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kompas.frameworks.fileformat import parse_framework_text
from kompas.frameworks.models import FrameworkVersion
from kompas.frameworks.normenkader import NORMENKADER_SLUG, SHIPPED_FRAMEWORK
from kompas.frameworks.services import framework_import_document


@dataclass(frozen=True)
class Case:
    name: str
    budget_ms: float
    run: Callable[[], Any]
    runs: int


@dataclass(frozen=True)
class Result:
    name: str
    runs: int
    median_ms: float
    p95_ms: float
    queries: int | None
    budget_ms: float
    passed: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class _Rollback(Exception):
    pass


def import_shipped_framework_in_rolled_back_transaction() -> None:
    """The whole import (read, parse, validate, write) of a copy under another slug."""
    raw = SHIPPED_FRAMEWORK.read_bytes().replace(
        f"slug: {NORMENKADER_SLUG}".encode(), b"slug: bench-copy", 1
    )
    try:
        with transaction.atomic():
            document = parse_framework_text(raw, filename="bench-copy.yaml")
            framework_import_document(document=document, filename="bench-copy.yaml")
            raise _Rollback
    except _Rollback:
        pass


def page(client: Client, path: str) -> Callable[[], None]:
    def get() -> None:
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")

    return get


REVISION_IN_ANSWER = re.compile(rb'name="revision" id="id_revision" value="(\d+)"')


def evaluation_world() -> tuple[Client, str, Callable[[], None]]:
    """A board, its coordinator signed in, and a draft evaluation of the shipped framework."""
    from kompas.accounts.models import User
    from kompas.assessments.models import NormScore
    from kompas.assessments.services import assessment_start
    from kompas.boards.access import access_board
    from kompas.boards.models import Board, Membership
    from kompas.boards.roles import Action, BoardRole

    version = FrameworkVersion.objects.get(framework__slug=NORMENKADER_SLUG)
    board, _ = Board.objects.get_or_create(bg_number="49999", defaults={"name": "Bench"})
    user = User.objects.filter(email="bench@example.nl").first() or User.objects.create_user(
        "bench@example.nl", None
    )
    Membership.objects.get_or_create(
        user=user, board=board, defaults={"role": BoardRole.COORDINATOR}
    )
    access = access_board(user=user, board_id=board.pk, action=Action.VIEW)
    assessment = assessment_start(
        access=access,
        actor=user,
        framework_version=version,
        period=f"bench-{NormScore.objects.count()}",
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    base = f"/boards/{board.pk}/evaluations/{assessment.pk}/"
    score = assessment.scores.get(norm__code="SM.02")
    levels = iter(range(10**9))
    # Like the browser, take the next revision from the answer (htmx swaps it into the form).
    revision = [score.revision]

    def save() -> None:
        response = client.post(
            base + "norms/SM.02/",
            {
                "revision": revision[0],
                "level": str(1 + next(levels) % 5),
                "target_level": "3",
                "not_applicable_reason": "",
                "explanation": "",
                "assignee": "",
            },
            HTTP_HX_REQUEST="true",
        )
        saved = REVISION_IN_ANSWER.search(response.content)
        if response.status_code != 200 or saved is None:
            raise RuntimeError(f"save failed: {response.status_code}")
        revision[0] = int(saved.group(1))

    return client, base, save


def cases(*, runs: int, database: str = "sqlite") -> list[Case]:
    """The benchmarks; expects the shipped framework to be imported already."""
    version = FrameworkVersion.objects.select_related("framework").get(
        framework__slug=NORMENKADER_SLUG
    )
    base = f"/frameworks/{version.framework.slug}/{version.version}/"
    client = Client(HTTP_HOST="127.0.0.1")
    return [
        Case(
            "import shipped framework (94 norms)",
            budget_ms=1000,
            run=import_shipped_framework_in_rolled_back_transaction,
            runs=max(3, runs // 10),
        ),
        Case("catalogue page", budget_ms=15, run=page(client, base), runs=runs),
        Case(
            "domain page (SM, 12 norms)",
            budget_ms=15,
            run=page(client, base + "domains/SM/"),
            runs=runs,
        ),
        Case("norm page (SM.02)", budget_ms=15, run=page(client, base + "norms/SM.02/"), runs=runs),
        Case(
            "search page (back-up)",
            budget_ms=15,
            run=page(client, base + "search/?q=back-up"),
            runs=runs,
        ),
        *evaluation_cases(runs=runs),
        *report_cases(runs=runs),
        *sector_cases(database=database, runs=runs),
    ]


def evaluation_cases(*, runs: int) -> list[Case]:
    client, base, save = evaluation_world()
    return [
        Case("evaluation overview (94 norms)", budget_ms=20, run=page(client, base), runs=runs),
        Case(
            "evaluation norm form (SM.02)",
            budget_ms=20,
            run=page(client, base + "norms/SM.02/"),
            runs=runs,
        ),
        Case("save one norm (htmx)", budget_ms=15, run=save, runs=runs),
    ]


def report_world() -> tuple[Client, str]:
    """A demo-like board: an approved evaluation, a newer draft, measures and an approved plan.

    Levels follow the demo's typical levels; most gaps get a measure, the rest an accepted risk.
    """
    import datetime
    import random

    from django.utils import timezone

    from kompas.accounts.models import User
    from kompas.assessments.models import AssessmentStatus, NormScore
    from kompas.assessments.services import assessment_start
    from kompas.boards.access import access_board
    from kompas.boards.models import Board, Membership
    from kompas.boards.roles import Action, BoardRole
    from kompas.demo.levels import typical_level
    from kompas.plans.models import Measure, MeasureNorm, PlanVersion, RiskAcceptance
    from kompas.plans.selectors import plan_check
    from kompas.plans.services import snapshot

    version = FrameworkVersion.objects.get(framework__slug=NORMENKADER_SLUG)
    board = Board.objects.create(bg_number="49998", name="Bench rapportage")
    user = User.objects.create_user("bench-report@example.nl", None)
    Membership.objects.create(user=user, board=board, role=BoardRole.COORDINATOR)
    access = access_board(user=user, board_id=board.pk, action=Action.VIEW)
    rng = random.Random(2026)  # noqa: S311 - benchmark data, not security
    approved = assessment_start(access=access, actor=user, framework_version=version, period="2025")
    for score in approved.scores.select_related("norm__domain"):
        score.level = typical_level(rng, score.norm.domain.code)
        score.save(update_fields=["level"])
    NormScore.objects.filter(assessment=approved).update(to_confirm=False)
    approved.status = AssessmentStatus.APPROVED
    approved.approved_by = user
    approved.save()
    assessment_start(
        access=access, actor=user, framework_version=version, period="2026", previous=approved
    )
    check = plan_check(board=board)
    # Against the approved evaluation, as the report is.
    check.assessment = approved
    today = datetime.date.today()  # noqa: DTZ011 - due dates only
    for index, gap in enumerate(check.gaps):
        if index % 10 == 9:
            RiskAcceptance.objects.create(
                board=board,
                norm=gap.score.norm,
                reason="Bewust later.",
                review_date=today,
                accepted_by=user,
                accepted_at=timezone.now(),
            )
            continue
        measure = Measure.objects.create(
            board=board,
            title=f"Maatregel {gap.code}",
            due_date=today + datetime.timedelta(days=30 * (index - 5)),
            status="done" if index % 4 == 0 else "planned",
        )
        MeasureNorm.objects.create(measure=measure, norm=gap.score.norm, target_level=3)
    check = plan_check(board=board)
    PlanVersion.objects.create(
        board=board,
        number=1,
        assessment=approved,
        deadline=check.deadline,
        approved_by=user,
        snapshot=snapshot(check=check, board_id=board.pk),
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client, f"/boards/{board.pk}/"


def report_cases(*, runs: int) -> list[Case]:
    client, base = report_world()
    return [
        Case(
            "board dashboard (94 norms)",
            budget_ms=50,
            run=page(client, base + "dashboard/"),
            runs=runs,
        ),
        Case(
            "supervisory-board PDF",
            budget_ms=2000,
            run=page(client, base + "report.pdf"),
            runs=max(3, runs // 20),
        ),
    ]


# The sizes: 10,000 boards x 5 rounds on PostgreSQL, today's ~1,300 boards x 3 rounds on
# SQLite (BENCH_SECTOR=small gives PostgreSQL the small one too, for a quick run). Recomputing a
# round may take 30 s at 10,000 boards; the work grows with the submitted scores, so a smaller
# sector gets the same budget per board.
SECTOR_SIZES = {"small": (1_300, 3), "large": (10_000, 5)}
BUDGET_MS_PER_10K_BOARDS = 60_000
DASHBOARD_BUDGET_MS = 100


def sector_size(database: str) -> tuple[int, int]:
    default = "large" if database == "postgresql" else "small"
    return SECTOR_SIZES[os.environ.get("BENCH_SECTOR", default)]


def sector_cases(*, database: str, runs: int) -> list[Case]:
    """Compute a round's release, and read the sector dashboard, of a synthetic sector.

    The sector is seeded (seed_sector's code) and every round's figures computed on the first,
    untimed run, so building the list of cases stays cheap for callers that run only some.
    """
    from kompas.accounts.models import User
    from kompas.boards.models import SectorAssignment
    from kompas.boards.roles import SectorRole
    from kompas.demo.synthetic import sector_seed
    from kompas.monitoring.aggregates import release_now
    from kompas.monitoring.models import MonitoringRound

    boards, rounds = sector_size(database)
    seeded: list[MonitoringRound] = []
    client = Client(HTTP_HOST="127.0.0.1")

    def seed() -> None:
        if seeded:
            return
        seeded.extend(sector_seed(boards=boards, rounds=rounds, seed=1).rounds)
        for round_ in seeded:
            release_now(round_=round_)
        analyst = User.objects.create_user("analist@bench.invalid", None, full_name="Analist")
        SectorAssignment.objects.create(user=analyst, role=SectorRole.PROGRAMME_ANALYST)
        client.force_login(analyst)

    def release() -> None:
        # A final release each run: an interim one with no new boards would be refused at once.
        seed()
        release_now(round_=seeded[-1], final=True)

    def dashboard(cell: str) -> Callable[[], None]:
        def get() -> None:
            seed()
            page(client, f"/monitoring/?cell={cell}")()

        return get

    sector = f"{boards:,} boards x {rounds} rounds"
    return [
        Case(
            f"compute a round's release ({boards:,} boards)",
            budget_ms=BUDGET_MS_PER_10K_BOARDS * boards / 10_000,
            run=release,
            runs=3,
        ),
        Case(
            f"sector dashboard, whole round ({sector})",
            budget_ms=DASHBOARD_BUDGET_MS,
            run=dashboard("all"),
            runs=runs,
        ),
        Case(
            f"sector dashboard, region ({sector})",
            budget_ms=DASHBOARD_BUDGET_MS,
            run=dashboard("region:ZH"),
            runs=runs,
        ),
    ]


def measure(case: Case) -> Result:
    case.run()  # warm up: templates compiled, connections open
    timings: list[float] = []
    query_counts: set[int] = set()
    for _ in range(case.runs):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            case.run()
            timings.append((time.perf_counter() - start) * 1000)
        query_counts.add(len(queries))
    timings.sort()
    median = statistics.median(timings)
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    constant = len(query_counts) == 1
    return Result(
        name=case.name,
        runs=case.runs,
        median_ms=round(median, 2),
        p95_ms=round(p95, 2),
        queries=query_counts.pop() if constant else None,
        budget_ms=case.budget_ms,
        passed=median <= case.budget_ms and constant,
    )


def table(results: list[Result]) -> str:
    header = f"{'benchmark':<44} {'runs':>5} {'median ms':>10} {'p95 ms':>8} {'queries':>8} "
    header += f"{'budget':>7}  result"
    lines = [header, "-" * len(header)]
    for result in results:
        queries = "varies" if result.queries is None else str(result.queries)
        lines.append(
            f"{result.name:<44} {result.runs:>5} {result.median_ms:>10.2f} {result.p95_ms:>8.2f} "
            f"{queries:>8} {result.budget_ms:>7.0f}  {'pass' if result.passed else 'FAIL'}"
        )
    return "\n".join(lines)


def published_shares() -> dict[str, dict[str, float]]:
    """Per round with a release, per cell: the share of norm figures its latest release shows.

    What disclosure control costs, reported beside the timings (the floor itself is asserted in
    kompas/monitoring/tests/test_utility.py).
    """
    from kompas.monitoring.dashboard import cell_key
    from kompas.monitoring.disclosure import Cell
    from kompas.monitoring.models import MonitoringRound, RoundFigure

    shares: dict[str, dict[str, float]] = {}
    for round_ in MonitoringRound.objects.filter(published_release__isnull=False).order_by(
        "opened_at", "pk"
    ):
        counted: dict[str, list[int]] = {}
        for cut, value, suppressed in RoundFigure.objects.filter(
            release=round_.published_release_id, subject="norm"
        ).values_list("cut", "value", "suppressed"):
            shown, total = counted.setdefault(cell_key(Cell(cut, value)), [0, 0])
            counted[cell_key(Cell(cut, value))] = [shown + (not suppressed), total + 1]
        shares[round_.name] = {
            key: shown / total for key, (shown, total) in sorted(counted.items())
        }
    return shares


def share_table(shares: dict[str, dict[str, float]]) -> str:
    lines = []
    for name, cells in shares.items():
        lines.append(f"{name}: norm figures published per cell")
        lines.extend(f"  {key:<20} {share:>6.1%}" for key, share in cells.items())
    return "\n".join(lines)

"""Synthetic sector data: thousands of boards with their monitoring rounds, for load and benchmark.

`sector_seed()` makes N boards and R closed-or-open rounds of the shipped framework, with a
submission per participating board per round, shaped like the sector described in BRIEF 1:
levels around 1.9 in the first round, rising about 0.25 a round; governance ahead of
continuity and the technical domains (the demo's DOMAIN_LEVELS); some norms not assessed in the
early rounds, a few not applicable; plans, gaps and projections; consent to share by name with
the support team (about 30%), the region (20%) and the inspectorate (10%).

It writes with bulk_create, not through the per-board services, which would take hours for ten
thousand boards. What that skips, on purpose:

- Each submission points at a minimal approved SelfAssessment of its board and period *without*
  NormScores: a synthetic submission carries its levels only in its snapshot (SubmittedScore),
  which is all the sector figures read. Board pages of synthetic boards show an empty evaluation.
- No plans, measures, memberships or audit events; the plan status lives in the snapshot only.
- One inactive account, SYNTHETIC_ACCOUNT, opens the rounds, submits and grants every consent.

Deterministic per seed: the same arguments give the same boards, levels and figures (database
ids aside). Synthetic boards have bevoegd-gezagnummers in a reserved range (80000-99999) that
the command refuses to touch twice: it seeds a fresh database once and refuses a second run.
"""

import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import yaml
from django.db import transaction
from django.utils import timezone

from kompas.accounts.models import User
from kompas.assessments.models import AssessmentStatus, SelfAssessment
from kompas.boards.models import Board, BoardSector, Province
from kompas.demo.levels import DEFAULT_LEVEL, DOMAIN_LEVELS
from kompas.frameworks.models import FrameworkVersion, Norm
from kompas.frameworks.normenkader import SHIPPED_FRAMEWORK
from kompas.monitoring.models import (
    Audience,
    Consent,
    MonitoringRound,
    RoundStatus,
    SectorService,
    Submission,
    SubmissionCell,
    SubmittedDomain,
    SubmittedScore,
    SubmittedService,
    UptakeStatus,
)
from kompas.monitoring.services import SECTOR_CODES, board_cells, size_class
from kompas.monitoring.snapshots import ScoreFacts, summarise
from kompas.plans.roadmap import Verdict

FIRST_BG_NUMBER = 80_000  # reserved for synthetic boards: 80000-99999
MAX_BOARDS = 20_000
MAX_ROUNDS = 10
FIRST_PERIOD = 2024
NAME_PREFIX = "Synthetisch bestuur"
SYNTHETIC_ACCOUNT = "synthetisch@ibpkompas.invalid"
BATCH_SIZE = 5_000
# Boards handled together per round: their snapshots are built, then written in batches.
CHUNK_BOARDS = 1_000

# Sector figures: overall mean of the assessed levels in the first round, and the rise per round.
FIRST_MEAN, RISE_PER_ROUND = 1.9, 0.25
LEVEL_SPREAD = 0.6  # within a board, norm to norm
BOARD_SPREAD = 0.35  # between boards: some lead, some lag ("achterblijvers")
PACE_SPREAD = 0.1  # boards improve at different speeds
NOT_APPLICABLE_SHARE = 0.02
OPEN_SHARE_BY_ROUND = (0.10, 0.05, 0.02)  # not yet assessed, then none from round 4 on
REPOSITORY = SHIPPED_FRAMEWORK.parents[3]
CONSENT_SHARES = {Audience.SUPPORT: 0.30, Audience.REGION: 0.20, Audience.INSPECTORATE: 0.10}
# Boards with one personal-data breach in the year before submitting, and with two.
ONE_BREACH, TWO_BREACHES = 0.12, 0.03
# Per sector service: the share of boards using it in the first round, and its rise per round.
SERVICE_UPTAKE = {
    SectorService.SCHOOL_CERT: (0.30, 0.08),
    SectorService.VEILIG_INTERNET: (0.15, 0.08),
    SectorService.PROCESSOR_AGREEMENTS: (0.55, 0.08),
    SectorService.JOINT_PROCUREMENT: (0.08, 0.04),
}

# (sectors, weight): mostly PO, some VO, few SO/VSO, some boards with two sectors.
SECTOR_MIX: tuple[tuple[tuple[str, ...], int], ...] = (
    (("PO",), 68),
    (("VO",), 16),
    (("SO",), 2),
    (("VSO",), 1),
    (("PO", "SO"), 6),
    (("SO", "VSO"), 3),
    (("VO", "VSO"), 2),
    (("PO", "VO"), 2),
)
# (lowest, highest pupils, weight): many small boards, a few large ones.
SIZE_MIX = ((80, 1_000, 55), (1_001, 5_000, 35), (5_001, 30_000, 10))
# Provinces, weighted roughly by the number of boards; a few boards have no region recorded.
PROVINCE_MIX = (
    (Province.GRONINGEN, 4),
    (Province.FRIESLAND, 5),
    (Province.DRENTHE, 3),
    (Province.OVERIJSSEL, 7),
    (Province.FLEVOLAND, 2),
    (Province.GELDERLAND, 12),
    (Province.UTRECHT, 7),
    (Province.NOORD_HOLLAND, 15),
    (Province.ZUID_HOLLAND, 19),
    (Province.ZEELAND, 2),
    (Province.NOORD_BRABANT, 15),
    (Province.LIMBURG, 6),
    ("", 2),
)


class SyntheticError(Exception):
    """The synthetic sector cannot be made as asked; the message says why."""


@dataclass(frozen=True)
class Profile:
    """What stays with a synthetic board across rounds."""

    board: Board
    sectors: list[str]
    ability: float  # offset from the sector mean
    pace: float  # levels gained per round
    joins: float  # participates in a round when below that round's participation
    plans: float  # has an approved plan when below that round's share with a plan
    uptake: dict[str, float]  # uses a service from the round whose uptake share exceeds this


@dataclass(frozen=True)
class SeedResult:
    rounds: list[MonitoringRound]
    boards: int
    submissions: int
    scores: int
    consents: int


def shipped_version() -> FrameworkVersion:
    """The version of the shipped framework, which the rounds use; it must be imported already."""
    header = yaml.load(SHIPPED_FRAMEWORK.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    slug, version = header["framework"]["slug"], str(header["version"]["version"])
    found = FrameworkVersion.objects.filter(framework__slug=slug, version=version).first()
    if found is None:
        raise SyntheticError(
            f"The shipped framework {slug} {version} is not imported. Import it first: "
            f"python manage.py import_framework {SHIPPED_FRAMEWORK.relative_to(REPOSITORY)}"
        )
    return found


def check_arguments(*, boards: int, rounds: int) -> None:
    if not 1 <= boards <= MAX_BOARDS:
        raise SyntheticError(
            f"--boards must be between 1 and {MAX_BOARDS:,}: synthetic boards take "
            f"bevoegd-gezagnummers {FIRST_BG_NUMBER}-{FIRST_BG_NUMBER + MAX_BOARDS - 1}, "
            f"one each (asked for {boards:,})."
        )
    if not 1 <= rounds <= MAX_ROUNDS:
        raise SyntheticError(f"--rounds must be between 1 and {MAX_ROUNDS} (asked for {rounds}).")


def participation(round_index: int) -> float:
    """Share of boards that submit: about 70% in the first round, growing to 95%."""
    return min(0.95, 0.70 + 0.07 * round_index)


def plan_share(round_index: int) -> float:
    """Share of boards with an approved plan: a third at first, most boards later."""
    return min(0.92, 0.35 + 0.15 * round_index)


def _expected_level(centre: float, spread: float) -> float:
    """The mean of round(N(centre, spread)) clamped to 1..5: what a draw gives on average."""

    def below(x: float) -> float:
        return 0.5 * (1 + math.erf((x - centre) / (spread * math.sqrt(2))))

    # P(level >= n) for n = 2..5, summed, plus the floor of 1.
    return 1 + sum(1 - below(n - 0.5) for n in range(2, 6))


def lift_for(centres: Sequence[float], *, target: float, spread: float) -> float:
    """The shift of every norm's centre that makes the expected mean level equal the target."""
    low, high = -5.0, 5.0
    for _ in range(50):
        middle = (low + high) / 2
        mean = sum(_expected_level(c + middle, spread) for c in centres) / len(centres)
        low, high = (middle, high) if mean < target else (low, middle)
    return (low + high) / 2


def _pick[T](rng: random.Random, mix: Sequence[tuple[T, int]]) -> T:
    return rng.choices([choice for choice, _ in mix], weights=[w for _, w in mix])[0]


def _batches[T](items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def sector_seed(*, boards: int, rounds: int, seed: int) -> SeedResult:
    """Create the synthetic boards and rounds with their submissions, in one transaction."""
    check_arguments(boards=boards, rounds=rounds)
    version = shipped_version()
    reserved = Board.objects.filter(bg_number__gte=str(FIRST_BG_NUMBER))
    if reserved.exists():
        raise SyntheticError(
            f"This database already has boards with bevoegd-gezagnummers from {FIRST_BG_NUMBER} "
            f"on ({reserved.count():,}), the range reserved for synthetic boards: it was seeded "
            "before. Seed a fresh database (the command never adds to or changes a seeded one)."
        )
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    norms = list(
        Norm.objects.filter(framework_version=version)
        .select_related("domain")
        .order_by("position", "code")
    )
    with transaction.atomic():
        account = _account()
        profiles = _boards(rng, boards, services=random.Random(f"{seed}:services"))  # noqa: S311
        created: list[MonitoringRound] = []
        counts = [0, 0, 0]
        for index in range(rounds):
            period = str(FIRST_PERIOD + index)
            round_ = MonitoringRound.objects.create(
                name=f"Synthetische meetronde {period}",
                framework_version=version,
                period=period,
                sectors=list(SECTOR_CODES),
                status=RoundStatus.OPEN if index == rounds - 1 else RoundStatus.CLOSED,
                opened_by=account,
            )
            created.append(round_)
            taking_part = [p for p in profiles if p.joins < participation(index)]
            breaches = random.Random(f"{seed}:breaches:{index}")  # noqa: S311
            for chunk in _batches(taking_part, CHUNK_BOARDS):
                written = _submit(
                    rng,
                    round_,
                    index=index,
                    profiles=chunk,
                    norms=norms,
                    account=account,
                    breaches=breaches,
                )
                counts = [a + b for a, b in zip(counts, written, strict=True)]
    return SeedResult(
        rounds=created,
        boards=boards,
        submissions=counts[0],
        scores=counts[1],
        consents=counts[2],
    )


def _breaches(chance: float) -> int:
    if chance < TWO_BREACHES:
        return 2
    return 1 if chance < TWO_BREACHES + ONE_BREACH else 0


def _account() -> User:
    account = User.objects.filter(email=SYNTHETIC_ACCOUNT).first()
    if account is None:
        account = User.objects.create_user(
            SYNTHETIC_ACCOUNT, None, full_name="Synthetische gegevens", is_active=False
        )
    return account


def _boards(rng: random.Random, count: int, *, services: random.Random) -> list[Profile]:
    drawn = []
    for number in range(1, count + 1):
        sectors = sorted(_pick(rng, SECTOR_MIX))
        low, high, _weight = rng.choices(SIZE_MIX, weights=[w for *_, w in SIZE_MIX])[0]
        board = Board(
            name=f"{NAME_PREFIX} {number:05d}",
            bg_number=str(FIRST_BG_NUMBER + number - 1),
            pupil_count=rng.randint(low, high),
            region=str(_pick(rng, PROVINCE_MIX)),
        )
        drawn.append(
            Profile(
                board=board,
                sectors=sectors,
                ability=rng.gauss(0, BOARD_SPREAD),
                pace=rng.gauss(RISE_PER_ROUND, PACE_SPREAD),
                joins=rng.random(),
                plans=rng.random(),
                uptake={service: services.random() for service in SERVICE_UPTAKE},
            )
        )
    Board.objects.bulk_create([p.board for p in drawn], batch_size=BATCH_SIZE)
    BoardSector.objects.bulk_create(
        (BoardSector(board=p.board, sector=sector) for p in drawn for sector in p.sectors),
        batch_size=BATCH_SIZE,
    )
    return drawn


def _submit(
    rng: random.Random,
    round_: MonitoringRound,
    *,
    index: int,
    profiles: Sequence[Profile],
    norms: list[Norm],
    account: User,
    breaches: random.Random,
) -> tuple[int, int, int]:
    """Snapshots of one round for some boards: evaluation stubs, submissions, cells, scores.

    Rows refer to their submission by id (set by bulk_create): building model instances is most
    of the time spent here, and assigning ids skips the related-object checks.
    """
    now = timezone.now()
    target = round_.framework_version.target_level
    centres = [DOMAIN_LEVELS.get(norm.domain.code, DEFAULT_LEVEL) for norm in norms]
    # The board's own offset and pace vary the level too; the spread of a single draw includes
    # them, so the lift makes the sector's expected mean what BRIEF 1 measured.
    spread = math.sqrt(LEVEL_SPREAD**2 + BOARD_SPREAD**2 + (PACE_SPREAD * index) ** 2)
    lift = lift_for(centres, target=FIRST_MEAN + RISE_PER_ROUND * index, spread=spread)
    open_share = OPEN_SHARE_BY_ROUND[index] if index < len(OPEN_SHARE_BY_ROUND) else 0.0
    assessments = SelfAssessment.objects.bulk_create(
        [
            SelfAssessment(
                board=p.board,
                framework_version=round_.framework_version,
                period=round_.period,
                status=AssessmentStatus.APPROVED,
                created_by=account,
                submitted_at=now,
                submitted_by=account,
                approved_at=now,
                approved_by=account,
            )
            for p in profiles
        ],
        batch_size=BATCH_SIZE,
    )
    submissions, scores, cells, consents, domains, uses = [], [], [], [], [], []
    for profile, assessment in zip(profiles, assessments, strict=True):
        shift = lift + profile.ability + (profile.pace - RISE_PER_ROUND) * index
        levels: list[tuple[Norm, int | None, bool]] = []
        for norm, centre in zip(norms, centres, strict=True):
            chance = rng.random()
            if chance < NOT_APPLICABLE_SHARE:
                levels.append((norm, None, True))
            elif chance < NOT_APPLICABLE_SHARE + open_share:
                levels.append((norm, None, False))
            else:
                level = max(1, min(5, round(rng.gauss(centre + shift, LEVEL_SPREAD))))
                levels.append((norm, level, False))
        gaps = sum(1 for _, level, na in levels if not na and (level or 0) < target)
        has_plan = profile.plans < plan_share(index)
        if has_plan:
            open_gaps = 0 if rng.random() < 0.4 else round(gaps * rng.uniform(0, 0.3))
            overdue = rng.choice((0, 0, 0, 1, 1, 2, 3, 5))
            verdict = (
                Verdict.ON_TRACK
                if open_gaps == 0 and overdue <= 1 and profile.pace >= RISE_PER_ROUND - 0.05
                else Verdict.AT_RISK
                if open_gaps <= 10
                else Verdict.OFF_TRACK
            )
        else:
            open_gaps, overdue, verdict = gaps, 0, Verdict.OFF_TRACK
        cells_of_board = board_cells(profile.board, profile.sectors)
        summary = summarise(
            ScoreFacts(norm.domain.code, level, na, level is not None and level >= target)
            for norm, level, na in levels
        )
        submission = Submission(
            round=round_,
            board=profile.board,
            assessment=assessment,
            submitted_by=account,
            sectors=profile.sectors,
            size_class=size_class(profile.board.pupil_count),
            region=profile.board.region,
            signature="|".join(f"{cut}={value}" for cut, value in cells_of_board),
            has_approved_plan=has_plan,
            open_gaps=open_gaps,
            overdue_measures=overdue,
            projection=verdict.value,
            mean_level=summary.mean_level,
            norms_at_target=summary.norms_at_target,
            policy_level=summary.policy_level,
            practice_level=summary.practice_level,
            quadrant=summary.quadrant,
            breaches=_breaches(breaches.random()),
        )
        submissions.append(submission)
        domains += [(submission, code, mean) for code, mean in summary.domain_levels.items()]
        cells += [(submission, cut, value) for cut, value in cells_of_board]
        scores += [(submission, norm, level, na) for norm, level, na in levels]
        uses += [
            (submission, service)
            for service, (first, rise) in SERVICE_UPTAKE.items()
            if profile.uptake[service] < first + rise * index
        ]
        consents += [
            (submission, audience)
            for audience, share in CONSENT_SHARES.items()
            if rng.random() < share
        ]
    Submission.objects.bulk_create(submissions, batch_size=BATCH_SIZE)
    SubmissionCell.objects.bulk_create(
        (SubmissionCell(submission_id=s.pk, cut=cut, value=value) for s, cut, value in cells),
        batch_size=BATCH_SIZE,
    )
    SubmittedScore.objects.bulk_create(
        (
            SubmittedScore(
                submission_id=s.pk,
                norm_id=norm.pk,
                level=level,
                not_applicable=na,
                target_level=target,
                at_target=level is not None and level >= target,
            )
            for s, norm, level, na in scores
        ),
        batch_size=BATCH_SIZE,
    )
    SubmittedDomain.objects.bulk_create(
        (SubmittedDomain(submission_id=s.pk, code=code, mean=mean) for s, code, mean in domains),
        batch_size=BATCH_SIZE,
    )
    SubmittedService.objects.bulk_create(
        (
            SubmittedService(submission_id=s.pk, service=service, status=UptakeStatus.IN_USE)
            for s, service in uses
        ),
        batch_size=BATCH_SIZE,
    )
    Consent.objects.bulk_create(
        (
            Consent(submission_id=s.pk, audience=audience, granted_by_id=account.pk)
            for s, audience in consents
        ),
        batch_size=BATCH_SIZE,
    )
    return len(submissions), len(scores), len(consents)

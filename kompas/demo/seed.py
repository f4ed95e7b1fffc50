"""Demo data for local use: the shipped framework and threat catalogue, two demo boards and a
person in every role.

Idempotent: running it again leaves what is there and adds what is missing.
"""

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kompas.accounts.models import User
from kompas.assessments.models import (
    AssessmentStatus,
    Evidence,
    EvidenceKind,
    NormScore,
    SelfAssessment,
)
from kompas.boards.models import (
    Board,
    BoardSector,
    Group,
    GroupMembership,
    Membership,
    School,
    SectorAssignment,
)
from kompas.boards.roles import BoardRole, SectorRole
from kompas.demo.incidents import seed_incidents
from kompas.demo.levels import typical_level
from kompas.demo.plans import seed_plan
from kompas.demo.sector import seed_sector_demo
from kompas.frameworks.models import FrameworkVersion, Norm
from kompas.frameworks.normenkader import SHIPPED_FRAMEWORK
from kompas.frameworks.services import framework_import
from kompas.plans.threats import threat_catalogue_load

DEFAULT_DEMO_PASSWORD = "kompas-demo-2026"  # noqa: S105 - published demo login, DEBUG only
DEMO_GROUP = "Regio Midden-Nederland"


@dataclass(frozen=True)
class DemoBoard:
    name: str
    bg_number: str
    domain: str
    sectors: tuple[str, ...]
    pupils: int
    region: str
    schools: tuple[tuple[str, str], ...]


DEMO_BOARDS = (
    DemoBoard(
        name="Stichting Voorbeeldscholen",
        bg_number="40001",
        domain="voorbeeldscholen.demo",
        sectors=("PO",),
        pupils=3400,
        region="UT",
        schools=tuple(
            (f"99A{letter}", name)
            for letter, name in zip(
                "ABCDEFGHIJKL",
                [
                    "OBS De Regenboog",
                    "CBS Het Kompas",
                    "OBS De Wilgen",
                    "Kindcentrum De Boomgaard",
                    "CBS De Ark",
                    "OBS Het Palet",
                    "OBS De Zonnewijzer",
                    "CBS De Wegwijzer",
                    "OBS Klavertje Vier",
                    "Kindcentrum De Vlinder",
                    "OBS De Horizon",
                    "CBS De Fontein",
                ],
                strict=True,
            )
        ),
    ),
    DemoBoard(
        name="Voorbeeld College",
        bg_number="40002",
        domain="voorbeeldcollege.demo",
        sectors=("VO",),
        pupils=2100,
        region="NH",
        schools=(
            ("98VA", "Voorbeeld College Centrum"),
            ("98VB", "Voorbeeld College Noord"),
            ("98VC", "Voorbeeld Vakcollege"),
        ),
    ),
)

SECTOR_ACCOUNTS = (
    ("analyst@dvo.demo", "Demo Programma-analist", SectorRole.PROGRAMME_ANALYST),
    ("regional@dvo.demo", "Demo Regiocoördinator", SectorRole.REGIONAL_COORDINATOR),
    ("inspector@inspectie.demo", "Demo Inspecteur", SectorRole.INSPECTOR),
    ("admin@ibpkompas.demo", "Demo Beheerder", SectorRole.PLATFORM_ADMIN),
)


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str


# How long ago the demo board's 2025-2026 evaluation was approved (at the end of that school
# year: the evaluation that stands for 2026, which the board submitted to the 2026 round).
DEMO_APPROVED_DAYS_AGO = 120


def demo_password() -> str:
    return settings.DEMO_PASSWORD or DEFAULT_DEMO_PASSWORD


def demo_logins() -> list[DemoLogin]:
    logins = [
        DemoLogin(f"{role}@{board.domain}", f"{role} · {board.name}")
        for board in DEMO_BOARDS
        for role in BoardRole.values
    ]
    logins += [DemoLogin(email, role) for email, _name, role in SECTOR_ACCOUNTS]
    return logins


def seed_demo(*, with_accounts: bool) -> list[str]:
    """Load the shipped framework, threats and demo boards; with accounts, a person per role."""
    result = framework_import(path=SHIPPED_FRAMEWORK)
    state = "loaded" if result.created else "already present"
    report = [f"Framework {result.version.framework.slug} {result.version.version}: {state}."]
    threats = threat_catalogue_load()
    report.append(
        f"Threat catalogue: {len(threats.created)} added, {len(threats.kept)} already present."
    )
    with transaction.atomic():
        group, _ = Group.objects.get_or_create(
            name=DEMO_GROUP,
            defaults={"description": "Demo: besturen die samen inkopen en van elkaar leren."},
        )
        for demo in DEMO_BOARDS:
            board, created = _seed_board(demo)
            GroupMembership.objects.get_or_create(
                group=group, board=board, defaults={"shares_named_results": True}
            )
            report.append(f"Board {board.name}: {'created' if created else 'already present'}.")
            if with_accounts:
                for role in BoardRole.values:
                    user = _account(f"{role}@{demo.domain}", f"Demo {role} {demo.name}")
                    Membership.objects.get_or_create(
                        user=user, board=board, defaults={"role": role}
                    )
        if with_accounts:
            for email, name, role in SECTOR_ACCOUNTS:
                user = _account(email, name, staff=role == SectorRole.PLATFORM_ADMIN)
                SectorAssignment.objects.get_or_create(
                    user=user,
                    role=role,
                    group=group if role == SectorRole.REGIONAL_COORDINATOR else None,
                )
            report.append(f"Demo accounts: {len(demo_logins())} present.")
            report.extend(_seed_assessments(result.version))
            scholen = Board.objects.get(bg_number=DEMO_BOARDS[0].bg_number)
            people = {m.role: m.user for m in Membership.objects.filter(board=scholen)}
            report.append(
                seed_plan(
                    board=scholen,
                    coordinator=people[BoardRole.COORDINATOR],
                    executive=people[BoardRole.EXECUTIVE],
                )
            )
            demo_numbers = [demo.bg_number for demo in DEMO_BOARDS]
            for demo_board in Board.objects.filter(bg_number__in=demo_numbers):
                members = {m.role: m.user for m in Membership.objects.filter(board=demo_board)}
                report.append(seed_incidents(board=demo_board, people=members))
            report.append(seed_sector_demo(board=scholen, group=group))
    return report


def _seed_assessments(version: FrameworkVersion) -> list[str]:
    """Scholen: approved 2025-2026 and a 2026-2027 draft from it; College: a submitted 2025-2026.

    School years, as many boards evaluate: 2025-2026 stands for 2026 (docs/scoring.md).
    """
    report = []
    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    norms = list(Norm.objects.filter(framework_version=version).select_related("domain"))
    now = timezone.now()
    scholen = Board.objects.get(bg_number=DEMO_BOARDS[0].bg_number)
    college = Board.objects.get(bg_number=DEMO_BOARDS[1].bg_number)
    for board in (scholen, college):
        if SelfAssessment.objects.filter(board=board).exists():
            report.append(f"Self-evaluations of {board.name}: already present.")
            continue
        people = {m.role: m.user for m in Membership.objects.filter(board=board)}
        coordinator, executive = people["coordinator"], people["executive"]
        if board == scholen:
            previous = _assessment(
                board,
                version,
                period="2025-2026",
                coordinator=coordinator,
                norms=norms,
                level_of=lambda n: typical_level(rng, n.domain.code),
            )
            previous.status = AssessmentStatus.APPROVED
            # Approved months ago: the measures done since (kompas.demo.plans, 40 days and
            # less) still cover their norms until the next approved evaluation says otherwise.
            approved_at = now - datetime.timedelta(days=DEMO_APPROVED_DAYS_AGO)
            previous.submitted_at, previous.submitted_by = approved_at, coordinator
            previous.approved_at, previous.approved_by = approved_at, executive
            previous.save()
            earlier = {s.norm_id: s.level for s in previous.scores.all()}
            current = _assessment(
                board,
                version,
                period="2026-2027",
                coordinator=coordinator,
                norms=norms,
                level_of=lambda n: earlier[n.pk],  # noqa: B023 - used at once
                started_from=previous,
            )
            # A third of the norms already re-assessed this year, some a level up.
            for score in current.scores.select_related("norm")[: len(norms) // 3]:
                if rng.random() < 0.5 and score.level and score.level < 5:
                    score.level += 1
                score.to_confirm = False
                score.updated_by, score.updated_at, score.revision = coordinator, now, 1
                score.save()
            _demo_evidence(current, coordinator)
        else:
            submitted = _assessment(
                board,
                version,
                period="2025-2026",
                coordinator=coordinator,
                norms=norms,
                level_of=lambda n: typical_level(rng, n.domain.code, lift=0.2),
            )
            submitted.status = AssessmentStatus.SUBMITTED
            submitted.submitted_at, submitted.submitted_by = now, coordinator
            submitted.save()
        report.append(f"Self-evaluations of {board.name}: created.")
    return report


def _demo_evidence(assessment: SelfAssessment, coordinator: User) -> None:
    """One link on the first norm, so the evidence list is not empty in the demo."""
    score = assessment.scores.select_related("assessment").order_by("norm__position").first()
    if score is not None:
        Evidence.objects.create(
            board=assessment.board,
            score=score,
            kind=EvidenceKind.LINK,
            url="https://intranet.voorbeeldscholen.demo/ibp/beleid",
            title="Informatiebeveiligings- en privacybeleid (intranet)",
            added_by=coordinator,
        )


def _assessment(
    board: Board,
    version: FrameworkVersion,
    *,
    period: str,
    coordinator: User,
    norms: list[Norm],
    level_of: Callable[[Norm], int | None],
    started_from: SelfAssessment | None = None,
) -> SelfAssessment:
    assessment = SelfAssessment.objects.create(
        board=board,
        framework_version=version,
        period=period,
        created_by=coordinator,
        started_from=started_from,
    )
    NormScore.objects.bulk_create(
        NormScore(
            assessment=assessment,
            norm=norm,
            level=level_of(norm),
            target_level=version.target_level,
            to_confirm=started_from is not None,
            updated_by=None if started_from else coordinator,
        )
        for norm in norms
    )
    return assessment


def _seed_board(demo: DemoBoard) -> tuple[Board, bool]:
    board, created = Board.objects.get_or_create(
        bg_number=demo.bg_number,
        defaults={"name": demo.name, "pupil_count": demo.pupils, "region": demo.region},
    )
    for sector in demo.sectors:
        BoardSector.objects.get_or_create(board=board, sector=sector)
    for brin, name in demo.schools:
        School.objects.get_or_create(brin=brin, defaults={"board": board, "name": name})
    return board, created


def _account(email: str, full_name: str, *, staff: bool = False) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email, demo_password(), full_name=full_name, is_staff=staff, is_superuser=staff
        )
    return user

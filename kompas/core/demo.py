"""Demo data for local use: the shipped framework, two demo boards and a person in every role.

Idempotent: running it again leaves what is there and adds what is missing.
"""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from kompas.accounts.models import User
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
from kompas.frameworks.services import framework_import

SHIPPED_FRAMEWORK = (
    Path(__file__).resolve().parent.parent / "frameworks" / "shipped" / "normenkader-ibp-fo.yaml"
)
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
    """Load the shipped framework and the demo boards; with accounts, a person per role."""
    result = framework_import(path=SHIPPED_FRAMEWORK)
    state = "loaded" if result.created else "already present"
    report = [f"Framework {result.version.framework.slug} {result.version.version}: {state}."]
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
    return report


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

"""Demo data for local use: the shipped framework and demo accounts. Idempotent."""

from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from kompas.frameworks.services import framework_import

SHIPPED_FRAMEWORK = (
    Path(__file__).resolve().parent.parent / "frameworks" / "shipped" / "normenkader-ibp-fo.yaml"
)


@dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str
    full_name: str
    role: str
    is_superuser: bool = False


DEMO_ACCOUNTS = (
    DemoAccount(
        email="beheer@demo.ibp-kompas.nl",
        password="demo-beheer-2026",  # noqa: S106 - published demo login, DEBUG only
        full_name="Demo Beheerder",
        role="platform admin (Django admin at /admin/)",
        is_superuser=True,
    ),
)


def seed_demo(*, with_accounts: bool) -> list[str]:
    """Load the shipped framework and, when asked, the demo accounts; report what happened."""
    report = []
    result = framework_import(path=SHIPPED_FRAMEWORK)
    state = "loaded" if result.created else "already present"
    report.append(f"Framework {result.version.framework.slug} {result.version.version}: {state}.")
    if with_accounts:
        report.extend(_seed_accounts())
    return report


@transaction.atomic
def _seed_accounts() -> list[str]:
    user_model = get_user_model()
    report = []
    for account in DEMO_ACCOUNTS:
        if user_model.objects.filter(email=account.email).exists():
            report.append(f"Account {account.email}: already present.")
            continue
        user_model.objects.create_user(
            account.email,
            account.password,
            full_name=account.full_name,
            is_staff=account.is_superuser,
            is_superuser=account.is_superuser,
        )
        report.append(f"Account {account.email}: created.")
    return report

import pytest
from django.core.management import call_command

from kompas.accounts.models import User
from kompas.boards.models import Board, Membership, School, SectorAssignment
from kompas.boards.roles import BoardRole
from kompas.demo.seed import DEFAULT_DEMO_PASSWORD, demo_logins
from kompas.demo.synthetic import SYNTHETIC_ACCOUNT
from kompas.frameworks.models import FrameworkVersion, Norm


@pytest.mark.django_db
def test_it_loads_framework_boards_and_a_person_per_role_and_can_run_again(settings, capsys):
    settings.DEBUG = True
    settings.DEMO_PASSWORD = ""

    call_command("seed_demo")
    first = capsys.readouterr().out
    call_command("seed_demo")
    second = capsys.readouterr().out

    assert FrameworkVersion.objects.count() == 1
    assert Norm.objects.count() == 94
    scholen = Board.objects.get(name="Stichting Voorbeeldscholen")
    college = Board.objects.get(name="Voorbeeld College")
    assert School.objects.filter(board=scholen).count() == 12
    assert School.objects.filter(board=college).count() == 3
    assert list(scholen.sectors.values_list("sector", flat=True)) == ["PO"]
    for role in BoardRole.values:
        assert Membership.objects.get(user__email=f"{role}@voorbeeldscholen.demo").role == role
        assert Membership.objects.get(user__email=f"{role}@voorbeeldcollege.demo").board == college
    assert SectorAssignment.objects.count() == 4
    # A person per role on each board, the four sector people, and the inactive account that
    # the synthetic demo sector is recorded under.
    assert User.objects.count() == 16 + 1
    assert not User.objects.get(email=SYNTHETIC_ACCOUNT).is_active
    assert "loaded" in first
    assert "already present" in second
    assert DEFAULT_DEMO_PASSWORD in second
    for login in demo_logins():
        assert login.email in second


@pytest.mark.django_db
def test_the_demo_password_comes_from_the_environment_setting(settings, client):
    settings.DEBUG = True
    settings.DEMO_PASSWORD = "een-ander-demo-wachtwoord"

    call_command("seed_demo")

    assert client.login(
        email="coordinator@voorbeeldscholen.demo", password="een-ander-demo-wachtwoord"
    )


@pytest.mark.django_db
def test_it_creates_no_demo_accounts_outside_debug(settings, capsys):
    settings.DEBUG = False

    call_command("seed_demo")

    assert Norm.objects.count() == 94
    assert Board.objects.count() == 2
    assert not User.objects.exists()
    assert "Demo logins" not in capsys.readouterr().out


@pytest.mark.django_db
def test_every_demo_login_works(settings, client):
    settings.DEBUG = True
    settings.DEMO_PASSWORD = ""
    call_command("seed_demo")

    for login in demo_logins():
        assert client.login(email=login.email, password=DEFAULT_DEMO_PASSWORD), login.email
        client.logout()


@pytest.mark.django_db
def test_the_demo_boards_get_realistic_self_evaluations(settings):
    from kompas.assessments.models import SelfAssessment
    from kompas.assessments.selectors import scores_of, summary

    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")

    scholen = SelfAssessment.objects.filter(board__name="Stichting Voorbeeldscholen")
    assert sorted(scholen.values_list("period", "status")) == [
        ("2025-2026", "approved"),
        ("2026-2027", "draft"),
    ]
    draft = scholen.get(period="2026-2027")
    assert draft.started_from == scholen.get(period="2025-2026")
    assert 0 < draft.scores.filter(to_confirm=True).count() < 94
    college = SelfAssessment.objects.get(board__name="Voorbeeld College")
    assert college.status == "submitted"
    figures = summary(scores=scores_of(assessment=college))
    assert figures.assessed == figures.total == 94
    security = next(part for part in figures.parts if part.code == "security")
    assert security.mean is not None
    assert 1.5 <= float(security.mean) <= 2.8

import pytest
from django.core.management import call_command

from kompas.accounts.models import User
from kompas.boards.models import Board, Membership, School, SectorAssignment
from kompas.boards.roles import BoardRole
from kompas.core.demo import DEFAULT_DEMO_PASSWORD, demo_logins
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
    assert User.objects.count() == 16
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

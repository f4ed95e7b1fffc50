import pytest
from django.core.management import call_command

from kompas.accounts.models import User
from kompas.core.demo import DEMO_ACCOUNTS
from kompas.frameworks.models import FrameworkVersion, Norm


@pytest.mark.django_db
def test_it_loads_the_framework_and_demo_accounts_and_can_run_again(settings, capsys):
    settings.DEBUG = True

    call_command("seed_demo")
    first = capsys.readouterr().out
    call_command("seed_demo")
    second = capsys.readouterr().out

    assert FrameworkVersion.objects.count() == 1
    assert Norm.objects.count() == 94
    assert User.objects.filter(email__in=[a.email for a in DEMO_ACCOUNTS]).count() == len(
        DEMO_ACCOUNTS
    )
    assert "loaded" in first
    assert "already present" in second
    for account in DEMO_ACCOUNTS:
        assert account.email in second
        assert account.password in second


@pytest.mark.django_db
def test_it_creates_no_demo_accounts_outside_debug(settings, capsys):
    settings.DEBUG = False

    call_command("seed_demo")

    assert Norm.objects.count() == 94
    assert not User.objects.exists()
    assert "demo-" not in capsys.readouterr().out


@pytest.mark.django_db
def test_a_demo_login_works(settings, client):
    settings.DEBUG = True
    call_command("seed_demo")
    account = DEMO_ACCOUNTS[0]

    assert client.login(email=account.email, password=account.password)
    assert client.get("/admin/").status_code == 200

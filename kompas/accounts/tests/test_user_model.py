import pytest
from django.contrib.auth import authenticate
from django.db import IntegrityError

from kompas.accounts.models import User
from kompas.testing.people import UserFactory


@pytest.mark.django_db
def test_it_signs_people_in_by_e_mail_address():
    user = User.objects.create_user("Jan.de.Vries@School.Example.NL", "een-lang-wachtwoord")

    assert user.email == "jan.de.vries@school.example.nl"
    assert authenticate(email="jan.de.vries@school.example.nl", password="een-lang-wachtwoord")
    assert authenticate(email=user.email, password="fout") is None


@pytest.mark.django_db
def test_an_e_mail_address_belongs_to_one_person():
    UserFactory.create(email="fg@school.example.nl")

    with pytest.raises(IntegrityError):
        User.objects.create_user("fg@school.example.nl", "een-lang-wachtwoord")


@pytest.mark.django_db
def test_it_requires_an_e_mail_address():
    with pytest.raises(ValueError, match="e-mail"):
        User.objects.create_user("", "een-lang-wachtwoord")


@pytest.mark.django_db
def test_a_person_is_shown_by_name_or_else_by_address():
    assert str(UserFactory.create(full_name="Fatima el Amrani")) == "Fatima el Amrani"
    assert (
        str(UserFactory.create(full_name="", email="ict@school.example.nl"))
        == "ict@school.example.nl"
    )

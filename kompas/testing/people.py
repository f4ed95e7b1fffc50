import factory

from kompas.accounts.models import User


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"persoon{n}@school.example.nl")
    full_name = factory.Faker("name", locale="nl_NL")
    password = factory.django.Password("een-lang-test-wachtwoord")

"""A forbidden character in a measure or a plan approval is refused, and nothing is stored.

These run on PostgreSQL as well (docs/operations.md, "Text input").
"""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from kompas.plans.models import Measure, PlanVersion
from kompas.testing.world import COORD, EXEC

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    client.raise_request_exception = False  # a 500 must show as one, not as an exception
    return client


def measure_form(world, **changes):
    return {
        "title": "Wachtwoordbeleid invoeren",
        "description": "Met MFA voor iedereen.",
        "norms": [world.norm("GO.01").pk],
        "target_level": "3",
        "owner": str(world.people[COORD].pk),
        "start_date": "2027-01-01",
        "due_date": "2028-06-30",
        "status": "planned",
        "priority": "high",
        "effort_days": "",
        "cost_euros": "",
    } | changes


def test_a_nul_in_a_measure_title_is_shown_beside_it_and_nothing_is_stored(client, plan_world):
    client.force_login(plan_world.people[COORD])

    response = client.post(
        reverse("plans:measure_new", args=[plan_world.board.pk]),
        measure_form(plan_world, title="Wachtwoord\x00beleid", description="Eerst\tdit\r\ndan dat"),
    )

    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == ["title"]
    assert "U+0000 (NUL) op positie 11" in form.errors["title"][0]
    assert form["title"].value() == "Wachtwoord\x00beleid"
    assert not Measure.objects.exists()


def test_a_note_with_a_control_character_stops_the_approval(client, report_world):
    client.force_login(report_world.people[EXEC])
    versions = PlanVersion.objects.count()

    response = client.post(
        reverse("plans:approve", args=[report_world.board.pk]), {"note": "Akkoord\x07"}
    )

    assert response.status_code == 302
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        (
            "Deze tekst bevat een onzichtbaar teken dat niet is toegestaan: U+0007 (BEL) op "
            "positie 8. Haal het weg (dat stuk opnieuw typen is genoeg) en probeer het opnieuw."
        )
    ]
    assert PlanVersion.objects.count() == versions

"""A forbidden character in an incident report is refused beside its field; nothing is stored.

These run on PostgreSQL as well (docs/operations.md, "Text input").
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from kompas.incidents.models import Incident
from kompas.incidents.tests.conftest import CONTRIB

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    client.raise_request_exception = False  # a 500 must show as one, not as an exception
    return client


def test_a_nul_in_the_description_is_refused_and_no_incident_is_registered(client, world):
    client.force_login(world.people[CONTRIB])
    description = "Uit de auto gestolen.\n\x00Laptop niet versleuteld."

    response = client.post(
        reverse("incidents:report", args=[world.board.pk]),
        {
            "kind": "security",
            "title": "Laptop gestolen",
            "occurred_at": "",
            "became_aware_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "description": description,
            "subjects_pupils": "",
            "subjects_parents": "",
            "subjects_staff": "",
            "subjects_other": "",
            "consequences": "",
            "measures_taken": "",
        },
    )

    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == ["description"]
    assert "U+0000 (NUL) on line 2, position 1" in form.errors["description"][0]
    assert form["description"].value() == description
    assert not Incident.objects.exists()

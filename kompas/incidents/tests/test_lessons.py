"""Lessons learned become a measure in the improvement plan with one action."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from kompas.audit.models import AuditEvent
from kompas.incidents.models import Incident, IncidentMeasure
from kompas.incidents.services import lesson_to_measure
from kompas.incidents.tests.conftest import CONTRIB, COORD, EXEC, PRIVACY
from kompas.plans.models import Measure
from kompas.testing import clock

pytestmark = pytest.mark.django_db

LESSONS = "Laptops voortaan volledig versleutelen.\nEn een lijst bijhouden van uitgeleende laptops."


@pytest.fixture
def incident(world):
    incident = world.report()
    Incident.objects.filter(pk=incident.pk).update(lessons=LESSONS)
    incident.norms.set([world.norm("GO.01"), world.norm("BV.01")])
    return Incident.objects.get(pk=incident.pk)


def make(world, incident, role=COORD):
    return lesson_to_measure(access=world.access(role), actor=world.people[role], incident=incident)


# Due three months on, before the 2030 deadline: true on an ordinary day, not in late 2030.
@clock.pinned
def test_the_coordinator_turns_the_lessons_into_a_measure_on_the_incidents_norms(world, incident):
    measure = make(world, incident)

    assert measure.title == "Lesson from incident 1: Laptops voortaan volledig versleutelen."
    assert measure.description == LESSONS
    assert (measure.owner, measure.status, measure.priority) == (
        world.people[COORD],
        "planned",
        "high",
    )
    today = timezone.localdate()
    assert today < measure.due_date <= today + datetime.timedelta(days=91)
    assert sorted(measure.links.values_list("norm__code", "target_level")) == [
        ("BV.01", 3),
        ("GO.01", 3),
    ]
    link = IncidentMeasure.objects.get()
    assert (link.incident, link.measure, link.lesson) == (incident, measure, LESSONS)
    assert AuditEvent.objects.filter(action="create", object_type="plans.measure").exists()
    recorded = AuditEvent.objects.get(action="update", object_type="incidents.incident")
    assert recorded.changes == {"plan_measure": [None, measure.pk]}


def test_the_same_lessons_become_a_measure_only_once(world, incident):
    make(world, incident)

    with pytest.raises(ValidationError, match="already in the plan"):
        make(world, incident)

    Incident.objects.filter(pk=incident.pk).update(lessons="Ook telefoons versleutelen.")
    incident.refresh_from_db()
    make(world, incident)
    assert Measure.objects.count() == 2


def test_without_lessons_or_norms_no_measure_is_made(world, incident):
    Incident.objects.filter(pk=incident.pk).update(lessons=" ")
    incident.refresh_from_db()
    with pytest.raises(ValidationError, match="Write down the lessons"):
        make(world, incident)

    Incident.objects.filter(pk=incident.pk).update(lessons=LESSONS)
    incident.refresh_from_db()
    incident.norms.clear()
    with pytest.raises(ValidationError, match="Link the incident to one or more norms"):
        make(world, incident)

    assert not Measure.objects.exists()


@pytest.mark.parametrize("role", [EXEC, PRIVACY, CONTRIB])
def test_only_a_role_that_keeps_the_register_and_edits_the_plan_may(world, incident, role):
    with pytest.raises(PermissionDenied):
        make(world, incident, role=role)

    assert not Measure.objects.exists()


def test_the_action_on_the_page_leads_to_the_measure_which_is_in_the_plan(client, world, incident):
    client.force_login(world.people[COORD])
    page = client.get(reverse("incidents:incident", args=[world.board.pk, incident.pk]))
    assert "Turn the lessons into a measure in the plan" in page.text

    response = client.post(reverse("incidents:make_measure", args=[world.board.pk, incident.pk]))

    measure = Measure.objects.get()
    assert response["Location"] == reverse("plans:measure", args=[world.board.pk, measure.pk])
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "The lessons of incident 1 are now a measure in the improvement plan."
    ]
    plan = client.get(reverse("plans:plan", args=[world.board.pk]))
    assert measure.title in plan.text
    again = client.get(reverse("incidents:incident", args=[world.board.pk, incident.pk]))
    assert reverse("plans:measure", args=[world.board.pk, measure.pk]) in again.text


def test_the_privacy_officer_sees_no_button_and_is_refused_with_a_record(client, world, incident):
    client.force_login(world.people[PRIVACY])
    page = client.get(reverse("incidents:incident", args=[world.board.pk, incident.pk]))
    assert "Turn the lessons into a measure" not in page.text

    response = client.post(reverse("incidents:make_measure", args=[world.board.pk, incident.pk]))

    assert response.status_code == 403
    assert AuditEvent.objects.filter(
        action="access_denied", object_repr="edit as privacy_officer"
    ).exists()
    assert not Measure.objects.exists()


def test_a_refusal_on_the_page_is_explained(client, world, incident):
    incident.norms.clear()
    client.force_login(world.people[COORD])

    response = client.post(
        reverse("incidents:make_measure", args=[world.board.pk, incident.pk]), follow=True
    )

    assert "Link the incident to one or more norms first" in response.text
    assert not Measure.objects.exists()

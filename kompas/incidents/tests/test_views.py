"""The register's pages: who reaches what, the forms, conflicts, the audit trail of every view."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kompas.audit.models import AuditEvent
from kompas.incidents.models import Incident
from kompas.incidents.tests.conftest import CONTRIB, COORD, EXEC, PRIVACY, SUPERVISOR

pytestmark = pytest.mark.django_db


def url(name, world, *args):
    return reverse(f"incidents:{name}", args=[world.board.pk, *args])


def report_form(**changes):
    return {
        "kind": "breach",
        "title": "Laptop gestolen",
        "occurred_at": "",
        "became_aware_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "description": "Uit de auto van een leerkracht is een schoollaptop gestolen.",
        "data_kinds": ["contact", "pupil_records"],
        "subjects_pupils": "30",
        "subjects_parents": "",
        "subjects_staff": "",
        "subjects_other": "",
        "consequences": "",
        "measures_taken": "Account op afstand geblokkeerd.",
    } | changes


def edit_form(incident, **changes):
    aware = timezone.localtime(incident.became_aware_at).strftime("%Y-%m-%dT%H:%M")
    return (
        report_form(
            kind=incident.kind,
            title=incident.title,
            became_aware_at=aware,
            description=incident.description,
        )
        | {
            "revision": str(incident.revision),
            "risk": incident.risk,
            "subjects_informed": incident.subjects_informed,
            "subjects_informed_on": "",
            "subjects_not_informed_reason": "",
            "school_cert_reference": "",
            "norms": [],
            "lessons": "",
            "status": incident.status,
        }
        | changes
    )


def texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def views_of(incident):
    return AuditEvent.objects.filter(
        action="view", object_type="incidents.incident", object_id=str(incident.pk)
    )


# --- Reporting ----------------------------------------------------------------------------------


def test_a_contributor_reports_a_breach_and_sees_a_confirmation_not_the_register(client, world):
    client.force_login(world.people[CONTRIB])

    response = client.post(url("report", world), report_form())

    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("reported", world)
    confirmation = client.get(response["Location"])
    assert "It is registered as incident 1." in confirmation.text
    assert "Laptop gestolen" not in confirmation.text
    assert (incident.kind, incident.subjects, incident.reported_by) == (
        "breach",
        {"pupils": 30},
        world.people[CONTRIB],
    )
    assert incident.data_kinds == ["contact", "pupil_records"]
    assert client.get(url("register", world)).status_code == 403
    assert client.get(url("incident", world, incident.pk)).status_code == 403


def test_the_privacy_officer_who_reports_goes_straight_to_the_incident(client, world):
    client.force_login(world.people[PRIVACY])

    response = client.post(url("report", world), report_form())

    incident = Incident.objects.get()
    assert response["Location"] == url("incident", world, incident.pk)
    assert texts(response) == ["Incident 1 is registered."]


def test_the_report_form_starts_at_now_and_says_not_to_name_people(client, world):
    client.force_login(world.people[CONTRIB])

    response = client.get(url("report", world))

    assert response.status_code == 200
    assert 'type="datetime-local"' in response.text
    assert timezone.localtime().strftime("%Y-%m-%dT") in response.text
    assert "Do not name people" in response.text
    assert "<legend>What kind of incident is it?" in response.text


def test_a_report_with_personal_data_is_refused_naming_the_field_and_saves_nothing(client, world):
    client.force_login(world.people[CONTRIB])

    response = client.post(
        url("report", world), report_form(consequences="Moeder belde, 06-12345678.")
    )

    assert response.status_code == 400
    assert "Consequences contains what looks like a phone number." in response.text
    assert 'href="#id_consequences"' in response.text  # the error summary links to the field
    assert "Moeder belde, 06-12345678." in response.text  # kept in the form to be corrected
    assert not Incident.objects.exists()


def test_a_time_in_the_skipped_hour_is_refused_with_the_reason(client, world):
    client.force_login(world.people[CONTRIB])

    response = client.post(url("report", world), report_form(became_aware_at="2026-03-29T02:15"))

    assert response.status_code == 400
    assert "does not exist in the Netherlands" in response.text
    assert not Incident.objects.exists()


# --- The register and the incident --------------------------------------------------------------


def test_the_register_shows_the_clock_and_every_look_is_recorded(client, world):
    world.report(became_aware_at=timezone.now() - datetime.timedelta(hours=30))
    client.force_login(world.people[EXEC])

    response = client.get(url("register", world))

    assert response.status_code == 200
    assert "41 h 59 min left" in response.text or "42 h 0 min left" in response.text
    assert "One breach still needs a decision" in response.text
    event = AuditEvent.objects.get(action="view", object_type="incidents.register")
    assert (event.actor_id, event.board_id) == (world.people[EXEC].pk, world.board.pk)


def test_the_register_page_has_a_constant_number_of_queries(
    client, world, django_assert_num_queries
):
    world.report()
    client.force_login(world.people[COORD])
    client.get(url("register", world))
    with CaptureQueriesContext(connection) as one:
        client.get(url("register", world))
    for _ in range(15):
        world.report(kind="security", data_kinds=(), subjects={})

    with django_assert_num_queries(len(one)):
        response = client.get(url("register", world))

    assert response.text.count("<tr>") == 17


def test_the_incident_page_shows_everything_and_records_the_view(client, world):
    incident = world.report(measures_taken="Account geblokkeerd.")
    client.force_login(world.people[PRIVACY])

    response = client.get(url("incident", world, incident.pk))

    assert response.status_code == 200
    assert "Laptop met leerlinggegevens gestolen" in response.text
    assert "Pupils: 30" in response.text
    assert "Record the decision on notifying the AP" in response.text
    event = views_of(incident).get()
    assert event.object_repr == "Stichting A · incident 1"
    assert event.actor_id == world.people[PRIVACY].pk


def test_another_boards_incident_answers_404(client, world):
    other = world.outsider
    elsewhere = Incident.objects.create(
        board=other,
        number=1,
        kind="security",
        title="Elders",
        became_aware_at=timezone.now(),
        description="x",
        reported_by=world.people[COORD],
    )
    client.force_login(world.people[COORD])

    for name in ("incident", "edit", "decision", "handoff_json"):
        assert client.get(url(name, world, elsewhere.pk)).status_code == 404
    assert client.post(url("make_measure", world, elsewhere.pk)).status_code == 404


@pytest.mark.parametrize("role", [SUPERVISOR, CONTRIB])
def test_the_register_is_refused_to_roles_without_access_and_the_refusal_recorded(
    client, world, role
):
    incident = world.report()
    client.force_login(world.people[role])

    assert client.get(url("register", world)).status_code == 403
    assert client.get(url("handoff_txt", world, incident.pk)).status_code == 403
    assert AuditEvent.objects.filter(action="access_denied", board_id=world.board.pk).count() == 2
    assert not views_of(incident).exists()


# --- Editing and deciding -----------------------------------------------------------------------


def test_the_edit_form_saves_and_records_the_change(client, world):
    incident = world.report()
    client.force_login(world.people[COORD])
    assert client.get(url("edit", world, incident.pk)).status_code == 200

    response = client.post(
        url("edit", world, incident.pk),
        edit_form(
            incident,
            risk="high_risk",
            lessons="Laptops versleutelen.",
            norms=[str(world.norm("GO.01").pk)],
        ),
    )

    assert response.status_code == 302
    incident.refresh_from_db()
    assert (incident.risk, incident.lessons, incident.revision) == (
        "high_risk",
        "Laptops versleutelen.",
        1,
    )
    assert views_of(incident).count() == 1  # opening the form is a view; saving an update
    assert AuditEvent.objects.filter(action="update", object_id=str(incident.pk)).count() == 1


def test_a_conflicting_edit_answers_409_and_keeps_the_colleagues_version(client, world):
    incident = world.report()
    stale = edit_form(incident, risk="no_risk")
    client.force_login(world.people[PRIVACY])
    client.post(url("edit", world, incident.pk), edit_form(incident, risk="high_risk"))
    client.force_login(world.people[COORD])

    response = client.post(url("edit", world, incident.pk), stale)

    assert response.status_code == 409
    assert "A colleague changed this incident after you opened it" in response.text
    assert 'name="revision" value="1"' in response.text
    incident.refresh_from_db()
    assert incident.risk == "high_risk"


def test_a_bad_edit_answers_400_with_the_problem_and_saves_nothing(client, world):
    incident = world.report()
    client.force_login(world.people[COORD])

    response = client.post(url("edit", world, incident.pk), edit_form(incident, status="closed"))

    assert response.status_code == 400
    assert "A breach can be closed once" in response.text
    incident.refresh_from_db()
    assert (incident.status, incident.revision) == ("open", 0)


def test_the_privacy_officer_records_the_decision_to_notify(client, world):
    incident = world.report()
    client.force_login(world.people[PRIVACY])
    form = client.get(url("decision", world, incident.pk))
    assert form.status_code == 200
    assert 'name="notified_at"' in form.text

    response = client.post(
        url("decision", world, incident.pk),
        {
            "revision": "0",
            "decision": "notified",
            "notified_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "reference": "M-2026-0042",
        },
    )

    assert response.status_code == 302
    incident.refresh_from_db()
    assert (incident.notify_decision, incident.notification_reference) == (
        "notified",
        "M-2026-0042",
    )
    page = client.get(url("incident", world, incident.pk)).text
    assert "decided within 72 hours" in page
    assert "M-2026-0042" in page


def test_a_decision_without_a_reference_answers_400(client, world):
    incident = world.report()
    client.force_login(world.people[PRIVACY])

    response = client.post(
        url("decision", world, incident.pk), {"revision": "0", "decision": "notified"}
    )

    assert response.status_code == 400
    assert "Give the date and time of the notification." in response.text
    assert "Give the reference the AP gave the notification." in response.text

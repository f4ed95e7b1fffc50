"""The School-CERT hand-off: exactly the documented keys, and no personal data."""

import datetime
import json

import pytest
from django.urls import reverse

from kompas.audit.models import AuditEvent
from kompas.incidents.handoff import HANDOFF_KEYS, handoff_document, handoff_text
from kompas.incidents.models import Incident
from kompas.incidents.tests.conftest import COORD, PRIVACY

pytestmark = pytest.mark.django_db

CET = datetime.timezone(datetime.timedelta(hours=1))
AWARE = datetime.datetime(2025, 3, 29, 22, 15, tzinfo=CET)


@pytest.fixture
def incident(world):
    incident = world.report(
        became_aware_at=AWARE,
        occurred_at=AWARE - datetime.timedelta(hours=3),
        measures_taken="Wachtwoorden vervangen en MFA aangezet.",
        consequences="Gevoelige zorgsignalen mogelijk ingezien.",
        subjects={"parents": 12, "pupils": 30},
    )
    Incident.objects.filter(pk=incident.pk).update(
        risk="risk",
        school_cert_involved=True,
        school_cert_reference="SC-2026-0042",
        lessons="Eerder MFA invoeren.",
    )
    incident.refresh_from_db()
    incident.norms.set([world.norm("GO.01"), world.norm("BC.03")])
    world.decide(incident, notified_at=AWARE + datetime.timedelta(hours=20), reference="M-77")
    return Incident.objects.get(pk=incident.pk)


def test_the_json_has_exactly_the_documented_keys(incident):
    document = handoff_document(incident=incident, now=AWARE + datetime.timedelta(days=1))

    assert tuple(document) == HANDOFF_KEYS
    assert document == {
        "format": "ibp-kompas-school-cert-handoff",
        "format_version": 1,
        "generated_at": "2025-03-30T23:15:00+02:00",
        "board": {"name": "Stichting A", "bg_number": "41001"},
        "incident": 1,
        "kind": "breach",
        "occurred_at": "2025-03-29T19:15:00+01:00",
        "became_aware_at": "2025-03-29T22:15:00+01:00",
        # 72 real hours later, across the night the clocks go forward: 23:15 on the wall clock.
        "ap_decision_due": "2025-04-01T23:15:00+02:00",
        "ap_decision": "notified",
        "data_kinds": ["contact", "pupil_records"],
        "data_subjects": {"pupils": 30, "parents": 12},
        "risk": "risk",
        "status": "open",
        "measures_taken": "Wachtwoorden vervangen en MFA aangezet.",
        "norms": ["BC.03", "GO.01"],
        "school_cert_reference": "SC-2026-0042",
    }


def test_the_hand_off_holds_no_personal_data_nor_free_text_beyond_the_measures(world, incident):
    text = json.dumps(handoff_document(incident=incident)) + handoff_text(incident=incident)
    people = [world.people[role] for role in world.people]

    for person in people:
        assert person.email not in text
        assert person.full_name not in text
    for private in (incident.description, incident.consequences, incident.lessons, "M-77"):
        assert private not in text
    assert "@" not in text


def test_a_security_incident_has_no_ap_decision_in_the_hand_off(world):
    incident = world.report(kind="security", data_kinds=(), subjects={})

    document = handoff_document(incident=incident)

    assert (document["ap_decision"], document["ap_decision_due"]) == (None, None)
    assert (document["occurred_at"], document["school_cert_reference"]) == (None, None)
    assert "AP decision" not in handoff_text(incident=incident)


def test_the_text_gives_the_same_facts_to_paste_into_a_message(incident):
    text = handoff_text(incident=incident)

    assert "Stichting A (41001)" in text
    assert "2025-04-01T23:15:00+02:00" in text
    assert "BC.03, GO.01" in text
    assert "SC-2026-0042" in text
    assert "Wachtwoorden vervangen en MFA aangezet." in text


@pytest.mark.parametrize(("name", "kind"), [("handoff_json", "json"), ("handoff_txt", "txt")])
def test_downloading_the_hand_off_is_recorded_as_an_export(client, world, incident, name, kind):
    client.force_login(world.people[COORD])

    response = client.get(reverse(f"incidents:{name}", args=[world.board.pk, incident.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="school-cert-41001-incident-1.{kind}"'
    )
    if kind == "json":
        assert tuple(json.loads(response.content)) == HANDOFF_KEYS
    event = AuditEvent.objects.get(action="export")
    assert (event.actor_id, event.object_id) == (world.people[COORD].pk, str(incident.pk))
    assert event.object_repr == f"Stichting A · incident 1 (School-CERT, {kind})"


def test_the_privacy_officer_may_download_it_too(client, world, incident):
    client.force_login(world.people[PRIVACY])

    url = reverse("incidents:handoff_json", args=[world.board.pk, incident.pk])

    assert client.get(url).status_code == 200

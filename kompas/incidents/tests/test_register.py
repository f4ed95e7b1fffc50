"""The register's services: report, edit, decide, close; a refusal changes nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.utils import timezone

from kompas.audit.models import AuditEvent
from kompas.boards.access import access_board
from kompas.boards.models import Membership
from kompas.boards.roles import Action
from kompas.incidents.models import Incident, NotifyDecision
from kompas.incidents.services import (
    IncidentConflict,
    incident_decide,
    incident_report,
    incident_update,
)
from kompas.incidents.tests.conftest import (
    AUDITOR,
    CONTRIB,
    COORD,
    EXEC,
    PRIVACY,
    SUPERVISOR,
    decision_data,
    incident_data,
    report_data,
)

pytestmark = pytest.mark.django_db


def errors(raised):
    return raised.value.message_dict


def update(world, incident, role=PRIVACY, **changes):
    incident.refresh_from_db()
    return incident_update(
        access=world.access(role),
        actor=world.people[role],
        incident=incident,
        revision=incident.revision,
        data=incident_data(incident, **changes),
    )


# --- Reporting --------------------------------------------------------------------------------


def test_incidents_are_numbered_per_board_in_order(world):
    first, second = world.report(), world.report(role=COORD)
    other = world.outsider
    reporter = world.people[CONTRIB]
    Membership.objects.create(user=reporter, board=other, role=CONTRIB)
    elsewhere = incident_report(
        access=access_board(user=reporter, board_id=other.pk, action=Action.REPORT_INCIDENT),
        actor=reporter,
        data=report_data(),
    )

    assert (first.number, second.number, elsewhere.number) == (1, 2, 1)
    assert first.reported_by == world.people[CONTRIB]
    assert first.notify_decision == NotifyDecision.UNDECIDED


@pytest.mark.parametrize("role", [CONTRIB, COORD, EXEC, PRIVACY])
def test_every_role_but_supervisor_and_auditor_may_report(world, role):
    assert world.report(role=role).board == world.board


@pytest.mark.parametrize("role", [SUPERVISOR, AUDITOR])
def test_the_supervisor_and_the_auditor_may_not_report(world, role):
    with pytest.raises(PermissionDenied):
        world.report(role=role)

    assert not Incident.objects.exists()


def test_a_report_is_recorded_without_its_free_text(world):
    incident = world.report()

    event = AuditEvent.objects.get(action="create", object_type="incidents.incident")
    assert event.object_id == str(incident.pk)
    assert event.object_repr == "Stichting A · incident 1"
    assert event.changes["kind"] == [None, "breach"]
    assert event.changes["subjects"] == [None, {"pupils": 30}]
    assert event.changes["description"][1].startswith("sha256:")
    assert "laptop" not in str(event.changes).lower()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"kind": "rumour"}, "kind", "security incident or a personal-data breach"),
        ({"title": "  "}, "title", "short title"),
        ({"description": ""}, "description", "Describe what happened"),
        (
            {"became_aware_at": timezone.now() + datetime.timedelta(hours=1)},
            "became_aware_at",
            "lies in the future",
        ),
        (
            {"occurred_at": timezone.now() - datetime.timedelta(minutes=1)},
            "occurred_at",
            "after the board became aware",
        ),
        ({"data_kinds": ("gossip",)}, "data_kinds", "from the list"),
        ({"subjects": {"pupils": -3}}, "subjects", "from 0 to 10,000,000"),
        ({"subjects": {"neighbours": 3}}, "subjects", "from 0 to 10,000,000"),
        (
            {"kind": "security", "subjects": {"pupils": 3}},
            "kind",
            "register this as a personal-data breach",
        ),
    ],
)
def test_a_bad_report_is_refused_with_a_specific_message_and_saves_nothing(
    world, changes, field, message
):
    with pytest.raises(ValidationError) as refused:
        world.report(**changes)

    assert message in " ".join(errors(refused)[field])
    assert not Incident.objects.exists()
    assert not AuditEvent.objects.filter(object_type="incidents.incident").exists()


def test_personal_data_in_free_text_is_refused_naming_the_field_and_what_was_found(world):
    with pytest.raises(ValidationError) as refused:
        world.report(
            description="Leerling met BSN 111222333 had het adres jan@example.nl in de klas.",
            measures_taken="Ouder gebeld op 06-12345678.",
        )

    found = errors(refused)
    assert found["description"] == [
        (
            "What happened contains what looks like an e-mail address and a citizen service "
            "number (BSN). Please remove it: describe people by category and approximate number "
            "(for example “two pupils”), never by name, e-mail address, phone number or "
            "citizen service number."
        )
    ]
    assert found["measures_taken"][0].startswith(
        "Measures taken contains what looks like a phone number."
    )
    assert "111222333" not in str(found)
    assert not Incident.objects.exists()
    assert not AuditEvent.objects.filter(object_type="incidents.incident").exists()


def test_two_incidents_never_share_a_number(world):
    incident = world.report()

    with pytest.raises(IntegrityError):
        Incident.objects.create(
            board=world.board,
            number=incident.number,
            kind="security",
            title="x",
            became_aware_at=timezone.now(),
            description="x",
            reported_by=world.people[COORD],
        )


def test_incidents_are_never_deleted(world):
    incident = world.report()

    with pytest.raises(ValueError, match="never deleted"):
        incident.delete()


# --- Editing ----------------------------------------------------------------------------------


def test_the_privacy_officer_completes_the_incident_and_the_change_is_recorded(world):
    incident = world.report()

    saved = update(
        world,
        incident,
        risk="high_risk",
        subjects_informed="informed",
        subjects_informed_on=timezone.localdate(),
        school_cert_involved=True,
        school_cert_reference="SC-2026-0042",
        lessons="Laptops voortaan versleutelen.",
        norm_ids=(world.norm("GO.01").pk,),
    )

    assert (saved.risk, saved.revision, saved.updated_by) == (
        "high_risk",
        1,
        world.people[PRIVACY],
    )
    assert list(saved.norms.values_list("code", flat=True)) == ["GO.01"]
    event = AuditEvent.objects.filter(action="update").latest("sequence")
    assert event.changes["risk"] == ["not_assessed", "high_risk"]
    assert event.changes["norms"] == [[], ["GO.01"]]
    assert event.changes["school_cert_reference"] == ["", "SC-2026-0042"]
    assert event.changes["lessons"][0] is None
    assert event.changes["lessons"][1].startswith("sha256:")


def test_an_edit_without_changes_records_nothing(world):
    incident = world.report()
    before = AuditEvent.objects.count()

    assert update(world, incident).revision == 0
    assert AuditEvent.objects.count() == before


def test_a_conflicting_edit_is_refused_and_overwrites_nothing(world):
    incident = world.report()
    stale = incident.revision
    update(world, incident, risk="risk", role=COORD)

    with pytest.raises(IncidentConflict) as clash:
        incident_update(
            access=world.access(PRIVACY),
            actor=world.people[PRIVACY],
            incident=incident,
            revision=stale,
            data=incident_data(incident, risk="no_risk"),
        )

    assert clash.value.current.updated_by == world.people[COORD]
    incident.refresh_from_db()
    assert incident.risk == "risk"


@pytest.mark.parametrize("role", [CONTRIB, SUPERVISOR, AUDITOR])
def test_only_the_roles_that_keep_the_register_may_edit(world, role):
    incident = world.report()

    with pytest.raises(PermissionDenied):
        update(world, incident, role=role, risk="risk")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"subjects_informed": "informed"}, "subjects_informed_on", "Give the date"),
        ({"subjects_informed": "not_informed"}, "subjects_not_informed_reason", "Explain why"),
        (
            {"risk": "high_risk", "subjects_informed": "not_required"},
            "subjects_informed",
            "must be informed (art. 34)",
        ),
        ({"school_cert_reference": "SC-1"}, "school_cert_reference", "School-CERT involved"),
        ({"norm_ids": (999999,)}, "norms", "Link only norms"),
        ({"lessons": "Bel de FG op 020-1234567."}, "lessons", "a phone number"),
        ({"status": "closed"}, "status", "decision on notifying"),
    ],
)
def test_a_bad_edit_is_refused_with_a_specific_message(world, changes, field, message):
    incident = world.report()

    with pytest.raises(ValidationError) as refused:
        update(world, incident, **changes)

    assert message in " ".join(errors(refused)[field])
    incident.refresh_from_db()
    assert incident.revision == 0


def test_a_breach_is_closed_once_decided_assessed_and_accounted_for(world):
    incident = world.report()
    world.decide(incident)

    with pytest.raises(ValidationError) as refused:
        update(world, incident, status="closed")
    assert errors(refused)["status"] == [
        (
            "A breach can be closed once the risk is assessed and it is recorded whether the "
            "people involved were informed."
        )
    ]

    closed = update(
        world, incident, status="closed", risk="no_risk", subjects_informed="not_required"
    )
    assert closed.status == "closed"


def test_a_security_incident_closes_without_an_ap_decision(world):
    incident = world.report(kind="security", data_kinds=(), subjects={})

    assert update(world, incident, status="closed").status == "closed"


def test_a_notified_breach_stays_a_breach(world):
    incident = world.report()
    world.decide(incident)

    with pytest.raises(ValidationError) as refused:
        update(world, incident, kind="security", data_kinds=(), subjects={})

    assert "it stays a breach" in errors(refused)["kind"][0]


# --- The decision on notifying the AP ---------------------------------------------------------


def test_the_decision_to_notify_is_recorded_with_date_reference_and_who(world):
    incident = world.report()
    notified_at = timezone.now() - datetime.timedelta(minutes=30)

    decided = world.decide(incident, notified_at=notified_at, reference=" M-2026-0042 ")

    assert decided.notify_decision == "notified"
    assert (decided.notified_at, decided.notification_reference) == (notified_at, "M-2026-0042")
    assert decided.decided_by == world.people[PRIVACY]
    assert decided.clock(timezone.now()).state == "decided"
    event = AuditEvent.objects.filter(action="update").latest("sequence")
    assert event.changes["notify_decision"] == ["undecided", "notified"]
    assert event.changes["notification_reference"] == ["", "M-2026-0042"]


def test_not_notifying_needs_a_reason_and_an_assessment_of_no_risk(world):
    incident = world.report()
    refusals = []
    for risk in ("not_assessed", "risk", "high_risk"):
        incident.refresh_from_db()
        Incident.objects.filter(pk=incident.pk).update(risk=risk)
        with pytest.raises(ValidationError) as refused:
            world.decide(incident, decision="not_notified", not_notified_reason="Versleuteld.")
        refusals.append(errors(refused)["decision"][0])

    assert refusals[0].startswith("Assess the risk first")
    assert refusals[1].startswith("The breach is assessed as a risk")
    assert refusals[2] == refusals[1]
    Incident.objects.filter(pk=incident.pk).update(risk="no_risk")
    with pytest.raises(ValidationError) as refused:
        world.decide(incident, decision="not_notified", not_notified_reason="")
    assert "Explain why" in errors(refused)["not_notified_reason"][0]

    decided = world.decide(
        incident, decision="not_notified", not_notified_reason="De laptop was versleuteld."
    )
    assert (decided.notify_decision, decided.notified_at, decided.notification_reference) == (
        "not_notified",
        None,
        "",
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"notified_at": None}, "notified_at", "Give the date and time"),
        ({"reference": " "}, "reference", "Give the reference"),
        (
            {"notified_at": timezone.now() + datetime.timedelta(hours=2)},
            "notified_at",
            "lies in the future",
        ),
        (
            {"notified_at": timezone.now() - datetime.timedelta(days=1)},
            "notified_at",
            "before the board became aware",
        ),
        ({"reference": "mail ap@example.nl"}, "reference", "an e-mail address"),
        ({"decision": "undecided"}, "decision", "Choose whether"),
    ],
)
def test_a_bad_decision_is_refused_with_a_specific_message(world, changes, field, message):
    incident = world.report()

    with pytest.raises(ValidationError) as refused:
        world.decide(incident, **changes)

    assert message in " ".join(errors(refused)[field])
    incident.refresh_from_db()
    assert incident.notify_decision == "undecided"


def test_a_late_notification_needs_the_reason_for_the_delay(world):
    incident = world.report(became_aware_at=timezone.now() - datetime.timedelta(hours=80))

    with pytest.raises(ValidationError) as refused:
        world.decide(incident)
    assert "reason for the delay" in errors(refused)["delay_reason"][0]

    decided = world.decide(incident, delay_reason="Het lek werd pas na het weekend begrepen.")
    assert decided.clock(timezone.now()).state == "decided_late"


def test_only_a_breach_is_notified(world):
    incident = world.report(kind="security", data_kinds=(), subjects={})

    with pytest.raises(ValidationError) as refused:
        world.decide(incident)

    assert "Only a personal-data breach" in errors(refused)["decision"][0]


def test_a_decision_on_a_stale_form_is_refused(world):
    incident = world.report()
    world.decide(incident)

    with pytest.raises(IncidentConflict):
        incident_decide(
            access=world.access(COORD),
            actor=world.people[COORD],
            incident=incident,
            revision=0,
            data=decision_data(reference="OTHER"),
        )

    incident.refresh_from_db()
    assert incident.notification_reference == "M-2026-0042"

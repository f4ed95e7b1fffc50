import datetime
from typing import Any

import pytest
from django.utils import timezone

from kompas.boards.access import access_board
from kompas.boards.roles import Action, BoardRole
from kompas.incidents.services import (
    DecisionData,
    IncidentData,
    ReportData,
    incident_decide,
    incident_report,
)
from kompas.testing.world import World

COORD = BoardRole.COORDINATOR
EXEC = BoardRole.EXECUTIVE
PRIVACY = BoardRole.PRIVACY_OFFICER
CONTRIB = BoardRole.CONTRIBUTOR
SUPERVISOR = BoardRole.SUPERVISOR
AUDITOR = BoardRole.AUDITOR


def report_data(**changes):
    values = {
        "kind": "breach",
        "title": "Laptop met leerlinggegevens gestolen",
        "occurred_at": None,
        "became_aware_at": timezone.now() - datetime.timedelta(hours=2),
        "description": "Uit de auto van een leerkracht is een schoollaptop gestolen.",
        "data_kinds": ("contact", "pupil_records"),
        "subjects": {"pupils": 30},
        "consequences": "",
        "measures_taken": "",
    }
    return ReportData(**(values | changes))


def incident_data(incident, **changes):
    """The incident as it stands, as the edit form would send it, with `changes`."""
    values = {
        "kind": incident.kind,
        "title": incident.title,
        "occurred_at": incident.occurred_at,
        "became_aware_at": incident.became_aware_at,
        "description": incident.description,
        "data_kinds": tuple(incident.data_kinds),
        "subjects": dict(incident.subjects),
        "consequences": incident.consequences,
        "measures_taken": incident.measures_taken,
        "risk": incident.risk,
        "subjects_informed": incident.subjects_informed,
        "subjects_informed_on": incident.subjects_informed_on,
        "subjects_not_informed_reason": incident.subjects_not_informed_reason,
        "school_cert_involved": incident.school_cert_involved,
        "school_cert_reference": incident.school_cert_reference,
        "status": incident.status,
        "lessons": incident.lessons,
        "norm_ids": tuple(incident.norms.values_list("pk", flat=True)),
    }
    return IncidentData(**(values | changes))


def decision_data(**changes):
    values: dict[str, Any] = {
        "decision": "notified",
        "notified_at": timezone.now() - datetime.timedelta(minutes=5),
        "reference": "M-2026-0042",
        "not_notified_reason": "",
        "delay_reason": "",
    }
    return DecisionData(**(values | changes))


class IncidentWorld(World):
    """The evaluation world (a board with a person in every role, a four-norm framework)."""

    def access(self, role, action=Action.VIEW_REPORTS):
        return access_board(user=self.people[role], board_id=self.board.pk, action=action)

    def report(self, role=CONTRIB, **changes):
        return incident_report(
            access=self.access(role), actor=self.people[role], data=report_data(**changes)
        )

    def decide(self, incident, role=PRIVACY, **changes):
        incident.refresh_from_db()
        return incident_decide(
            access=self.access(role),
            actor=self.people[role],
            incident=incident,
            revision=incident.revision,
            data=decision_data(**changes),
        )


@pytest.fixture
def world(db):
    return IncidentWorld()


@pytest.fixture(autouse=True)
def _english(english):
    """The tests read English message ids: services and pages, whatever the catalogue holds."""

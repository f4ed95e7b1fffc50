"""The incident register and the monitoring submissions in the board document.

Imports here go into the same installation under another bevoegd-gezagnummer (as_new_board),
so the source board's rows are there to compare with; the round trip into a fresh installation
is in test_board_export.py.
"""

import json

import pytest

from kompas.assessments.models import NormScore
from kompas.assessments.services import assessment_approve, assessment_submit
from kompas.boards.roles import BoardRole
from kompas.exports.board_check import SCHEMA_PATH
from kompas.exports.board_export import board_document
from kompas.exports.board_import import board_import
from kompas.exports.tests.export_world import as_new_board, counts, refusal
from kompas.incidents.models import (
    DataKind,
    Incident,
    IncidentKind,
    IncidentMeasure,
    IncidentStatus,
    NotifyDecision,
    Risk,
    SubjectCategory,
    SubjectsInformed,
)
from kompas.monitoring.models import (
    Audience,
    ImmutableError,
    MonitoringRound,
    RoundStatus,
    SizeClass,
    Submission,
)
from kompas.monitoring.services import submission_create
from kompas.monitoring.snapshots import Quadrant
from kompas.notifications.models import Notification
from kompas.plans.roadmap import Verdict


def imported(export_world, change=None):
    document = as_new_board(board_document(board=export_world.board))
    if change:
        change(document)
    return board_import(document=document, filename="board.json", actor_email="test")


# --- incidents ------------------------------------------------------------------------------


def test_incidents_come_back_with_their_decision_norms_and_measures_from_lessons(export_world):
    board = imported(export_world).board

    source = Incident.objects.get(board=export_world.board, number=1)
    breach = Incident.objects.get(board=board, number=1)
    fields = [
        "kind",
        "title",
        "occurred_at",
        "became_aware_at",
        "data_kinds",
        "subjects",
        "risk",
        "notify_decision",
        "notified_at",
        "notification_reference",
        "delay_reason",
        "decided_at",
        "subjects_informed",
        "subjects_informed_on",
        "school_cert_involved",
        "school_cert_reference",
        "status",
        "lessons",
        "created_at",
        "updated_at",
        "revision",
    ]
    assert [getattr(breach, name) for name in fields] == [getattr(source, name) for name in fields]
    assert (breach.decided_by, breach.reported_by) == (source.decided_by, source.reported_by)
    assert sorted(breach.norms.values_list("code", flat=True)) == ["BC.03", "GO.01"]
    made = IncidentMeasure.objects.select_related("measure").get(incident=breach)
    original = IncidentMeasure.objects.select_related("measure").get(incident=source)
    assert made.measure.board == board
    assert (made.measure.title, made.created_at) == (original.measure.title, original.created_at)
    security = Incident.objects.get(board=board, number=2)
    assert (security.kind, security.status, security.norms.count()) == ("security", "closed", 0)


def test_it_refuses_incidents_that_break_the_registers_rules(export_world):
    def change(document):
        breach, security = document["incidents"]
        security["number"] = 1
        breach["occurred_at"] = "2099-01-01T00:00:00+00:00"
        breach["notification_reference"] = " "
        breach["norms"].append(dict(breach["norms"][0]))
        breach["plan_measures"][0]["measure"] = 99
        security["plan_measures"] = []

    before = counts()
    document = as_new_board(board_document(board=export_world.board))
    change(document)

    assert refusal(document).lines() == [
        "board.json: incidents[1]: appears twice (number 1)",
        "board.json: incidents[0].occurred_at: lies after the moment the board became aware",
        (
            "board.json: incidents[0].notify_decision: a notification to the AP has a date "
            "(notified_at) and a reference"
        ),
        "board.json: incidents[0].norms[2]: links the same norm twice",
        (
            "board.json: incidents[0].plan_measures[0].measure: no measure with id 99 under "
            "plan.measures"
        ),
    ]
    assert counts() == before


def test_a_measure_is_made_from_one_lesson_only(export_world):
    document = as_new_board(board_document(board=export_world.board))
    document["incidents"][1]["plan_measures"] = list(document["incidents"][0]["plan_measures"])

    assert refusal(document).lines() == [
        "board.json: incidents[1].plan_measures[0].measure: measure 3 is made from two lessons"
    ]


def test_it_names_an_incident_field_the_schema_refuses(export_world):
    document = as_new_board(board_document(board=export_world.board))
    document["incidents"][0]["subjects"] = {"neighbours": 3}
    document["incidents"][0]["kind"] = "rumour"

    lines = refusal(document).lines()

    assert "board.json: incidents[0].kind: 'rumour': 'rumour' is not one of" in lines[0]
    assert any(line.startswith("board.json: incidents[0].subjects: ") for line in lines)


# --- submissions ----------------------------------------------------------------------------


def test_a_submission_joins_the_round_of_the_same_key_with_its_snapshot_and_consents(
    export_world,
):
    rounds = MonitoringRound.objects.count()
    result = imported(export_world)

    assert (MonitoringRound.objects.count(), result.created_rounds) == (rounds, [])
    source = export_world.submission
    submission = Submission.objects.get(board=result.board)
    assert submission.round == export_world.round
    assert submission.assessment.board == result.board
    assert (submission.assessment.period, submission.assessment.version) == ("2026", 1)
    fields = [
        "submitted_at",
        "sectors",
        "size_class",
        "region",
        "signature",
        "has_approved_plan",
        "open_gaps",
        "overdue_measures",
        "projection",
        "mean_level",
        "norms_at_target",
        "policy_level",
        "practice_level",
        "quadrant",
        "breaches",
    ]
    assert [getattr(submission, name) for name in fields] == [
        getattr(source, name) for name in fields
    ]
    assert submission.breaches == 1

    def owned(of):
        return {
            "cells": sorted(of.cells.values_list("cut", "value")),
            "scores": sorted(of.scores.values_list("norm__code", "level", "at_target")),
            "domains": sorted(of.domain_levels.values_list("code", "mean")),
            "services": sorted(of.services.values_list("service", "status", "started_on")),
            "consents": sorted(
                of.consents.values_list(
                    "audience", "granted_by__email", "granted_at", "withdrawn_at"
                )
            ),
        }

    assert owned(submission) == owned(source)
    withdrawn = submission.consents.get(audience="region")
    assert withdrawn.withdrawn_by == export_world.people[BoardRole.EXECUTIVE]
    assert submission.consents.get(audience="support").withdrawn_at is None
    with pytest.raises(ImmutableError):
        submission.save()


def test_a_missing_round_is_recreated_closed_without_releases_and_named(export_world, english):
    def elsewhere(document):
        document["submissions"][0]["round"]["name"] = "Meetronde elders"

    result = imported(export_world, elsewhere)

    recreated = MonitoringRound.objects.get(name="Meetronde elders")
    assert (recreated.status, recreated.opened_by, recreated.period) == (
        RoundStatus.CLOSED,
        None,
        "2026",
    )
    assert (recreated.framework_version, recreated.sectors) == (export_world.version, ["PO", "VO"])
    assert not recreated.releases.exists()
    assert result.created_rounds == ["Meetronde elders (period 2026, test-kader 1.0)"]
    assert any("Meetronde elders" in warning for warning in result.warnings)
    assert Submission.objects.get(board=result.board).round == recreated
    # Closed: no other board can submit to a round that exists here only to hold this one.
    world = export_world
    with pytest.raises(Exception, match="closed"):
        submission_create(
            access=world.access(BoardRole.EXECUTIVE),
            actor=world.people[BoardRole.EXECUTIVE],
            round_=recreated,
            assessment=world.assessment,
            share_with=set(),
        )


def test_it_refuses_two_rounds_here_that_share_the_key(export_world):
    MonitoringRound.objects.create(
        name="Meetronde 2026",
        framework_version=export_world.version,
        period="2026",
        sectors=["PO"],
        opened_by=None,
    )
    before = counts()

    assert refusal(as_new_board(board_document(board=export_world.board))).lines() == [
        (
            "board.json: submissions[0].round: this installation has more than one round "
            "Meetronde 2026 (period 2026, test-kader 1.0); the submission cannot be matched "
            "to one of them"
        )
    ]
    assert counts() == before


def test_it_refuses_a_submission_whose_snapshot_does_not_hold_together(export_world):
    document = as_new_board(board_document(board=export_world.board))
    submission = document["submissions"][0]
    submission["signature"] = "all=|size=large"
    region = next(i for i, c in enumerate(submission["consents"]) if c["audience"] == "region")
    consent = submission["consents"][region]
    consent["withdrawn_at"] = consent["withdrawn_by"] = None
    consent["audience"] = "support"
    submission["evaluation"]["version"] = 7
    submission["scores"][0]["norm"] = "XX.99"
    before = counts()

    assert refusal(document).lines() == [
        "board.json: submissions[0].evaluation: refers to an evaluation not in the document",
        (
            "board.json: submissions[0].signature: 'all=|size=large' does not match the cells "
            "('all=|region=UT|sector=PO|sector=SO|size=small')"
        ),
        "board.json: submissions[0].consents[1]: a second active consent for 'support'",
        "board.json: submissions[0].scores[0].norm: no norm 'XX.99' in test-kader 1.0",
    ]
    assert counts() == before


def resubmitted(export_world):
    """The board's reopened 2026 evaluation approved and submitted to the round again."""
    world = export_world
    newer = world.reopened
    NormScore.objects.filter(assessment=newer).update(to_confirm=False)
    assessment_submit(
        access=world.access(BoardRole.COORDINATOR),
        actor=world.people[BoardRole.COORDINATOR],
        assessment=newer,
    )
    assessment_approve(
        access=world.access(BoardRole.EXECUTIVE),
        actor=world.people[BoardRole.EXECUTIVE],
        assessment=newer,
    )
    newer.refresh_from_db()
    return submission_create(
        access=world.access(BoardRole.EXECUTIVE),
        actor=world.people[BoardRole.EXECUTIVE],
        round_=world.round,
        assessment=newer,
        share_with={"inspectorate"},
    )


def test_a_resubmission_comes_back_replacing_the_snapshot_before_it(export_world):
    resubmitted(export_world)

    result = imported(export_world)

    first, second = Submission.objects.filter(board=result.board).order_by("submitted_at")
    assert second.replaces == first
    assert (first.assessment.version, second.assessment.version) == (1, 2)
    assert list(second.consents.values_list("audience", flat=True)) == ["inspectorate"]
    assert list(Submission.objects.filter(board=result.board).current()) == [second]
    again = as_new_board(board_document(board=result.board))
    assert (
        again["submissions"]
        == as_new_board(board_document(board=export_world.board))["submissions"]
    )


def test_it_refuses_the_same_evaluation_twice_in_one_round(export_world):
    document = as_new_board(board_document(board=export_world.board))
    repeated = json.loads(json.dumps(document["submissions"][0]))
    repeated["submitted_at"] = "2030-01-01T00:00:00+00:00"
    document["submissions"].append(repeated)

    assert refusal(document).lines() == [
        (
            "board.json: submissions[1].evaluation: the same evaluation was submitted to this "
            "round already; a resubmission holds a newer one"
        )
    ]


def test_it_refuses_a_resubmission_listed_before_what_it_replaces(export_world):
    resubmitted(export_world)
    document = as_new_board(board_document(board=export_world.board))
    document["submissions"][1]["submitted_at"] = document["submissions"][0]["submitted_at"]

    assert refusal(document).lines() == [
        (
            "board.json: submissions[1].submitted_at: lies before the submission to the same round "
            "it replaces (submissions to one round are listed in the order they were made)"
        )
    ]


def test_the_schema_knows_every_choice_of_the_register_and_of_monitoring():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    incident = schema["$defs"]["incident"]["properties"]
    assert incident["kind"]["enum"] == IncidentKind.values
    assert incident["data_kinds"]["items"]["enum"] == DataKind.values
    assert incident["subjects"]["propertyNames"]["enum"] == SubjectCategory.values
    assert incident["risk"]["enum"] == Risk.values
    assert incident["notify_decision"]["enum"] == NotifyDecision.values
    assert incident["subjects_informed"]["enum"] == SubjectsInformed.values
    assert incident["status"]["enum"] == IncidentStatus.values
    submission = schema["$defs"]["submission"]["properties"]
    assert submission["size_class"]["enum"] == SizeClass.values
    assert submission["projection"]["enum"] == Verdict.values
    assert submission["quadrant"]["enum"] == ["", *Quadrant.values]
    consent = submission["consents"]["items"]["properties"]
    assert consent["audience"]["enum"] == Audience.values


def test_a_restored_trail_notifies_nobody_again(export_world):
    before = Notification.objects.count()  # the world's own events told people once

    result = imported(export_world)

    assert before > 0
    assert Notification.objects.count() == before
    assert not Notification.objects.filter(board=result.board).exists()

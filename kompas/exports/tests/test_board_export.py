import copy
import datetime
import hashlib
import json

import pytest
from django.core.management import CommandError, call_command

from kompas.accounts.models import User
from kompas.assessments.models import (
    AssessmentStatus,
    Evidence,
    FrozenError,
    SelfAssessment,
)
from kompas.audit.models import PLATFORM_CHAIN, AuditAction, AuditEvent, board_chain
from kompas.audit.services import audit_verify
from kompas.boards.models import Board, Group, GroupMembership, Membership
from kompas.boards.roles import BoardRole
from kompas.exports.board_export import SCHEMA_VERSION, board_document, trail_digest
from kompas.exports.board_import import board_import
from kompas.exports.tests.export_world import (
    COORD,
    HOSTILE,
    PDF,
    ExportWorld,
    as_new_board,
    counts,
    exported_rows,
    refusal,
    stored_files,
    text_of,
)
from kompas.incidents.models import Incident
from kompas.monitoring.models import SectorService, ServiceUse, Submission, UptakeStatus
from kompas.plans.models import MeasureUpdate, PlanVersion, RiskAcceptance
from kompas.reports.models import AnnualReport, AnnualReportStatus, ApprovedError, IssuedReport
from kompas.testing.frameworks import framework_doc, import_document

# --- the round trip -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_export_import_into_a_fresh_database_and_export_again_gives_the_same_document():
    world = ExportWorld()
    text = text_of(board_document(board=world.board))
    first = json.loads(text)
    rows = exported_rows(world.board)
    # The world has rows of every model the document carries: incidents with their norms and
    # measures from lessons, submissions with cells, scores, domains, services and consents.
    assert [label for label, count in rows.items() if count == 0] == []
    assert first["audit_trail"]["events"]  # the world's services recorded what they did

    call_command("flush", interactive=False)
    assert not Board.objects.exists()
    import_document(framework_doc())
    result = board_import(document=first, actor_email="manage.py import_board")

    assert text_of(board_document(board=result.board)) == text
    assert exported_rows(result.board) == rows
    assert sorted(result.created_people) == [person["email"] for person in first["people"]]
    assert result.created_rounds == ["Meetronde 2026 (period 2026, test-kader 1.0)"]
    assert list(audit_verify()) == []


@pytest.mark.django_db(transaction=True)
def test_the_import_is_recorded_on_the_platform_chain_with_the_file_and_the_trails_digest():
    world = ExportWorld()
    first = board_document(board=world.board)
    call_command("flush", interactive=False)
    import_document(framework_doc())
    board = board_import(
        document=json.loads(text_of(first)), filename="stichting.json", actor_email="importer"
    ).board

    replayed = AuditEvent.objects.filter(chain=board_chain(board.pk)).order_by("sequence")
    assert [event.action for event in replayed] == [
        event["action"] for event in first["audit_trail"]["events"]
    ]
    assert {event.board_id for event in replayed} == {board.pk}
    imported = AuditEvent.objects.filter(chain=PLATFORM_CHAIN).latest("sequence")
    assert (imported.action, imported.actor_email, imported.board_id) == (
        AuditAction.CREATE,
        "importer",
        None,
    )
    assert (imported.object_type, imported.object_id) == ("boards.board", str(board.pk))
    assert imported.changes["imported_from"] == [
        None,
        {
            "file": "stichting.json",
            "bg_number": "41001",
            "schema_version": SCHEMA_VERSION,
            "audit_trail_sha256": first["audit_trail"]["sha256"],
            "audit_trail_events": len(first["audit_trail"]["events"]),
            "rounds_created": ["Meetronde 2026 (period 2026, test-kader 1.0)"],
        },
    ]
    assert list(audit_verify()) == []


def test_every_text_field_comes_back_literally(export_world):
    document = board_document(board=export_world.board)
    imported = board_import(document=as_new_board(document), actor_email="test").board

    again = board_document(board=imported)
    evaluation = again["evaluations"][0]
    plan = again["plan"]
    texts = [
        again["board"]["name"].removeprefix("Stichting "),
        again["schools"][0]["name"],
        again["groups"][0]["description"],
        next(p["full_name"] for p in again["people"] if p["email"] == "coordinator@a.example.nl"),
        evaluation["scores"][0]["explanation"],
        next(s["not_applicable_reason"] for s in evaluation["scores"] if s["norm"] == "GO.02"),
        evaluation["scores"][0]["evidence"][0]["original_name"].removesuffix(".pdf"),
        evaluation["scores"][0]["evidence"][1]["title"],
        again["evaluations"][1]["reopen_reason"],
        plan["measures"][0]["title"],
        plan["measures"][0]["description"],
        plan["measures"][0]["updates"][0]["remark"],
        plan["risk_acceptances"][0]["reason"],
        plan["versions"][0]["note"],
        plan["versions"][0]["snapshot"]["measures"][0]["title"],
        again["annual_reports"][0]["text"],
        again["incidents"][0]["title"],
        again["incidents"][0]["description"],
        again["incidents"][0]["lessons"],
        again["incidents"][0]["delay_reason"],
        again["incidents"][0]["plan_measures"][0]["lesson"],
    ]
    assert texts == [HOSTILE] * len(texts)
    # The file keeps control characters escaped and everything else as written.
    text = text_of(again)
    assert "<script>alert('x')</script>" in text
    assert "\\u0001\\u0007\\u001b" in text
    assert "\u202e\u05e9\u05dc\u05d5\u05dd\u200f 🙂👩\u200d💻" in text
    assert json.loads(text) == again


def test_the_export_is_deterministic_and_free_of_database_ids(export_world):
    first = text_of(board_document(board=export_world.board))
    assert text_of(board_document(board=export_world.board)) == first
    document = json.loads(first)
    trail = document["audit_trail"]
    assert [event["sequence"] for event in trail["events"]] == list(
        range(1, len(trail["events"]) + 1)
    )
    assert {key for event in trail["events"] for key in event} == {
        "sequence",
        "created_at",
        "actor_email",
        "action",
        "object_type",
        "object_repr",
        "changes",
    }
    assert trail["sha256"] == trail_digest(trail["events"])
    assert [p["email"] for p in document["people"]] == sorted(
        p["email"] for p in document["people"]
    )
    # The third is the measure made from the breach's lesson, after the plan was approved.
    assert [m["id"] for m in document["plan"]["measures"]] == [1, 2, 3]
    assert document["incidents"][0]["plan_measures"][0]["measure"] == 3
    snapshot = document["plan"]["versions"][0]["snapshot"]
    assert sorted(m["id"] for m in snapshot["measures"]) == [1, 2]
    assert all(set(gap["covered_by"]) <= {1, 2} for gap in snapshot["gaps"])


def test_frozen_states_and_timestamps_are_restored_as_they_were(export_world):
    document = board_document(board=export_world.board)
    board = board_import(document=as_new_board(document), actor_email="test").board

    approved = SelfAssessment.objects.get(board=board, version=1)
    original = export_world.assessment
    original.refresh_from_db()
    assert approved.status == AssessmentStatus.APPROVED
    assert (approved.created_at, approved.approved_at) == (
        original.created_at,
        original.approved_at,
    )
    reopened = SelfAssessment.objects.get(board=board, version=2)
    assert reopened.started_from == approved
    assert reopened.status == AssessmentStatus.DRAFT
    score = approved.scores.select_related("assessment").get(norm__code="GO.01")
    score.explanation = "changed"
    with pytest.raises(FrozenError):
        score.save()

    version = PlanVersion.objects.get(board=board)
    assert version.approved_at == export_world.plan_version.approved_at
    assert version.assessment == approved
    with pytest.raises(ValueError, match="never changes"):
        version.save()
    paragraph = AnnualReport.objects.get(board=board, year=2025)
    with pytest.raises(ApprovedError):
        paragraph.save()
    update = MeasureUpdate.objects.get(measure__board=board)
    assert (
        update.created_at == MeasureUpdate.objects.get(measure__board=export_world.board).created_at
    )
    restored = RiskAcceptance.objects.select_related("proposed_by").get(board=board)
    source = RiskAcceptance.objects.get(board=export_world.board)
    assert (restored.proposed_at, restored.accepted_at) == (source.proposed_at, source.accepted_at)
    assert restored.proposed_by is not None
    assert restored.proposed_by.email == "coordinator@a.example.nl"


def test_people_are_reused_by_email_and_missing_ones_created_without_a_password(export_world):
    document = as_new_board(board_document(board=export_world.board))
    document["people"].append({"email": "Nieuw.Lid@B.example.nl", "full_name": "Nieuw Lid"})
    document["members"].append(
        {
            "email": "Nieuw.Lid@B.example.nl",
            "role": "contributor",
            "is_active": True,
            "created_at": "2026-01-02T03:04:05+00:00",
            "ends_on": None,
        }
    )
    users = User.objects.count()

    result = board_import(document=document, actor_email="test")

    assert result.created_people == ["nieuw.lid@b.example.nl"]
    assert User.objects.count() == users + 1
    created = User.objects.get(email="nieuw.lid@b.example.nl")
    assert not created.has_usable_password()
    coordinator = export_world.people[COORD]
    assert Membership.objects.get(board=result.board, role=COORD).user == coordinator
    assert coordinator.has_usable_password()


def test_an_existing_group_is_joined_as_it_is(export_world):
    document = as_new_board(board_document(board=export_world.board))
    document["groups"][0]["description"] = "Another description"
    board = board_import(document=document, actor_email="test").board
    membership = GroupMembership.objects.select_related("group").get(board=board)
    assert membership.group.description == HOSTILE
    assert Group.objects.count() == 1


def test_evidence_files_are_stored_again_and_shared_by_their_copies(export_world, settings):
    document = as_new_board(board_document(board=export_world.board))
    before = set(stored_files(settings))
    board = board_import(document=document, actor_email="test").board

    # beleid.pdf, the removed oud.pdf and the issued supervisory-board report
    assert len(set(stored_files(settings)) - before) == 3
    files = Evidence.objects.filter(board=board, kind="file", sha256=export_world.file.sha256)
    assert files.count() == 2  # the approved version's and the reopened draft's copy
    assert len({item.file.name for item in files}) == 1
    with files[0].file.open("rb") as handle:
        assert handle.read() == PDF


def test_an_issued_report_comes_back_byte_for_byte_with_its_meeting(export_world):
    source = IssuedReport.objects.get(board=export_world.board)
    document = as_new_board(board_document(board=export_world.board))

    board = board_import(document=document, actor_email="test").board

    restored = IssuedReport.objects.select_related("plan_version", "assessment").get(board=board)
    assert (restored.meeting_date, restored.meeting_name, restored.sha256, restored.issued_at) == (
        source.meeting_date,
        source.meeting_name,
        source.sha256,
        source.issued_at,
    )
    assert restored.plan_version is not None
    assert source.plan_version is not None
    assert restored.plan_version.number == source.plan_version.number
    assert restored.assessment.board == board
    with restored.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == source.sha256


def test_an_issued_report_without_its_file_is_refused(export_world):
    document = as_new_board(board_document(board=export_world.board))
    digest = document["issued_reports"][0]["sha256"]
    document["files"] = [item for item in document["files"] if item["sha256"] != digest]

    error = str(refusal(document))

    assert "issued_reports[0].sha256: no file with this SHA-256 under files" in error, error
    assert not IssuedReport.objects.exclude(board=export_world.board).exists()


def test_the_boards_chain_is_exactly_the_replayed_trail_and_verifies(export_world):
    document = as_new_board(board_document(board=export_world.board))
    board = board_import(document=document, actor_email="importer").board

    source = AuditEvent.objects.filter(chain=board_chain(export_world.board.pk))
    replayed = AuditEvent.objects.filter(chain=board_chain(board.pk))
    assert replayed.count() == source.count() == len(document["audit_trail"]["events"])
    assert board_document(board=board)["audit_trail"] == document["audit_trail"]
    assert list(audit_verify()) == []


# --- refusals: nothing is written ----------------------------------------------------------


def test_it_refuses_a_board_that_exists(export_world, settings):
    document = board_document(board=export_world.board)
    before, files = counts(), stored_files(settings)
    error = refusal(document)
    assert "board.json: board.bg_number: a board with bevoegd-gezagnummer 41001 already" in str(
        error
    )
    assert "schools[0].brin: BRIN 12AB already belongs" in str(error)
    assert (counts(), stored_files(settings)) == (before, files)


def test_it_refuses_an_unknown_schema_version(export_world):
    document = as_new_board(board_document(board=export_world.board))
    document["schema_version"] = 6
    before = counts()
    error = refusal(document)
    assert error.lines() == [
        (
            "board.json: schema_version: schema version 6 is not supported; this installation "
            "reads schema version 5"
        )
    ]
    assert counts() == before


def test_a_version_2_document_imports_with_no_services_recorded(export_world):
    document = as_new_board(board_document(board=export_world.board))
    document["schema_version"] = 2
    for section in ("services", "incidents", "submissions", "issued_reports"):
        del document[section]

    result = board_import(document=document, filename="board.json", actor_email="test")

    assert not ServiceUse.objects.filter(board=result.board).exists()
    assert not Incident.objects.filter(board=result.board).exists()
    assert SelfAssessment.objects.filter(board=result.board).exists()
    imported = AuditEvent.objects.filter(chain=PLATFORM_CHAIN).latest("sequence")
    assert imported.changes["imported_from"][1]["schema_version"] == 2


def test_a_version_3_document_imports_with_no_incidents_or_submissions(export_world):
    document = as_new_board(board_document(board=export_world.board))
    document["schema_version"] = 3
    del document["incidents"], document["submissions"], document["issued_reports"]
    for acceptance in document["plan"]["risk_acceptances"]:
        del acceptance["proposed_by"], acceptance["proposed_at"]  # version 3 had no proposals

    result = board_import(document=document, filename="board.json", actor_email="test")

    assert not Incident.objects.filter(board=result.board).exists()
    assert not Submission.objects.filter(board=result.board).exists()
    assert ServiceUse.objects.filter(board=result.board).count() == 2
    assert board_document(board=result.board)["schema_version"] == SCHEMA_VERSION == 5
    assert RiskAcceptance.objects.get(board=result.board).proposed_at is None
    assert not IssuedReport.objects.filter(board=result.board).exists()


def test_a_version_3_document_with_version_4_sections_is_refused(export_world):
    document = as_new_board(board_document(board=export_world.board))
    document["schema_version"] = 3
    before = counts()

    assert refusal(document).lines() == [
        (
            "board.json: schema_version: schema version 3 has no section 'incidents', "
            "'submissions', 'issued_reports', but this document has: it is not a version 3 "
            "export"
        )
    ]
    assert counts() == before


def test_a_version_4_document_imports_with_nothing_through_a_mapping(export_world):
    document = as_new_board(board_document(board=export_world.board))
    document["schema_version"] = 4
    del document["board"]["contributors_edit"]
    for evaluation in document["evaluations"]:
        del evaluation["mapping"], evaluation["sent_back_reason"]
        for score in evaluation["scores"]:
            del score["carried"]
    for submission in document["submissions"]:
        del submission["mapping"]

    result = board_import(document=document, filename="board.json", actor_email="test")

    assert not SelfAssessment.objects.filter(board=result.board, mapping__isnull=False).exists()
    assert not Submission.objects.filter(board=result.board, mapping__isnull=False).exists()
    assert board_document(board=result.board)["schema_version"] == 5
    assert result.board.contributors_edit == "all"


def test_the_sector_services_come_back_as_they_were(export_world):
    document = as_new_board(board_document(board=export_world.board))

    result = board_import(document=document, filename="board.json", actor_email="test")

    kept = {use.service: use for use in ServiceUse.objects.filter(board=result.board)}
    original = ServiceUse.objects.get(board=export_world.board, service="joint_procurement")
    assert sorted(kept) == ["joint_procurement", "school_cert"]
    stopped = kept["joint_procurement"]
    assert (stopped.status, stopped.started_on, stopped.ended_on, stopped.note) == (
        "stopped",
        datetime.date(2023, 1, 9),
        datetime.date(2025, 7, 1),
        HOSTILE,
    )
    assert (stopped.updated_at, stopped.revision) == (original.updated_at, original.revision)
    assert stopped.updated_by.email == original.updated_by.email


def test_it_refuses_a_service_recorded_twice(export_world):
    document = as_new_board(board_document(board=export_world.board))
    document["services"].append(copy.deepcopy(document["services"][0]))
    before = counts()

    assert refusal(document).lines() == [
        "board.json: services[2]: appears twice (service 'joint_procurement')"
    ]
    assert counts() == before


def test_it_refuses_schema_version_1_and_asks_for_a_new_export(export_world):
    document = as_new_board(board_document(board=export_world.board))
    document["schema_version"] = 1
    assert refusal(document).lines() == [
        (
            "board.json: schema_version: schema version 1 is not supported; this installation "
            "reads schema version 5; export the board again"
        )
    ]


def test_it_refuses_a_framework_that_is_not_installed(export_world):
    document = as_new_board(board_document(board=export_world.board))
    for section in (document["frameworks"], document["evaluations"]):
        for item in section:
            item["framework_version"] = "9.9"
    before = counts()
    error = refusal(document)
    assert error.lines()[0] == (
        "board.json: frameworks[0]: framework test-kader version 9.9 is not installed; "
        "import it first (manage.py import_framework FILE)"
    )
    assert counts() == before


def test_it_refuses_evidence_that_does_not_match_its_sha256(export_world, settings):
    document = as_new_board(board_document(board=export_world.board))
    document["files"][0]["content"] = "dGFtcGVyZWQ="  # "tampered"
    before, files = counts(), stored_files(settings)
    error = refusal(document)
    assert "board.json: files[0].content: does not match its SHA-256" in str(error)
    assert (counts(), stored_files(settings)) == (before, files)


def test_it_refuses_an_audit_trail_that_was_edited_and_writes_nothing(export_world, settings):
    document = as_new_board(board_document(board=export_world.board))
    document["audit_trail"]["events"][1]["actor_email"] = "someone@else.nl"
    before, files = counts(), stored_files(settings)
    assert refusal(document).lines() == [
        (
            "board.json: audit_trail.sha256: does not match the events: the audit trail was "
            "changed after it was exported"
        )
    ]
    assert (counts(), stored_files(settings)) == (before, files)


def test_it_refuses_a_trail_with_a_missing_event_even_with_a_matching_digest(export_world):
    document = as_new_board(board_document(board=export_world.board))
    trail = document["audit_trail"]
    del trail["events"][1]
    trail["sha256"] = trail_digest(trail["events"])
    assert refusal(document).lines() == [
        "board.json: audit_trail.events[1].sequence: expected #2: an event is missing"
    ]


def test_it_names_every_schema_problem_with_its_place(export_world):
    document = as_new_board(board_document(board=export_world.board))
    del document["board"]["name"]
    document["evaluations"][0]["scores"][0]["level"] = 7
    document["plan"]["measures"][0]["due_date"] = "2026-13-01"
    document["members"][0]["surprise"] = True
    before = counts()
    lines = refusal(document).lines()
    assert "board.json: board: missing field 'name'" in lines
    assert "board.json: evaluations[0].scores[0].level: 7 is greater than the maximum of 5" in lines
    assert "board.json: plan.measures[0].due_date: '2026-13-01' is not a valid date" in lines
    assert "board.json: members[0]: unknown field 'surprise'" in lines
    assert counts() == before


def test_it_refuses_references_to_people_and_measures_it_does_not_have(export_world):
    document = as_new_board(board_document(board=export_world.board))
    document["plan"]["measures"][0]["owner"] = "onbekend@x.nl"
    document["plan"]["versions"][0]["snapshot"]["measures"][0]["id"] = 99
    lines = refusal(document).lines()
    assert "board.json: plan.measures[0].owner: 'onbekend@x.nl' is not listed under people" in lines
    assert (
        "board.json: plan.versions[0].snapshot: refers to a measure that is not in the document"
        in lines
    )


def test_it_refuses_a_file_that_is_not_strict_json(tmp_path):
    path = tmp_path / "board.json"
    path.write_text('{"format": "ibp-kompas-board", "format": 1}', encoding="utf-8")
    with pytest.raises(CommandError, match="appears twice"):
        call_command("import_board", str(path))
    path.write_text('{"schema_version": NaN}', encoding="utf-8")
    with pytest.raises(CommandError, match="NaN is not a JSON number"):
        call_command("import_board", str(path))


# --- the commands --------------------------------------------------------------------------


def test_export_board_writes_the_file_and_records_the_export(export_world, tmp_path, capsys):
    path = tmp_path / "board.json"
    call_command("export_board", "41001", output=str(path))
    text = path.read_text(encoding="utf-8")
    assert json.loads(text)["board"]["bg_number"] == "41001"
    event = AuditEvent.objects.filter(chain=board_chain(export_world.board.pk)).latest("sequence")
    assert event.action == AuditAction.EXPORT
    assert event.actor_email == "manage.py export_board"
    assert len(event.changes["sha256"][1]) == 64


def test_export_board_refuses_when_an_evidence_file_is_missing(export_world):
    export_world.file.file.storage.delete(export_world.file.file.name)
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("export_board", "41001", output="-")


def test_export_board_names_an_unknown_board(db):
    with pytest.raises(CommandError, match="no board with bevoegd-gezagnummer '40000'"):
        call_command("export_board", "40000")


def test_import_board_restores_and_reports(export_world, tmp_path, capsys):
    path = tmp_path / "board.json"
    document = as_new_board(board_document(board=export_world.board))
    path.write_text(text_of(document), encoding="utf-8")
    call_command("import_board", str(path))
    out = capsys.readouterr().out
    assert "Imported Stichting" in out
    assert "Recreated monitoring rounds" not in out  # the round is in this installation
    assert Board.objects.filter(bg_number="42999").exists()


def test_import_board_names_the_rounds_it_recreated(export_world, tmp_path, capsys):
    path = tmp_path / "board.json"
    document = as_new_board(board_document(board=export_world.board))
    document["submissions"][0]["round"]["name"] = "Meetronde elders"
    path.write_text(text_of(document), encoding="utf-8")

    call_command("import_board", str(path))

    captured = capsys.readouterr()
    assert (
        "Recreated monitoring rounds, closed, to hold the board's submissions: "
        "Meetronde elders (period 2026, test-kader 1.0)"
    ) in captured.out
    assert "Meetronde elders" in captured.err  # and as a warning


def test_import_board_lists_the_problems_and_writes_nothing(export_world, tmp_path):
    path = tmp_path / "board.json"
    path.write_text(text_of(board_document(board=export_world.board)), encoding="utf-8")
    before = counts()
    with pytest.raises(CommandError) as caught:
        call_command("import_board", str(path))
    assert str(caught.value).startswith("The board was not imported; nothing was written:\n")
    assert f"{path}: board.bg_number: a board with" in str(caught.value)
    assert counts() == before


def test_the_schema_knows_every_choice_the_models_have():
    from kompas.assessments.models import AssessmentStatus as Statuses
    from kompas.boards.models import Province, Sector
    from kompas.exports.board_check import SCHEMA_PATH
    from kompas.plans.models import MeasureStatus, Priority, ReminderKind

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    definitions = schema["$defs"]
    assert definitions["role"]["enum"] == BoardRole.values
    assert definitions["measure_status"]["enum"] == MeasureStatus.values
    assert schema["properties"]["sectors"]["items"]["enum"] == Sector.values
    assert schema["properties"]["board"]["properties"]["region"]["enum"] == ["", *Province.values]
    assert schema["$defs"]["measure"]["properties"]["priority"]["enum"] == Priority.values
    reminder = definitions["measure"]["properties"]["reminders"]["items"]
    assert reminder["properties"]["kind"]["enum"] == ReminderKind.values
    evaluation = schema["properties"]["evaluations"]["items"]
    assert evaluation["properties"]["status"]["enum"] == Statuses.values
    report = schema["properties"]["annual_reports"]["items"]
    assert report["properties"]["status"]["enum"] == AnnualReportStatus.values
    service = schema["properties"]["services"]["items"]["properties"]
    assert service["service"]["enum"] == SectorService.values
    assert service["status"]["enum"] == UptakeStatus.values

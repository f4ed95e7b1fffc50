import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from kompas.audit.models import AuditAction, AuditEvent
from kompas.audit.services import audit_record, audit_verify
from kompas.boards.models import Board
from kompas.testing.people import UserFactory


@pytest.fixture
def trail(db):
    actor = UserFactory.create(email="coordinator@a.example.nl")
    board = Board.objects.create(name="Stichting A", bg_number="41001")
    events = [
        audit_record(
            action=AuditAction.UPDATE,
            actor=actor,
            board_id=board.pk,
            object_type="assessments.score",
            object_id=str(n),
            changes={"level": [n, n + 1]},
        )
        for n in range(1, 6)
    ]
    return board, events


def tamper(sql, params):
    # The trail refuses changes through the ORM; an attacker with database access would not ask.
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_events_are_numbered_and_chained_per_board(trail):
    board, events = trail

    assert [event.sequence for event in events] == [1, 2, 3, 4, 5]
    assert events[0].prev_hash == ""
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(events))
    assert {event.chain for event in events} == {f"board:{board.pk}"}
    assert list(audit_verify()) == []


def test_verify_audit_passes_an_intact_trail(trail, capsys):
    call_command("verify_audit")

    assert "intact" in capsys.readouterr().out


def test_verify_audit_names_an_event_that_was_changed(trail):
    _board, events = trail
    tamper(
        "UPDATE audit_auditevent SET object_id = %s WHERE id = %s",
        ["99", events[2].pk],
    )

    with pytest.raises(CommandError) as failure:
        call_command("verify_audit")

    assert f"#3 (id {events[2].pk})" in str(failure.value)
    assert "changed" in str(failure.value)


def test_verify_audit_notices_a_deleted_event(trail):
    _board, events = trail
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])

    with pytest.raises(CommandError) as failure:
        call_command("verify_audit")

    assert "#2" in str(failure.value)
    assert "missing" in str(failure.value)


def test_verify_audit_notices_that_the_newest_event_was_deleted(trail):
    _board, events = trail
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])

    with pytest.raises(CommandError, match="#5"):
        call_command("verify_audit")


def test_verify_audit_notices_a_rewritten_actor(trail):
    _board, events = trail
    tamper(
        "UPDATE audit_auditevent SET actor_email = %s WHERE id = %s",
        ["iemand-anders@example.nl", events[0].pk],
    )

    with pytest.raises(CommandError, match="#1"):
        call_command("verify_audit")


def test_events_cannot_be_changed_or_deleted_through_the_orm(trail):
    _board, events = trail
    event = events[0]

    event.action = AuditAction.DELETE
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(action="delete")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == 5


def test_sign_ins_and_failed_sign_ins_go_to_the_platform_chain(client, db):
    UserFactory.create(email="fg@school.example.nl", password="een-lang-wachtwoord")

    client.post("/accounts/login/", {"login": "fg@school.example.nl", "password": "fout"})
    client.post(
        "/accounts/login/", {"login": "fg@school.example.nl", "password": "een-lang-wachtwoord"}
    )

    actions = list(AuditEvent.objects.filter(chain="platform").values_list("action", "actor_email"))
    assert (AuditAction.LOGIN_FAILED, "fg@school.example.nl") in actions
    assert (AuditAction.LOGIN, "fg@school.example.nl") in actions
    assert list(audit_verify()) == []

import datetime
import logging
import signal
import smtplib
from io import StringIO

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import CommandError, call_command
from django.db.models.signals import post_init
from django.urls import reverse
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from kompas.boards.models import Board, Membership
from kompas.boards.roles import BoardRole
from kompas.plans.models import Measure, MeasureStatus, ReminderKind, ReminderSent
from kompas.plans.reminders import send_reminders
from kompas.plans.tasks import send_plan_reminders
from kompas.testing.people import UserFactory

TODAY = datetime.date(2027, 3, 1)


def days(n):
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture(autouse=True)
def _reminder_settings(settings):
    settings.PLAN_REMINDER_DAYS_BEFORE = 14
    settings.SITE_URL = "https://kompas.example.nl"


@pytest.fixture
def board(db):
    return Board.objects.create(name="Stichting Voorbeeld", bg_number="41234")


@pytest.fixture
def owner(board):
    user = UserFactory.create(email="eigenaar@voorbeeld.nl", full_name="Sanne de Vries")
    Membership.objects.create(user=user, board=board, role=BoardRole.CONTRIBUTOR)
    return user


def measure(board, owner, *, due, status=MeasureStatus.PLANNED, title="Back-ups testen"):
    return Measure.objects.create(
        board=board, owner=owner, title=title, due_date=due, status=status
    )


def test_a_measure_due_soon_reminds_its_owner_once(board, owner, mailoutbox):
    measure(board, owner, due=days(10))

    assert send_reminders(today=TODAY) == 1
    assert send_reminders(today=TODAY) == 0
    assert send_reminders(today=days(1)) == 0

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["eigenaar@voorbeeld.nl"]
    sent = ReminderSent.objects.get()
    assert (sent.kind, sent.due_date, sent.recipient) == (
        ReminderKind.DUE_SOON,
        days(10),
        "eigenaar@voorbeeld.nl",
    )


def test_an_overdue_measure_reminds_its_owner_once(board, owner, mailoutbox):
    measure(board, owner, due=days(-3), status=MeasureStatus.IN_PROGRESS)

    assert send_reminders(today=TODAY) == 1
    assert send_reminders(today=TODAY) == 0
    assert send_reminders(today=days(7)) == 0

    assert len(mailoutbox) == 1
    assert ReminderSent.objects.get().kind == ReminderKind.OVERDUE


def test_a_measure_gets_the_due_soon_and_later_the_overdue_reminder(board, owner, mailoutbox):
    measure(board, owner, due=days(5))

    send_reminders(today=TODAY)
    send_reminders(today=days(5))  # the due date itself: still "due soon", already sent
    send_reminders(today=days(6))

    assert len(mailoutbox) == 2
    assert sorted(ReminderSent.objects.values_list("kind", flat=True)) == [
        ReminderKind.DUE_SOON,
        ReminderKind.OVERDUE,
    ]


def test_the_reminder_window_is_the_configured_number_of_days(board, owner, settings, mailoutbox):
    measure(board, owner, due=days(14), title="Net op tijd")
    measure(board, owner, due=days(15), title="Nog niet")

    assert send_reminders(today=TODAY) == 1
    assert "Net op tijd" in mailoutbox[0].subject

    settings.PLAN_REMINDER_DAYS_BEFORE = 30
    assert send_reminders(today=TODAY) == 1
    assert "Nog niet" in mailoutbox[1].subject


def test_moving_the_due_date_re_arms_the_reminders(board, owner, mailoutbox):
    item = measure(board, owner, due=days(-1))
    send_reminders(today=TODAY)

    item.due_date = days(7)
    item.save(update_fields=["due_date"])
    send_reminders(today=TODAY)
    item.due_date = days(-2)
    item.save(update_fields=["due_date"])
    send_reminders(today=TODAY)

    assert len(mailoutbox) == 3
    assert ReminderSent.objects.count() == 3


@pytest.mark.parametrize("status", [MeasureStatus.DONE, MeasureStatus.DROPPED])
def test_finished_measures_get_no_reminder(board, owner, status, mailoutbox):
    measure(board, owner, due=days(-3), status=status)
    measure(board, owner, due=days(3), status=status)

    assert send_reminders(today=TODAY) == 0
    assert mailoutbox == []


def test_a_measure_without_owner_gets_no_reminder(board, mailoutbox):
    measure(board, None, due=days(-3))

    assert send_reminders(today=TODAY) == 0
    assert mailoutbox == []


@pytest.mark.parametrize(
    "change",
    [
        {"is_active": False},
        {"ends_on": datetime.date(2027, 2, 28)},
    ],
    ids=["deactivated", "ended"],
)
def test_an_owner_who_left_the_board_gets_no_reminder(board, owner, change, mailoutbox):
    Membership.objects.filter(user=owner, board=board).update(**change)
    measure(board, owner, due=days(-3))

    assert send_reminders(today=TODAY) == 0
    assert mailoutbox == []


def test_an_owner_whose_membership_ends_later_is_still_reminded(board, owner, mailoutbox):
    Membership.objects.filter(user=owner, board=board).update(ends_on=TODAY)
    measure(board, owner, due=days(-3))

    assert send_reminders(today=TODAY) == 1


def test_an_owner_only_on_another_board_gets_no_reminder(board, mailoutbox):
    other = Board.objects.create(name="Ander Bestuur", bg_number="49999")
    outsider = UserFactory.create()
    Membership.objects.create(user=outsider, board=other, role=BoardRole.COORDINATOR)
    measure(board, outsider, due=days(-3))

    assert send_reminders(today=TODAY) == 0


def test_a_deactivated_account_gets_no_reminder(board, owner, mailoutbox):
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    measure(board, owner, due=days(-3))

    assert send_reminders(today=TODAY) == 0


def test_a_failed_send_is_not_recorded_and_the_next_run_sends_it(
    board, owner, monkeypatch, mailoutbox
):
    measure(board, owner, due=days(-3))

    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("mail server went away")

    with monkeypatch.context() as patched:
        patched.setattr(EmailBackend, "send_messages", refuse)
        assert send_reminders(today=TODAY) == 0
    assert not ReminderSent.objects.exists()

    assert send_reminders(today=TODAY) == 1
    assert len(mailoutbox) == 1
    assert ReminderSent.objects.count() == 1


def test_a_failed_send_does_not_stop_the_other_reminders(board, owner, monkeypatch, mailoutbox):
    measure(board, owner, due=days(-3), title="Eerste")
    measure(board, owner, due=days(-2), title="Tweede")
    send_messages = EmailBackend.send_messages

    def refuse_the_first(self, messages):
        if "Eerste" in messages[0].subject:
            raise smtplib.SMTPRecipientsRefused({})
        return send_messages(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", refuse_the_first)

    assert send_reminders(today=TODAY) == 1
    assert ReminderSent.objects.get().measure.title == "Tweede"


def test_a_reminder_another_worker_just_sent_is_skipped(board, owner, mailoutbox):
    item = measure(board, owner, due=days(-3))

    def other_worker_wins(sender, instance, **kwargs):
        # Fires as this run loads the measures, after it read which reminders were sent: the
        # other worker records the same reminder in that window.
        if not ReminderSent.objects.exists():
            ReminderSent.objects.create(
                measure=item, kind=ReminderKind.OVERDUE, due_date=item.due_date, recipient="x@y.nl"
            )

    post_init.connect(other_worker_wins, sender=Measure)
    try:
        assert send_reminders(today=TODAY) == 0
    finally:
        post_init.disconnect(other_worker_wins, sender=Measure)

    assert mailoutbox == []
    assert ReminderSent.objects.get().recipient == "x@y.nl"


def test_the_e_mail_names_the_measure_board_due_date_status_and_link(board, owner, mailoutbox):
    item = measure(board, owner, due=days(14), title="MFA voor alle beheerders")

    send_reminders(today=TODAY)

    email = mailoutbox[0]
    assert "MFA voor alle beheerders" in email.subject
    assert "Stichting Voorbeeld" in email.subject
    assert "15 maart 2027" in email.subject  # Dutch, whatever language was active
    assert "\n" not in email.subject
    assert "MFA voor alle beheerders" in email.body
    assert "Stichting Voorbeeld" in email.body
    assert "15 maart 2027" in email.body
    assert "Sanne" in email.body
    with translation.override("nl"):
        assert str(MeasureStatus.PLANNED.label) in email.body
    link = "https://kompas.example.nl" + reverse("plans:measure", args=[board.pk, item.pk])
    assert link in email.body


def test_the_overdue_e_mail_reads_differently_from_the_due_soon_one(board, owner, mailoutbox):
    measure(board, owner, due=days(-1))
    measure(board, owner, due=days(1))

    send_reminders(today=TODAY)

    overdue, due_soon = mailoutbox
    assert "28 februari 2027" in overdue.subject
    assert "2 maart 2027" in due_soon.subject
    title = "Back-ups testen"
    assert overdue.subject.split(title)[0] != due_soon.subject.split(title)[0]


def test_a_title_with_line_breaks_or_markup_stays_one_plain_subject_line(board, owner, mailoutbox):
    measure(board, owner, due=days(-1), title='Back-ups\r\nBcc: x@evil.nl <b>&"nu"</b>')

    send_reminders(today=TODAY)

    email = mailoutbox[0]
    assert "\n" not in email.subject
    assert "\r" not in email.subject
    assert '<b>&"nu"</b>' in email.subject
    assert '<b>&"nu"</b>' in email.body
    assert email.bcc == []


def test_the_queries_do_not_grow_with_the_number_of_measures(
    board, owner, mailoutbox, django_assert_num_queries
):
    for n in range(5):
        measure(board, owner, due=days(n - 2), title=f"Maatregel {n}")
    send_reminders(today=TODAY)

    with django_assert_num_queries(2):  # the measures and the reminders already sent
        assert send_reminders(today=TODAY) == 0


def test_the_command_sends_the_reminders_of_the_given_date(board, owner, mailoutbox):
    measure(board, owner, due=datetime.date(2030, 6, 1))

    call_command("send_plan_reminders", "--date", "2030-05-20", stdout=(out := StringIO()))
    call_command("send_plan_reminders", "--date", "2030-05-20", stdout=(again := StringIO()))

    assert "1 reminder(s) sent" in out.getvalue()
    assert "0 reminder(s) sent" in again.getvalue()
    assert len(mailoutbox) == 1


@pytest.mark.parametrize("value", ["2030-13-01", "20-05-2030", "morgen"])
def test_the_command_refuses_a_bad_date(db, value):
    with pytest.raises(CommandError, match=r"YYYY-MM-DD"):
        call_command("send_plan_reminders", "--date", value)


def test_the_task_sends_the_reminders(board, owner, mailoutbox):
    measure(board, owner, due=days(-1))

    assert send_plan_reminders.call(TODAY.isoformat()) == 1
    assert send_plan_reminders.call(TODAY.isoformat()) == 0


# The worker closes database connections between tasks, as a long-running process should; that
# only works outside the test's wrapping transaction.
@pytest.mark.django_db(transaction=True)
def test_the_command_can_hand_the_job_to_the_background_worker(board, owner, mailoutbox):
    measure(board, owner, due=days(-1))

    call_command("send_plan_reminders", "--enqueue", "--date", TODAY.isoformat(), stdout=StringIO())
    assert mailoutbox == []
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "kompas.plans.tasks.send_plan_reminders"

    run_the_worker_once()

    assert len(mailoutbox) == 1
    queued.refresh_from_db()
    assert queued.return_value == 1


def run_the_worker_once():
    """Run django-tasks-db's worker until the queue is empty, leaving pytest's process as it was.

    The worker installs its own signal handlers and log levels for a process of its own.
    """
    signals = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    loggers = [logging.getLogger(name) for name in ("django.tasks", "django_tasks_db")]
    levels = [(log, log.level, list(log.handlers)) for log in loggers]
    try:
        call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)
    finally:
        for number, handler in signals.items():
            signal.signal(number, handler)
        for log, level, handlers in levels:
            log.setLevel(level)
            log.handlers[:] = handlers

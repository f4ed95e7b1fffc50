"""The Inspectorate's view: signals for every board, details by policy and consent, all audited."""

import datetime
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone, translation

from config import settings as settings_module
from kompas.assessments.models import NormScore, SelfAssessment
from kompas.assessments.services import assessment_approve, assessment_start, assessment_submit
from kompas.audit.models import PLATFORM_CHAIN, AuditAction, AuditEvent, board_chain
from kompas.audit.services import audit_verify
from kompas.boards.access import access_board
from kompas.boards.models import Board, Group, Membership, SectorAssignment
from kompas.boards.roles import Action, BoardRole, SectorRole
from kompas.monitoring.inspectorate import (
    SharingPolicy,
    Signal,
    board_details,
    inspectorate_boards,
    signals_of,
)
from kompas.monitoring.models import Consent, MonitoringRound, Submission, SubmittedDomain
from kompas.monitoring.services import consent_withdraw, round_open, submission_create
from kompas.plans.models import PlanVersion
from kompas.plans.services import MeasureData, measure_create, plan_approve
from kompas.testing import clock
from kompas.testing.frameworks import framework_doc, import_document
from kompas.testing.people import UserFactory
from kompas.testing.world import board_with_people

pytestmark = [pytest.mark.django_db, clock.pinned]

BASE_DIR = Path(__file__).resolve().parents[3]
NORMS = ("GO.01", "GO.02", "BC.03", "BV.01")
TODAY = clock.TODAY


class Inspection:
    """A framework, an analyst and an inspector, rounds a year apart, and boards."""

    def __init__(self):
        self.version = import_document(framework_doc())
        self.analyst = self.sector_person("analist@dvo.example.nl", SectorRole.PROGRAMME_ANALYST)
        self.inspector = self.sector_person("inspecteur@owinsp.example.nl", SectorRole.INSPECTOR)
        self.rounds = []
        self.count = 0

    @staticmethod
    def sector_person(email, role):
        user = UserFactory.create(email=email)
        SectorAssignment.objects.create(user=user, role=role)
        return user

    def board(self, name=None):
        self.count += 1
        board, _people = board_with_people(
            name=name or f"Bestuur {self.count:03d}",
            bg_number=f"{60000 + self.count}",
            roles=(BoardRole.EXECUTIVE, BoardRole.COORDINATOR),
            sectors=("PO",),
        )
        return board

    @staticmethod
    def access(board, role=BoardRole.EXECUTIVE):
        user = Membership.objects.get(board=board, role=role).user
        return access_board(user=user, board_id=board.pk, action=Action.VIEW)

    def evaluate(self, board, levels=(3, 3, 3, 3), *, approve=True):
        """A self-evaluation through the services: started, scored, submitted and approved."""
        coordinator = self.access(board, BoardRole.COORDINATOR)
        assessment = assessment_start(
            access=coordinator,
            actor=coordinator.membership.user,
            framework_version=self.version,
            period="2026",
        )
        for code, level in zip(NORMS, levels, strict=True):
            NormScore.objects.filter(assessment=assessment, norm__code=code).update(level=level)
        assessment_submit(
            access=coordinator, actor=coordinator.membership.user, assessment=assessment
        )
        if approve:
            executive = self.access(board)
            assessment_approve(
                access=executive, actor=executive.membership.user, assessment=assessment
            )
        assessment.refresh_from_db()
        return assessment

    def plan(self, board):
        """The plan approved by the executive, a measure covering every norm below target."""
        coordinator = self.access(board, BoardRole.COORDINATOR)
        below = NormScore.objects.filter(
            assessment=SelfAssessment.objects.filter(board=board).first(), level__lt=3
        ).select_related("norm")
        for score in below:
            measure_create(
                access=coordinator,
                actor=coordinator.membership.user,
                data=MeasureData(
                    title=f"{score.norm.code} op orde",
                    description="",
                    owner_id=coordinator.membership.user.pk,
                    start_date=None,
                    due_date=datetime.date(2028, 6, 30),
                    status="planned",
                    effort_days=Decimal("4.0"),
                    cost_euros=Decimal("1200.00"),
                    priority="high",
                ),
                links={score.norm_id: 3},
            )
        executive = self.access(board)
        return plan_approve(access=executive, actor=executive.membership.user)

    def round(self):
        """A round, opened a year after the one before it.

        Every round asks for the 2026 evaluations the boards make, so one can be submitted to
        each of them.
        """
        round_ = round_open(
            actor=self.analyst,
            name=f"Meetronde {2022 + len(self.rounds)}",
            framework_version=self.version,
            period="2026",
            sectors=["PO"],
        )
        opened = timezone.now() - datetime.timedelta(days=365 * (5 - len(self.rounds)))
        MonitoringRound.objects.filter(pk=round_.pk).update(opened_at=opened)
        self.rounds.append(round_)
        return round_

    def submit(self, board, round_=None, *, share=False, **snapshot):
        """A submission written with exactly the snapshot a test needs (the signals read it)."""
        assessment = SelfAssessment.objects.filter(board=board).first() or self.evaluate(
            board, approve=False
        )
        values = {
            "has_approved_plan": True,
            "open_gaps": 0,
            "overdue_measures": 0,
            "projection": "on_track",
            "mean_level": Decimal("2.50"),
            "norms_at_target": 1,
        } | snapshot
        submission = Submission.objects.create(
            round=round_ or self.rounds[-1],
            board=board,
            assessment=assessment,
            submitted_by=self.analyst,
            sectors=["PO"],
            size_class="small",
            signature="all=|sector=PO|size=small",
            **values,
        )
        if share:
            Consent.objects.create(
                submission=submission, audience="inspectorate", granted_by=self.analyst
            )
        return submission


@pytest.fixture
def inspection():
    return Inspection()


def signals(board, today=TODAY):
    return signals_of(inspectorate_boards().get(pk=board.pk), today=today)


def raised(board, today=TODAY):
    return {each.signal for each in signals(board, today).raised}


def sign_in(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"


def main(response):
    """The page's own content, without the header's forms (and their random CSRF tokens)."""
    return response.text.split("<main")[1].split("</main>")[0]


def list_url(**query):
    url = reverse("monitoring:inspectorate")
    return url + "?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else url


def board_url(board):
    return reverse("monitoring:inspectorate_board", args=[board.pk])


# --- The signals -------------------------------------------------------------------------------


def test_a_missing_evaluation_is_due_until_the_deadline_and_missed_after_it(inspection, settings):
    settings.MONITORING_EVALUATION_DEADLINE = datetime.date(2027, 12, 31)
    board = inspection.board()

    before = signals(board, today=datetime.date(2027, 12, 31)).raised
    after = signals(board, today=datetime.date(2028, 1, 1)).raised

    assert [(r.signal, r.pending) for r in before[:1]] == [(Signal.NO_EVALUATION, True)]
    assert [(r.signal, r.pending) for r in after[:1]] == [(Signal.NO_EVALUATION, False)]
    with translation.override("en"):
        assert before[0].text == "No approved self-evaluation yet: due by 31 December 2027"
        assert after[0].text == (
            "No approved self-evaluation: the deadline of 31 December 2027 was missed"
        )


def test_an_evaluation_approved_in_time_raises_no_signal(inspection):
    board = inspection.board()
    inspection.evaluate(board)

    assert Signal.NO_EVALUATION not in raised(board)


def test_an_evaluation_approved_after_the_deadline_does_not_make_up_for_it(inspection, settings):
    board = inspection.board()
    inspection.evaluate(board)
    settings.MONITORING_EVALUATION_DEADLINE = timezone.localdate() - datetime.timedelta(days=1)

    assert Signal.NO_EVALUATION in raised(board, today=timezone.localdate())


def test_an_evaluation_that_is_only_submitted_is_not_approved(inspection):
    board = inspection.board()
    inspection.evaluate(board, approve=False)

    assert Signal.NO_EVALUATION in raised(board)


def test_the_plan_signal_follows_approved_plan_versions_and_its_own_deadline(inspection, settings):
    board = inspection.board()
    inspection.evaluate(board, levels=(1, 3, 3, 3))
    assert Signal.NO_PLAN in raised(board)

    inspection.plan(board)
    assert Signal.NO_PLAN not in raised(board)

    settings.MONITORING_PLAN_DEADLINE = timezone.localdate() - datetime.timedelta(days=1)
    late = [r for r in signals(board, today=timezone.localdate()).raised if r.signal == "no_plan"]
    assert [(r.pending, r.deadline) for r in late] == [(False, settings.MONITORING_PLAN_DEADLINE)]


@pytest.mark.parametrize(
    ("snapshot", "signal"),
    [
        ({"open_gaps": 2}, Signal.UNCOVERED_GAPS),
        ({"projection": "off_track"}, Signal.OFF_TRACK),
        ({"overdue_measures": 1}, Signal.OVERDUE_MEASURES),
    ],
)
def test_a_signal_of_the_latest_submission_fires_and_an_earlier_one_does_not_count(
    inspection, snapshot, signal
):
    earlier, latest = inspection.round(), inspection.round()
    firing, cleared, calm = inspection.board(), inspection.board(), inspection.board()
    inspection.submit(firing, latest, **snapshot)
    inspection.submit(cleared, earlier, **snapshot)
    inspection.submit(cleared, latest, norms_at_target=2)
    inspection.submit(calm, latest, projection="at_risk")

    assert signal in raised(firing)
    assert signal not in raised(cleared)
    assert signal not in raised(calm)


@pytest.mark.parametrize(
    ("before", "after", "stalled"),
    [
        (("2.50", 1), ("2.50", 1), True),
        (("2.50", 2), ("2.40", 1), True),
        (("2.50", 1), ("2.60", 1), False),
        (("2.50", 1), ("2.50", 2), False),
        (("2.60", 1), ("2.40", 2), False),
        ((None, 0), ("1.50", 0), False),
        ((None, 0), (None, 0), True),
        (("2.00", 1), (None, 1), True),
    ],
)
def test_no_progress_means_neither_the_mean_nor_the_norms_at_target_rose(
    inspection, before, after, stalled
):
    board = inspection.board()
    for round_, (mean, at_target) in zip(
        (inspection.round(), inspection.round()), (before, after), strict=True
    ):
        inspection.submit(
            board,
            round_,
            mean_level=None if mean is None else Decimal(mean),
            norms_at_target=at_target,
        )

    assert (Signal.NO_PROGRESS in raised(board)) is stalled


def test_progress_is_judged_by_when_rounds_were_opened_not_by_when_boards_submitted(inspection):
    older, newer = inspection.round(), inspection.round()
    board = inspection.board()
    # Submitted to the newer round first: the order of submitting does not matter.
    inspection.submit(board, newer, mean_level=Decimal("2.00"), open_gaps=0)
    inspection.submit(board, older, mean_level=Decimal("3.00"), open_gaps=4)

    assert raised(board) >= {Signal.NO_PROGRESS}
    assert Signal.UNCOVERED_GAPS not in raised(board)


def test_one_submission_is_no_standstill_and_no_submission_raises_only_the_deadlines(inspection):
    inspection.round()
    once, never = inspection.board(), inspection.board()
    inspection.submit(once)

    assert Signal.NO_PROGRESS not in raised(once)
    assert raised(never) == {Signal.NO_EVALUATION, Signal.NO_PLAN}
    assert not signals(never).submitted


def test_every_active_board_is_listed_most_signals_first_then_by_name(inspection):
    inspection.round()
    calm = inspection.board("Calm")
    inspection.evaluate(calm)
    inspection.plan(calm)
    inspection.submit(calm)
    worried = inspection.board("Worried")
    inspection.submit(worried, open_gaps=3, projection="off_track", overdue_measures=2)
    alpha, beta = inspection.board("Beta"), inspection.board("Alpha")
    gone = inspection.board("Gone")
    Board.objects.filter(pk=gone.pk).update(is_active=False)

    listed = [signals_of(board, today=TODAY) for board in inspectorate_boards()]

    assert [(row.board.name, row.count) for row in listed] == [
        ("Worried", 5),
        ("Alpha", 2),
        ("Beta", 2),
        ("Calm", 0),
    ]
    assert [vars(board)["signal_count"] for board in inspectorate_boards()] == [5, 2, 2, 0]
    assert {alpha, beta} <= {row.board for row in listed}


def test_the_filter_keeps_only_boards_that_raise_that_signal(inspection):
    inspection.round()
    late = inspection.board("Te laat")
    inspection.submit(late, overdue_measures=1)
    on_time = inspection.board("Op tijd")
    inspection.submit(on_time)

    names = [board.name for board in inspectorate_boards(signal=Signal.OVERDUE_MEASURES)]

    assert names == ["Te laat"]


@pytest.mark.parametrize("boards", [3, 30])
def test_the_signals_of_a_page_take_one_query_however_many_boards(
    inspection, boards, django_assert_num_queries
):
    older, newer = inspection.round(), inspection.round()
    for index in range(boards):
        board = inspection.board()
        inspection.submit(board, older, share=index % 2 == 0)
        inspection.submit(board, newer, open_gaps=index % 3, share=index % 3 == 0)
        PlanVersion.objects.create(
            board=board,
            number=1,
            deadline=datetime.date(2030, 12, 31),
            approved_by=inspection.analyst,
            snapshot={"measures": []},
        )

    with django_assert_num_queries(1):
        rows = [signals_of(board, today=TODAY) for board in inspectorate_boards()[:50]]

    assert len(rows) == boards


# --- Details: policy and consent ---------------------------------------------------------------


def shared_board(inspection, consent):
    """A board with an approved plan that submitted through the service, sharing as `consent`."""
    board = inspection.board("Gedeeld")
    inspection.evaluate(board, levels=(1, 3, 4, 2))
    inspection.plan(board)
    executive = inspection.access(board)
    submission = submission_create(
        access=executive,
        actor=executive.membership.user,
        round_=inspection.round(),
        assessment=SelfAssessment.objects.get(board=board),
        share_with={"inspectorate"} if consent != "no" else {"support"},
    )
    if consent == "withdrawn":
        consent_withdraw(
            access=executive,
            actor=executive.membership.user,
            consent=submission.consents.get(audience="inspectorate"),
        )
    return board


@pytest.mark.parametrize("policy", SharingPolicy.values)
@pytest.mark.parametrize("consent", ["yes", "no", "withdrawn"])
def test_details_follow_the_policy_and_the_board_s_consent(
    client, inspection, settings, policy, consent
):
    settings.INSPECTORATE_SHARING = policy
    board = shared_board(inspection, consent)
    sign_in(client, inspection.inspector)

    html = main(client.get(board_url(board)))
    details = board_details(board=board, policy=SharingPolicy(policy))

    plan = policy != "signals" and consent == "yes"
    levels = policy == "everything" and consent == "yes"
    assert ("Plan status in the latest submission" in html) is plan
    assert ("GO.01 op orde" in html) is plan
    assert ("Level per norm" in html) is levels
    assert (details.shows_plan, details.shows_levels) == (plan, levels)
    # What may not be shown is not even read.
    assert bool(details.measures) is plan
    assert bool(details.scores) is levels
    assert bool(details.domains) is levels
    with translation.override("en"):  # the page was asked for in English
        assert f"Sharing policy in force: {SharingPolicy(policy).label}" in html
    if policy == "signals":
        assert "lets the Inspectorate see signals only" in html
    elif consent != "yes":
        assert "has not chosen to share its latest submission with the Inspectorate" in html
    # A withdrawal is not told apart from never sharing: the board owes no explanation.
    assert "withdr" not in html.lower()


def test_everything_shows_the_levels_per_domain_and_norm_but_no_owner_or_cost(
    client, inspection, settings
):
    settings.INSPECTORATE_SHARING = "everything"
    board = shared_board(inspection, "yes")
    sign_in(client, inspection.inspector)

    html = main(client.get(board_url(board)))

    submission = Submission.objects.get(board=board)
    assert (submission.open_gaps, submission.has_approved_plan) == (0, True)
    for domain in SubmittedDomain.objects.filter(submission=submission):
        assert f"<code>{domain.code}</code>" in html
    assert "<code>GO.01</code> → 3" in html
    assert "High" in html
    assert "30 Jun 2028" in html
    assert "coordinator" not in html
    assert "1200" not in html


def test_consent_on_an_earlier_submission_does_not_open_the_latest(inspection):
    board = inspection.board()
    inspection.submit(board, inspection.round(), share=True)
    inspection.submit(board, inspection.round(), share=False)

    details = board_details(board=board, policy=SharingPolicy.EVERYTHING)

    assert not details.shows_plan
    assert not signals(board).shared


def test_a_board_that_never_submitted_has_nothing_to_share(client, inspection, settings):
    settings.INSPECTORATE_SHARING = "signals_and_plan"
    board = inspection.board()
    sign_in(client, inspection.inspector)

    html = client.get(board_url(board)).text

    assert "has not submitted to a monitoring round, so it has shared nothing" in html
    assert "No approved self-evaluation yet: due by 31 December 2027" in html


# --- The pages ---------------------------------------------------------------------------------


def test_the_list_shows_signals_as_words_and_never_the_numbers(client, inspection):
    inspection.round()
    board = inspection.board("Stichting Signaal")
    inspection.submit(board, open_gaps=47, overdue_measures=83, projection="off_track")
    sign_in(client, inspection.inspector)

    response = client.get(list_url())

    assert response.status_code == 200
    assert "Sharing policy in force: Signals only" in response.text
    table = response.text.split("<table")[1].split("</table>")[0]
    assert board_url(board) in table
    for text in ("Gaps not covered by the plan", "Off track for 2030", "Overdue measures"):
        assert text in table
    assert "47" not in table
    assert "83" not in table


def test_the_list_is_paginated_by_50_and_the_filter_stays_in_the_page_links(client, inspection):
    for _ in range(52):
        inspection.board()
    sign_in(client, inspection.inspector)

    first = client.get(list_url(signal="no_plan"))
    second = client.get(list_url(signal="no_plan", page=2))

    assert first.text.count('href="/monitoring/inspectorate/boards/') == 50
    assert second.text.count('href="/monitoring/inspectorate/boards/') == 2
    assert "52 boards with the signal" in first.text
    assert "?signal=no_plan&amp;page=2" in first.text


def test_an_unknown_signal_is_refused_with_a_clear_message_and_nothing_shown(client, inspection):
    inspection.board()
    sign_in(client, inspection.inspector)
    before = AuditEvent.objects.count()

    response = client.get(list_url(signal="<b>everything</b>"))

    assert response.status_code == 400
    assert "There is no signal &lt;b&gt;everything&lt;/b&gt;. Choose a signal from the list." in (
        response.text
    )
    assert board_url(Board.objects.get()) not in response.text
    assert AuditEvent.objects.count() == before


def test_an_unknown_board_is_404(client, inspection):
    sign_in(client, inspection.inspector)

    assert client.get(reverse("monitoring:inspectorate_board", args=[99999])).status_code == 404


def test_the_list_view_is_one_platform_audit_event_naming_the_page_and_filter(client, inspection):
    inspection.board()
    sign_in(client, inspection.inspector)
    before = AuditEvent.objects.count()

    client.get(list_url(signal="no_evaluation"))

    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("pk")
    assert (event.chain, event.action, event.actor_id) == (
        PLATFORM_CHAIN,
        AuditAction.VIEW,
        inspection.inspector.pk,
    )
    assert event.object_repr == "Inspectorate board signals, page 1 of 1, signal: no_evaluation"


def test_the_board_view_is_on_the_board_s_own_trail_which_its_executive_reads(
    client, inspection, settings
):
    settings.INSPECTORATE_SHARING = "signals_and_plan"
    board = shared_board(inspection, "yes")
    sign_in(client, inspection.inspector)
    before = AuditEvent.objects.count()

    client.get(board_url(board))

    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("pk")
    assert (event.chain, event.board_id, event.action) == (
        board_chain(board.pk),
        board.pk,
        AuditAction.VIEW,
    )
    assert event.object_repr == "Inspectorate viewed the board's signals and plan"
    assert list(audit_verify()) == []
    sign_in(client, Membership.objects.get(board=board, role=BoardRole.EXECUTIVE).user)
    trail = client.get(reverse("boards:audit", args=[board.pk])).text
    assert "inspecteur@owinsp.example.nl" in trail
    assert "Inspectorate viewed the board&#x27;s signals and plan" in trail


def regional_coordinator():
    user = UserFactory.create(email="regio@example.nl")
    group = Group.objects.create(name="Regio Utrecht")
    SectorAssignment.objects.create(user=user, role=SectorRole.REGIONAL_COORDINATOR, group=group)
    return user


def test_only_inspectors_get_in_and_nobody_can_post(client, inspection):
    board = inspection.board()
    others = [
        inspection.analyst,
        regional_coordinator(),
        inspection.sector_person("beheer@example.nl", SectorRole.PLATFORM_ADMIN),
        *(m.user for m in Membership.objects.filter(board=board)),
    ]
    for person in others:
        sign_in(client, person)
        assert client.get(list_url()).status_code == 403
        assert client.get(board_url(board)).status_code == 403

    sign_in(client, inspection.inspector)
    views = AuditEvent.objects.filter(action=AuditAction.VIEW).count()
    assert client.post(list_url()).status_code == 405
    assert client.post(board_url(board)).status_code == 405
    assert AuditEvent.objects.filter(action=AuditAction.VIEW).count() == views
    assert client.head(board_url(board)).status_code == 200


@pytest.mark.parametrize("boards", [3, 30])
def test_the_pages_take_the_same_queries_for_3_or_30_boards(
    client, inspection, boards, django_assert_num_queries, settings
):
    settings.INSPECTORATE_SHARING = "everything"
    older, newer = inspection.round(), inspection.round()
    for _ in range(boards):
        board = inspection.board()
        inspection.submit(board, older)
        inspection.submit(board, newer, share=True, open_gaps=1)
    sign_in(client, inspection.inspector)
    client.get(list_url())  # the session and the audit chain exist from here on
    client.get(board_url(board))

    # One more than the page's own: the header's count of unread notifications.
    with django_assert_num_queries(10):
        assert client.get(list_url(signal="uncovered_gaps")).status_code == 200
    with django_assert_num_queries(14):
        assert client.get(board_url(board)).status_code == 200


def test_an_inspector_lands_on_the_page_from_my_boards(client, inspection):
    sign_in(client, inspection.inspector)

    assert client.get(reverse("boards:mine"))["Location"] == list_url()


# --- Settings ----------------------------------------------------------------------------------


def test_the_sharing_levels_of_the_settings_are_the_policies():
    deadline = datetime.date(2027, 12, 31)

    assert tuple(SharingPolicy.values) == django_settings.INSPECTORATE_SHARING_LEVELS
    assert django_settings.INSPECTORATE_SHARING == "signals"
    assert (deadline, deadline) == (
        django_settings.MONITORING_EVALUATION_DEADLINE,
        django_settings.MONITORING_PLAN_DEADLINE,
    )


def test_a_policy_or_deadline_setting_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("INSPECTORATE_SHARING", "everything")
    monkeypatch.setenv("MONITORING_PLAN_DEADLINE", "2028-06-30")

    policy = settings_module.env_choice(
        "INSPECTORATE_SHARING", default="signals", choices=("signals", "everything")
    )
    deadline = settings_module.env_date(
        "MONITORING_PLAN_DEADLINE", default=datetime.date(2027, 12, 31)
    )

    assert (policy, deadline) == ("everything", datetime.date(2028, 6, 30))


def test_a_bad_deadline_is_refused_with_the_format_it_needs(monkeypatch):
    monkeypatch.setenv("MONITORING_EVALUATION_DEADLINE", "31-12-2027")

    with pytest.raises(
        ImproperlyConfigured, match="must be a date as YYYY-MM-DD, not '31-12-2027'"
    ):
        settings_module.env_date(
            "MONITORING_EVALUATION_DEADLINE", default=datetime.date(2027, 12, 31)
        )


def test_the_application_does_not_start_with_an_unknown_sharing_policy():
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env=env | {"DEBUG": "true", "INSPECTORATE_SHARING": "all"},
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode != 0
    assert (
        "INSPECTORATE_SHARING must be one of signals, signals_and_plan, everything; not 'all'."
        in result.stderr
    )

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kompas.audit.models import AuditAction, AuditEvent
from kompas.boards.models import Group, Membership, SectorAssignment
from kompas.boards.roles import BoardRole, SectorRole
from kompas.monitoring.aggregates import release_now
from kompas.monitoring.models import Consent, MonitoringRound, RoundFigure, Submission
from kompas.monitoring.services import round_open
from kompas.testing.frameworks import framework_doc, import_document, norm_doc
from kompas.testing.people import UserFactory
from kompas.testing.sector import Sector

pytestmark = pytest.mark.django_db

IMMEDIATE_TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def sector():
    return Sector()


def sign_in(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"


def rounds_url(participant):
    return reverse("monitoring:board_rounds", args=[participant.board.pk])


def submit_url(participant, round_):
    return reverse("monitoring:submit", args=[participant.board.pk, round_.pk])


def round_url(round_):
    return reverse("monitoring:round", args=[round_.pk])


def section(html, heading):
    """The <section> of the round page whose heading is `heading`."""
    for part in html.split("<section")[1:]:
        if re.search(rf">{re.escape(heading)}</h2>", part):
            return part.split("</section>")[0]
    raise AssertionError(f"no section {heading!r}")


def test_the_executive_submits_with_consents_and_nothing_is_published_until_a_release(
    client, sector, django_capture_on_commit_callbacks, settings
):
    settings.TASKS = IMMEDIATE_TASKS
    board = sector.board()
    sign_in(client, board.executive)
    page = client.get(rounds_url(board))
    assert page.status_code == 200
    assert submit_url(board, sector.round) in page.text
    assert "<legend>Share our results by name with</legend>" in page.text

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            submit_url(board, sector.round),
            {f"round-{sector.round.pk}-share_with": ["support", "inspectorate"]},
        )

    assert response.status_code == 302
    submission = Submission.objects.get(round=sector.round, board=board.board)
    assert submission.assessment == board.assessment
    assert sorted(submission.consents.values_list("audience", flat=True)) == [
        "inspectorate",
        "support",
    ]
    # No live figures: a submission publishes nothing, a release does.
    assert not RoundFigure.objects.filter(round=sector.round).exists()
    sector.round.refresh_from_db()
    assert sector.round.published_release is None
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE,
        board_id=board.board.pk,
        object_type="monitoring.submission",
        object_id=str(submission.pk),
    ).exists()
    after = client.get(rounds_url(board)).text
    assert (
        f"Your board has submitted its self-evaluation {board.assessment.label} to this round on "
        in after
    )
    assert submit_url(board, sector.round) not in after


def test_sharing_by_name_is_optional(client, sector):
    board = sector.board()
    sign_in(client, board.executive)

    client.post(submit_url(board, sector.round), {})

    submission = Submission.objects.get(board=board.board)
    assert not submission.consents.exists()


def test_the_coordinator_cannot_submit(client, sector):
    board = sector.board()
    coordinator = Membership.objects.get(board=board.board, role=BoardRole.COORDINATOR).user
    sign_in(client, coordinator)

    page = client.get(rounds_url(board))
    response = client.post(submit_url(board, sector.round), {})

    assert page.status_code == 200
    assert submit_url(board, sector.round) not in page.text
    assert response.status_code == 403
    assert not Submission.objects.exists()


def test_a_board_without_an_approved_evaluation_is_told_so(client, sector):
    board = sector.board()
    board.assessment.status = "submitted"
    board.assessment.save()
    sign_in(client, board.executive)

    response = client.post(submit_url(board, sector.round), {}, follow=True)

    assert "Your self-evaluation 2026 is not approved yet" in response.text
    assert not Submission.objects.exists()


def test_the_executive_withdraws_a_consent_for_the_future(client, sector):
    board = sector.board()
    submission = sector.submit(board, share_with={"support", "region"})
    consent = submission.consents.get(audience="region")
    sign_in(client, board.executive)

    response = client.post(
        reverse("monitoring:consent_withdraw", args=[board.board.pk, consent.pk])
    )

    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert consent.withdrawn_by == board.executive
    assert submission.consents.get(audience="support").withdrawn_at is None
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, object_type="monitoring.consent", object_id=str(consent.pk)
    ).exists()
    assert "withdrawn on" in client.get(rounds_url(board)).text


def test_a_consent_of_another_board_answers_404(client, sector):
    mine, other = sector.board(), sector.board()
    consent = sector.submit(other, share_with={"support"}).consents.get()
    sign_in(client, mine.executive)

    response = client.post(reverse("monitoring:consent_withdraw", args=[mine.board.pk, consent.pk]))

    assert response.status_code == 404
    assert Consent.objects.get(pk=consent.pk).withdrawn_at is None


def test_the_analyst_opens_a_round_on_the_version_chosen(client, sector):
    version = import_document(framework_doc(slug="normenkader-ibp-fo", version="2026.1"))
    sign_in(client, sector.analyst)
    url = reverse("monitoring:rounds")
    page = client.get(url).text
    # The newest shipped Normenkader is offered first; the sector's test framework too.
    assert f'<option value="{version.pk}" selected>' in page
    assert f'<option value="{sector.version.pk}">' in page

    response = client.post(
        url,
        {
            "name": "Meetronde 2027",
            "framework_version": sector.version.pk,
            "period": "2027",
            "sectors": ["SO", "PO"],
            "closes_on": "",
        },
    )

    opened = MonitoringRound.objects.get(name="Meetronde 2027")
    assert response.status_code == 302
    assert response["Location"] == round_url(opened)
    assert (opened.framework_version, opened.sectors) == (sector.version, ["PO", "SO"])
    assert opened.opened_by == sector.analyst
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE,
        object_type="monitoring.monitoringround",
        object_id=str(opened.pk),
    ).exists()


def test_a_version_that_is_not_there_is_refused(client, sector):
    sign_in(client, sector.analyst)

    response = client.post(
        reverse("monitoring:rounds"),
        {"name": "Spook", "framework_version": 99999, "period": "2027", "sectors": ["PO"]},
    )

    assert response.status_code == 400
    assert 'class="field__error"' in response.text
    assert not MonitoringRound.objects.filter(name="Spook").exists()


def test_a_round_without_sectors_is_refused_with_a_message(client, sector):
    import_document(framework_doc(slug="normenkader-ibp-fo", version="2026.1"))
    sign_in(client, sector.analyst)

    response = client.post(reverse("monitoring:rounds"), {"name": "Leeg", "period": "2027"})

    assert response.status_code == 400
    assert 'class="field__error"' in response.text
    assert not MonitoringRound.objects.filter(name="Leeg").exists()


@pytest.mark.parametrize(
    "role", [SectorRole.REGIONAL_COORDINATOR, SectorRole.INSPECTOR, SectorRole.PLATFORM_ADMIN]
)
def test_other_sector_roles_do_not_open_rounds(client, sector, role):
    person = UserFactory.create(email=f"{role}@sector.example.nl")
    group = Group.objects.create(name="Regio") if role == SectorRole.REGIONAL_COORDINATOR else None
    SectorAssignment.objects.create(user=person, role=role, group=group)
    sign_in(client, person)

    assert client.get(reverse("monitoring:rounds")).status_code == 403
    assert (
        client.post(reverse("monitoring:make_release", args=[sector.round.pk])).status_code == 403
    )
    # The published figures are for every sector role that reads figures; not for the admin.
    figures = client.get(round_url(sector.round)).status_code
    assert figures == (403 if role == SectorRole.PLATFORM_ADMIN else 200)


def test_the_round_page_shows_only_what_disclosure_control_publishes(client, sector, settings):
    settings.MONITORING_MIN_BOARDS = 3
    for levels in ((1, 2, 3, 4), (2, 2, 3, 5), (3, 2, 4, 5), (3, 3, 1, 4)):
        sector.submit(sector.board(sector="PO", region="UT", levels=levels))
    sector.submit(sector.board(sector="VO", region="UT", levels=(5, 5, 5, 5)))
    release_now(round_=sector.round)
    sign_in(client, sector.analyst)

    html = client.get(round_url(sector.round)).text

    assert re.search(r"<dt>Submissions counted</dt><dd>5</dd>", html)
    whole = section(html, "Whole round")
    # GO.01: 3, 3 and 5 of five boards at target 3; the GO domain's mean 2.8 and median 2.5.
    assert re.search(r"GO\.01</code>[^<]*</th>\s*<td[^>]*>60\.0%</td>", whole)
    assert ">2.8</td>" in whole
    assert ">2.5</td>" in whole
    # One VO board: below k, and with it its complement PO.
    for heading in ("Sector VO", "Sector PO"):
        cell = section(html, heading)
        assert "suppressed" in cell
        assert not re.search(r"\d%", cell)
        assert "Boards in this group: <span" in cell


def test_a_round_below_k_shows_how_many_took_part_and_no_figure(client, sector, settings):
    settings.MONITORING_MIN_BOARDS = 3
    for levels in ((1, 2, 3, 4), (2, 3, 4, 5)):
        sector.submit(sector.board(levels=levels))
    # Too few boards for an interim release; the final one is made, with nothing to show.
    assert release_now(round_=sector.round).status == "refused"
    release_now(round_=sector.round, final=True)
    sign_in(client, sector.analyst)

    html = client.get(round_url(sector.round)).text

    # Taking part is no board's level: the count is shown, the figures are not.
    assert "<dt>Submissions counted</dt><dd>2</dd>" in html
    assert not re.search(r"\d%", html)


def test_the_round_page_takes_the_same_queries_for_more_boards_and_norms(client, sector, settings):
    settings.MONITORING_MIN_BOARDS = 2
    sign_in(client, sector.analyst)

    def queries(round_):
        client.get(round_url(round_))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(round_url(round_)).status_code == 200
        return len(captured)

    for levels in ((1, 2, 3, 4), (2, 3, 4, 5), (3, 3, 3, 3)):
        sector.submit(sector.board(levels=levels))
    release_now(round_=sector.round)
    few = queries(sector.round)
    document = framework_doc(slug="groot")
    document["norms"] += [norm_doc(f"GO.{n:02d}", "GO") for n in range(3, 30)]
    sector.version = import_document(document)
    sector.round = round_open(
        actor=sector.analyst,
        name="Groot",
        framework_version=sector.version,
        period="2026",
        sectors=["PO", "VO"],
    )
    for index in range(8):
        sector.submit(
            sector.board(
                sector="VO" if index % 2 else "PO",
                region="GE" if index % 3 else "UT",
                pupils=6_000 if index % 4 else 500,
                levels=(index % 5 + 1, 2, 3, 4),
            )
        )
    release_now(round_=sector.round)

    assert RoundFigure.objects.filter(round=sector.round).count() > 100
    assert queries(sector.round) == few

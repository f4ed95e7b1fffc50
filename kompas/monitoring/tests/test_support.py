import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from kompas.audit.models import AuditAction, AuditEvent
from kompas.audit.services import audit_verify
from kompas.boards.models import Group, SectorAssignment
from kompas.boards.roles import SectorRole
from kompas.monitoring.models import SupportNote
from kompas.monitoring.support import need_reasons, support_note_add, support_queue
from kompas.monitoring.tests.snapshot_factories import Snapshots, withdraw
from kompas.testing.people import UserFactory
from kompas.testing.sector import Sector

pytestmark = pytest.mark.django_db

LIST_URL = reverse("monitoring:support")


@pytest.fixture
def world():
    return Snapshots()


@pytest.fixture
def analyst_client(client, world):
    client.force_login(world.analyst)
    client.cookies["django_language"] = "en"
    return client


def board_url(board):
    return reverse("monitoring:support_board", args=[board.pk])


def listed(html):
    """The board names in the support list, in the order shown."""
    return re.findall(
        r'<th scope="row"><a href="/monitoring/support/boards/\d+/">([^<]+)</a>', html
    )


def note(world, board, text="Gebeld over back-ups."):
    return support_note_add(actor=world.analyst, board=board, text=text)


# Which boards ---------------------------------------------------------------------------------


def test_it_lists_only_boards_whose_latest_submission_shares_with_support(analyst_client, world):
    first, second = world.round(), world.round()
    shares = world.board(name="Deelt met support")
    world.submit(shares, second, share_with={"support"})
    region_only = world.board(name="Deelt alleen met de regio")
    world.submit(region_only, second, share_with={"region", "inspectorate"})
    stopped = world.board(name="Deelde vorig jaar")
    world.submit(stopped, first, share_with={"support"})
    world.submit(stopped, second, share_with=set())
    world.board(name="Nooit ingezonden")

    page = analyst_client.get(LIST_URL)

    assert page.status_code == 200
    assert listed(page.text) == ["Deelt met support"]
    assert analyst_client.get(board_url(stopped)).status_code == 404
    assert analyst_client.get(board_url(region_only)).status_code == 404


def test_a_board_through_the_real_submission_appears(client):
    sector = Sector()
    board = sector.board()
    sector.submit(board, share_with={"support"})
    client.force_login(sector.analyst)

    assert listed(client.get(LIST_URL).text) == [board.board.name]


def test_a_withdrawn_consent_takes_the_board_off_the_list_and_keeps_its_notes(
    analyst_client, world
):
    round_ = world.round()
    board = world.board(name="Trekt in")
    submission = world.submit(board, round_, share_with={"support", "region"})
    note(world, board)
    assert analyst_client.get(board_url(board)).status_code == 200

    withdraw(submission, "support")

    assert listed(analyst_client.get(LIST_URL).text) == []
    assert analyst_client.get(board_url(board)).status_code == 404
    response = analyst_client.post(board_url(board), {"text": "Nog een notitie."})
    assert response.status_code == 404
    assert SupportNote.objects.filter(board=board).count() == 1


# Ranking --------------------------------------------------------------------------------------


def test_it_ranks_boards_by_need(analyst_client, world):
    first, second = world.round(), world.round()
    vo_only = world.round(sectors=("VO",), name="Meetronde VO extra")

    def board(name, round_=second, sectors=("PO",), **snapshot):
        made = world.board(name=name, sectors=sectors)
        world.submit(made, round_, share_with={"support"}, **snapshot)

    defaults = {"has_approved_plan": True, "projection": "on_track", "mean_level": "3.00"}
    board("A in orde", **{**defaults, "mean_level": "3.50"})
    board("B veel gaten", **{**defaults, "mean_level": "2.50", "open_gaps": 9})
    board("C weinig gaten", **{**defaults, "mean_level": "2.50", "open_gaps": 1})
    board("D laag niveau", **{**defaults, "mean_level": "1.20"})
    board("E niets beoordeeld", **{**defaults, "mean_level": None})
    board("F risico", **{**defaults, "projection": "at_risk", "mean_level": "1.00"})
    board("G achter", **{**defaults, "projection": "off_track", "mean_level": "3.90"})
    board("H geen plan", **{**defaults, "has_approved_plan": False, "mean_level": "4.00"})
    board("I vorige ronde", round_=first, **defaults)
    board("J VO gemist", sectors=("VO",), **defaults)
    board("K VO bij", round_=vo_only, sectors=("VO",), **defaults)
    # Lagging as much as H, but School-CERT already helps it: after every board alone.
    board(
        "L geen plan, wel hulp",
        **{**defaults, "has_approved_plan": False},
        services=["school_cert"],
    )
    # A planned service is no help yet.
    board(
        "M alleen gepland",
        **{**defaults, "mean_level": "1.10"},
        services={"school_cert": "planned"},
    )

    page = analyst_client.get(LIST_URL).text

    assert listed(page) == [
        "I vorige ronde",
        "J VO gemist",
        "H geen plan",
        "G achter",
        "F risico",
        "E niets beoordeeld",
        "M alleen gepland",
        "D laag niveau",
        "L geen plan, wel hulp",
        "B veel gaten",
        "C weinig gaten",
        "K VO bij",
        "A in orde",
    ]
    with translation.override("en"):
        reasons = {s.board.name: need_reasons(s) for s in support_queue()}
    alone = "Used none of the sector's services"
    assert reasons["I vorige ronde"] == ["Did not submit to Meetronde 2026", alone]
    assert reasons["J VO gemist"] == ["Did not submit to Meetronde VO extra", alone]
    assert reasons["L geen plan, wel hulp"] == ["No approved improvement plan"]
    assert reasons["K VO bij"] == []


def test_it_shows_the_reasons_and_figures_of_each_board(analyst_client, world):
    first, _second = world.round(), world.round()
    board = world.board(name="Heeft hulp nodig")
    world.submit(
        board,
        first,
        share_with={"support"},
        has_approved_plan=False,
        projection="off_track",
        mean_level="1.40",
        open_gaps=12,
        overdue_measures=3,
        norms_at_target=5,
    )
    note(world, board, "Eerste gesprek.")

    page = analyst_client.get(LIST_URL).text

    for text in (
        "Did not submit to Meetronde 2026",
        "No approved improvement plan",
        "Plan off track for the deadline",
        "Low mean level (1.40)",
        "12 gaps without measure or accepted risk",
        "Off track",
        "Meetronde 2025",
    ):
        assert text in page, text
    row = page.split("Heeft hulp nodig")[1].split("</tr>")[0]
    cells = re.findall(r'<td class="numeric">([^<]*)</td>', row)
    assert cells == ["1.40", "5", "12", "3"]
    assert "<time datetime=" in row


def test_the_list_takes_the_same_queries_for_3_and_30_boards(
    analyst_client, world, django_assert_num_queries
):
    first, second = world.round(), world.round()

    def boards(count):
        for n in range(count):
            board = world.board()
            world.submit(
                board,
                first if n % 3 == 0 else second,
                share_with={"support", "region"},
                has_approved_plan=n % 2 == 0,
                projection=("on_track", "at_risk", "off_track")[n % 3],
                mean_level=f"{1 + n % 3}.{n % 10}0",
                open_gaps=n,
            )
            if n % 2:
                note(world, board)

    boards(3)
    with CaptureQueriesContext(connection) as three:
        assert len(listed(analyst_client.get(LIST_URL).text)) == 3
    boards(27)
    with django_assert_num_queries(len(three.captured_queries)):
        assert len(listed(analyst_client.get(LIST_URL).text)) == 30


def test_it_shows_fifty_boards_a_page(analyst_client, world):
    round_ = world.round()
    for _n in range(51):
        world.submit(world.board(), round_, share_with={"support"}, mean_level="2.00")

    first = analyst_client.get(LIST_URL).text
    second = analyst_client.get(LIST_URL, {"page": 2}).text

    assert len(listed(first)) == 50
    assert len(listed(second)) == 1
    assert not set(listed(first)) & set(listed(second))
    assert "51 boards share their results with the support team" in first


# A board's page -------------------------------------------------------------------------------


def test_a_board_s_page_shows_its_shared_submissions_and_notes_newest_first(analyst_client, world):
    first, second, third = world.round(), world.round(), world.round()
    board = world.board(name="Stichting Hulp")
    world.submit(board, first, share_with={"support"}, mean_level="1.50", domains={"GO": "1.5"})
    world.submit(board, second, share_with={"region"}, mean_level="1.80")
    world.submit(board, third, share_with={"support"}, mean_level="2.10", domains={"GO": "2.0"})
    note(world, board, "Oud: kennismaking.")
    note(world, board, "Nieuw: <script>alert(1)</script> back-up getest.")

    page = analyst_client.get(board_url(board)).text

    assert "Meetronde 2027" in page
    assert "Meetronde 2025" in page
    assert "Meetronde 2026" not in page  # shared with the region only
    assert page.index("Meetronde 2027") < page.index("Meetronde 2025")
    assert page.index("Nieuw:") < page.index("Oud:")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    assert '<abbr title="Bestuur">GO</abbr>' in page


def test_viewing_a_board_s_page_is_recorded_on_its_trail(analyst_client, world):
    board = world.board()
    world.submit(board, world.round(), share_with={"support"})

    analyst_client.get(board_url(board))

    event = AuditEvent.objects.get(action=AuditAction.VIEW, board_id=board.pk)
    assert event.chain == f"board:{board.pk}"
    assert event.actor_id == world.analyst.pk
    assert board.name in event.object_repr
    assert list(audit_verify()) == []


def test_the_analyst_adds_a_note_and_it_is_recorded(analyst_client, world):
    board = world.board()
    world.submit(board, world.round(), share_with={"support"})

    response = analyst_client.post(board_url(board), {"text": "  Workshop back-up gegeven.  "})

    assert response.status_code == 302
    saved = SupportNote.objects.get(board=board)
    assert (saved.text, saved.author) == ("Workshop back-up gegeven.", world.analyst)
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="monitoring.supportnote")
    assert event.board_id == board.pk
    assert "Workshop" not in str(event.changes)


@pytest.mark.parametrize("data", [{"text": "   "}, {"text": ""}, {}])
def test_an_empty_note_is_refused_with_the_reason_and_nothing_written(analyst_client, world, data):
    board = world.board()
    world.submit(board, world.round(), share_with={"support"})

    response = analyst_client.post(board_url(board), data)

    assert response.status_code == 400
    assert "an empty note is not saved" in response.text
    assert not SupportNote.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.CREATE, board_id=board.pk).exists()


def test_notes_cannot_be_changed_or_removed_and_need_the_csrf_token(analyst_client, world):
    board = world.board()
    world.submit(board, world.round(), share_with={"support"})
    note(world, board)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.analyst)

    assert strict.post(board_url(board), {"text": "Zonder token."}).status_code == 403
    assert analyst_client.put(board_url(board), {"text": "Anders."}).status_code == 405
    assert analyst_client.delete(board_url(board)).status_code == 405
    assert list(SupportNote.objects.values_list("text", flat=True)) == ["Gebeld over back-ups."]


def test_a_board_that_never_shared_answers_404(analyst_client, world):
    board = world.board()

    assert analyst_client.get(board_url(board)).status_code == 404
    assert analyst_client.get(reverse("monitoring:support_board", args=[99999])).status_code == 404


def test_other_sector_roles_are_refused(client, world):
    board = world.board()
    world.submit(board, world.round(), share_with={"support"})
    inspector = UserFactory.create()
    SectorAssignment.objects.create(user=inspector, role=SectorRole.INSPECTOR)
    coordinator = UserFactory.create()
    SectorAssignment.objects.create(
        user=coordinator,
        role=SectorRole.REGIONAL_COORDINATOR,
        group=Group.objects.create(name="Regio"),
    )
    for user in (inspector, coordinator, world.member(board)):
        client.force_login(user)
        assert client.get(LIST_URL).status_code == 403
        assert client.get(board_url(board)).status_code == 403


# The service ----------------------------------------------------------------------------------


def test_the_service_validates_and_refuses_others(world):
    board = world.board()
    world.submit(board, world.round(), share_with={"support"})
    outsider_board = world.board()
    executive = world.member(board)

    with translation.override("en"):
        with pytest.raises(ValidationError, match="an empty note is not saved"):
            support_note_add(actor=world.analyst, board=board, text=" \n ")
        with pytest.raises(ValidationError, match="at most 5000 characters"):
            support_note_add(actor=world.analyst, board=board, text="x" * 5001)
        with pytest.raises(ValidationError, match=r"U\+0000 \(NUL\) at position 5"):
            support_note_add(actor=world.analyst, board=board, text="Gebe\x00ld.")
    with pytest.raises(PermissionDenied):
        support_note_add(actor=executive, board=board, text="Zelf geschreven.")
    with pytest.raises(PermissionDenied):
        support_note_add(actor=world.analyst, board=outsider_board, text="Niet gedeeld.")
    assert not SupportNote.objects.exists()

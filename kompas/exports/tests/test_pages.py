"""The coordinator's download of the board's export, and the platform admin's restore page."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from kompas.audit.models import PLATFORM_CHAIN, AuditAction, AuditEvent, board_chain
from kompas.boards.models import Board, SectorAssignment
from kompas.boards.roles import BoardRole, SectorRole
from kompas.exports.board_export import board_document
from kompas.exports.restore import TICKET_SALT
from kompas.exports.tests.export_world import COORD, EXEC, as_new_board, counts, text_of
from kompas.incidents.services import ReportData, incident_report
from kompas.testing import clock
from kompas.testing.people import UserFactory

# Session, user, membership; then the document (frameworks, every section, the trail) and
# the export's event on the board's chain, whatever the amount of data.
DOWNLOAD_QUERIES = 43


def download_url(board):
    return reverse("exports:board_download", args=[board.pk])


@clock.pinned
def test_the_coordinator_downloads_the_board_as_json_and_the_download_is_audited(
    export_world, client
):
    coordinator = export_world.people[COORD]
    expected = text_of(board_document(board=export_world.board))
    client.force_login(coordinator)

    response = client.get(download_url(export_world.board))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="ibp-kompas-41001-2026-11-02.json"'
    )
    assert response.content.decode("utf-8") == expected
    assert json.loads(response.content)["incidents"][0]["number"] == 1
    event = AuditEvent.objects.filter(chain=board_chain(export_world.board.pk)).latest("sequence")
    assert (event.action, event.actor_id, event.actor_email) == (
        AuditAction.EXPORT,
        coordinator.pk,
        coordinator.email,
    )
    assert event.board_id == export_world.board.pk


@pytest.mark.parametrize("role", [r for r in BoardRole.values if r != COORD])
def test_other_roles_get_403_and_nothing_is_exported(world, client, role):
    client.force_login(world.people[role])

    assert client.get(download_url(world.board)).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_another_boards_coordinator_gets_404(world, client):
    client.force_login(world.outsiders[COORD])
    assert client.get(download_url(world.board)).status_code == 404


def test_the_board_page_offers_the_download_to_the_coordinator_only(world, client):
    client.force_login(world.people[COORD])
    assert (
        download_url(world.board)
        in client.get(reverse("boards:home", args=[world.board.pk])).content.decode()
    )
    client.force_login(world.people[EXEC])
    assert (
        download_url(world.board)
        not in client.get(reverse("boards:home", args=[world.board.pk])).content.decode()
    )


def test_the_download_takes_the_same_queries_however_much_the_board_holds(
    export_world, client, django_assert_num_queries
):
    client.force_login(export_world.people[COORD])
    client.get(download_url(export_world.board))  # the first request stores the current board
    with django_assert_num_queries(DOWNLOAD_QUERIES):
        client.get(download_url(export_world.board))
    for number in range(3):
        incident_report(
            access=export_world.access(COORD),
            actor=export_world.people[COORD],
            data=ReportData(
                kind="security",
                title=f"Incident {number}",
                occurred_at=None,
                became_aware_at=timezone.now() - datetime.timedelta(hours=number + 1),
                description="Verdachte aanmelding.",
                data_kinds=(),
                subjects={},
                consequences="",
                measures_taken="",
            ),
        )
        export_world.measure("GO.01", title=f"Extra {number}")
    with django_assert_num_queries(DOWNLOAD_QUERIES):
        response = client.get(download_url(export_world.board))
    assert len(json.loads(response.content)["incidents"]) == 5


def test_a_missing_evidence_file_stops_the_download_with_a_message(export_world, client, english):
    export_world.file.file.storage.delete(export_world.file.file.name)
    client.force_login(export_world.people[COORD])

    response = client.get(download_url(export_world.board), follow=True)

    assert response.redirect_chain[-1][0] == reverse("boards:home", args=[export_world.board.pk])
    assert "The export was not made" in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


# --- restore --------------------------------------------------------------------------------


@pytest.fixture
def admin(db):
    user = UserFactory.create(email="beheer@platform.example.nl")
    SectorAssignment.objects.create(user=user, role=SectorRole.PLATFORM_ADMIN)
    return user


@pytest.fixture
def restore_root(settings, tmp_path):
    settings.BOARD_RESTORE_ROOT = tmp_path / "restores"
    return settings.BOARD_RESTORE_ROOT


def staged(root):
    return sorted(root.glob("*")) if root.exists() else []


def upload(client, document, name="stichting.json"):
    raw = document if isinstance(document, bytes) else text_of(document).encode("utf-8")
    return client.post(
        reverse("exports:restore"),
        {"export": SimpleUploadedFile(name, raw, content_type="application/json")},
    )


def ticket_of(response):
    return response.context["preview"].ticket


def test_the_platform_overview_links_to_the_restore_page(admin, client):
    client.force_login(admin)
    page = client.get(reverse("platform:boards")).content.decode()
    assert reverse("exports:restore") in page
    assert client.get(reverse("exports:restore")).status_code == 200


def test_the_preview_shows_what_would_be_restored_and_writes_nothing(
    export_world, admin, client, restore_root, english
):
    document = as_new_board(board_document(board=export_world.board))
    client.force_login(admin)
    before = counts()

    response = upload(client, document)

    assert response.status_code == 200
    preview = response.context["preview"]
    assert (preview.bg_number, preview.board_name) == ("42999", document["board"]["name"])
    assert preview.counts == {
        "members": 6,
        "evaluations": 2,
        "measures": 3,
        "incidents": 2,
        "submissions": 1,
        "issued_reports": 1,
        "files": 3,
    }
    assert preview.problems == []
    page = response.content.decode()
    assert "Monitoring submissions" in page
    assert reverse("exports:restore_confirm") in page
    assert counts() == before
    assert len(staged(restore_root)) == 1


def test_confirming_restores_the_board_audited_and_removes_the_staged_file(
    export_world, admin, client, restore_root
):
    document = as_new_board(board_document(board=export_world.board))
    client.force_login(admin)
    ticket = ticket_of(upload(client, document))

    response = client.post(reverse("exports:restore_confirm"), {"ticket": ticket})

    board = Board.objects.get(bg_number="42999")
    assert response.status_code == 302
    assert response["Location"] == reverse("platform:board", args=[board.pk])
    assert staged(restore_root) == []
    assert board_document(board=board)["incidents"] == document["incidents"]
    event = AuditEvent.objects.filter(chain=PLATFORM_CHAIN).latest("sequence")
    assert (event.action, event.actor_id, event.object_id) == (
        AuditAction.CREATE,
        admin.pk,
        str(board.pk),
    )
    assert event.changes["imported_from"][1]["file"] == "stichting.json"
    # The ticket was for one restore: the file is gone.
    again = client.post(reverse("exports:restore_confirm"), {"ticket": ticket})
    assert (again.status_code, again["Location"]) == (302, reverse("exports:restore"))
    assert Board.objects.filter(bg_number="42999").count() == 1


def test_a_refused_file_lists_its_problems_with_their_place_and_is_not_kept(
    export_world, admin, client, restore_root, english
):
    client.force_login(admin)
    before = counts()

    response = upload(client, board_document(board=export_world.board))

    assert response.status_code == 400
    preview = response.context["preview"]
    locations = [problem.location for problem in preview.problems]
    assert "board.bg_number" in locations
    assert "schools[0].brin" in locations
    assert preview.ticket == ""
    assert reverse("exports:restore_confirm") not in response.content.decode()
    assert "Nothing has been restored" in response.content.decode()
    assert (counts(), staged(restore_root)) == (before, [])


def test_a_file_that_is_not_json_is_refused_with_its_line(admin, client, restore_root, db):
    client.force_login(admin)
    response = upload(client, b'{"format": "ibp-kompas-board",\n  oops}')
    assert response.status_code == 400
    [problem] = response.context["preview"].problems
    assert problem.message.startswith("invalid JSON")
    assert staged(restore_root) == []


@pytest.mark.usefixtures("restore_root", "english")
def test_a_file_over_the_limit_is_refused_before_it_is_read(admin, client, settings):
    settings.BOARD_RESTORE_MAX_BYTES = 10
    client.force_login(admin)
    response = upload(client, b"x" * 11)
    assert response.status_code == 400
    assert "larger than" in response.content.decode()


def test_confirming_checks_again_and_a_refusal_changes_nothing(
    export_world, admin, client, restore_root, english
):
    document = as_new_board(board_document(board=export_world.board))
    client.force_login(admin)
    ticket = ticket_of(upload(client, document))
    # Meanwhile someone registers a board with the same number.
    Board.objects.create(name="Intussen aangemaakt", bg_number="42999")
    before = counts()

    response = client.post(reverse("exports:restore_confirm"), {"ticket": ticket})

    assert response.status_code == 400
    assert [p.location for p in response.context["preview"].problems] == ["board.bg_number"]
    assert (counts(), staged(restore_root)) == (before, [])


def test_a_staged_file_changed_after_the_preview_is_refused(
    export_world, admin, client, restore_root, english
):
    document = as_new_board(board_document(board=export_world.board))
    client.force_login(admin)
    ticket = ticket_of(upload(client, document))
    [path] = staged(restore_root)
    path.write_bytes(text_of(as_new_board(document, bg_number="43000")).encode("utf-8"))
    before = counts()

    response = client.post(reverse("exports:restore_confirm"), {"ticket": ticket}, follow=True)

    assert "not the one you previewed" in response.content.decode()
    assert (counts(), staged(restore_root)) == (before, [])


def test_a_ticket_is_good_only_for_the_admin_who_previewed_and_only_unaltered(
    export_world, admin, client, restore_root, english
):
    from django.core import signing

    document = as_new_board(board_document(board=export_world.board))
    client.force_login(admin)
    ticket = ticket_of(upload(client, document))
    other = UserFactory.create(email="tweede@platform.example.nl")
    SectorAssignment.objects.create(user=other, role=SectorRole.PLATFORM_ADMIN)

    client.force_login(other)
    before = counts()
    response = client.post(reverse("exports:restore_confirm"), {"ticket": ticket}, follow=True)
    assert "belongs to another person" in response.content.decode()
    forged = signing.dumps({"token": "../../etc/passwd", "user": other.pk}, salt="another salt")
    response = client.post(reverse("exports:restore_confirm"), {"ticket": forged}, follow=True)
    assert "expired or was altered" in response.content.decode()
    traversal = signing.dumps(
        {"token": "../../etc/passwd", "user": other.pk, "sha256": "", "filename": "x"},
        salt=TICKET_SALT,
    )
    response = client.post(reverse("exports:restore_confirm"), {"ticket": traversal}, follow=True)
    assert "expired or was altered" in response.content.decode()
    assert counts() == before


def test_only_the_platform_admin_reaches_the_restore_pages(world, client):
    client.force_login(world.people[COORD])
    assert client.get(reverse("exports:restore")).status_code == 403
    assert client.post(reverse("exports:restore_confirm"), {"ticket": "x"}).status_code == 403

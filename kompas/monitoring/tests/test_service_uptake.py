"""A board records which sector services it uses; submissions copy it, releases count it."""

import datetime
import re

import pytest
from django.urls import reverse

from kompas.audit.models import AuditAction, AuditEvent
from kompas.boards.models import Membership
from kompas.boards.roles import BoardRole
from kompas.monitoring.aggregates import release_now
from kompas.monitoring.models import MonitoringRound, RoundFigure, ServiceUse, SubmittedService
from kompas.testing.clock import pinned
from kompas.testing.sector import Sector

# Dates are checked against today (nothing in use from the future): the clock stands still.
pytestmark = [pytest.mark.django_db, pinned]


@pytest.fixture
def sector(settings):
    settings.MONITORING_MIN_BOARDS = 3
    return Sector()


def person(participant, role):
    return Membership.objects.get(board=participant.board, role=role).user


def sign_in(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"


def page_url(participant):
    return reverse("monitoring:services", args=[participant.board.pk])


def save_url(participant, service):
    return reverse("monitoring:service_save", args=[participant.board.pk, service])


def record(service="school_cert", revision=0, **fields):
    values = {"status": "in_use", "started_on": "2025-09-01", "ended_on": "", "note": ""}
    values |= fields
    data = {f"{service}-{name}": value for name, value in values.items()}
    data[f"{service}-revision"] = str(revision)
    return data


@pytest.fixture
def coordinator_client(client, sector):
    participant = sector.board()
    sign_in(client, person(participant, BoardRole.COORDINATOR))
    client.participant = participant
    return client


def test_the_coordinator_records_a_service_and_the_trail_has_it(coordinator_client):
    participant = coordinator_client.participant
    page = coordinator_client.get(page_url(participant))
    assert page.status_code == 200
    assert "School-CERT connection" in page.text
    assert page.text.count("Not recorded") == 4

    response = coordinator_client.post(
        save_url(participant, "school_cert"), record(note="Via de regio aangemeld.")
    )

    assert response.status_code == 302
    assert response["Location"].endswith("#service-school_cert")
    use = ServiceUse.objects.get(board=participant.board, service="school_cert")
    assert (use.status, use.started_on, use.note, use.revision) == (
        "in_use",
        datetime.date(2025, 9, 1),
        "Via de regio aangemeld.",
        1,
    )
    event = AuditEvent.objects.get(object_type="monitoring.serviceuse")
    assert event.action == AuditAction.CREATE
    assert event.board_id == participant.board.pk
    assert event.changes["status"] == [None, "in_use"]
    shown = coordinator_client.get(page_url(participant)).text
    assert "1 September 2025" in shown
    assert shown.count("Not recorded") == 3


def test_saving_the_same_record_again_changes_nothing(coordinator_client):
    participant = coordinator_client.participant
    coordinator_client.post(save_url(participant, "school_cert"), record())
    coordinator_client.post(save_url(participant, "school_cert"), record(revision=1))

    assert ServiceUse.objects.get(board=participant.board).revision == 1
    assert AuditEvent.objects.filter(object_type="monitoring.serviceuse").count() == 1


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"started_on": ""}, "started_on", "Give the date since when"),
        ({"started_on": "2027-01-04"}, "started_on", "cannot start in the future"),
        ({"ended_on": "2026-01-01"}, "ended_on", "A service in use has no end date"),
        ({"status": "stopped"}, "ended_on", "Give the date on which the board stopped"),
        ({"status": "stopped", "ended_on": "2024-01-01"}, "ended_on", "before the start date"),
        ({"status": "stopped", "ended_on": "2026-12-31"}, "ended_on", "lies in the future"),
        ({"status": "sometimes"}, "status", "Select a valid choice"),
        ({"note": "x" * 501}, "note", "at most 500 characters"),
        ({"started_on": "31-02-2026"}, "started_on", "Enter a valid date"),
    ],
)
def test_a_wrong_record_is_refused_with_its_reason_and_nothing_is_saved(
    coordinator_client, fields, field, message
):
    participant = coordinator_client.participant
    response = coordinator_client.post(save_url(participant, "school_cert"), record(**fields))

    assert response.status_code == 400
    assert message in response.text
    assert f'id="id_school_cert-{field}_error"' in response.text
    assert not ServiceUse.objects.exists()
    assert not AuditEvent.objects.filter(object_type="monitoring.serviceuse").exists()


def test_planned_and_not_used_drop_the_dates_they_do_not_have(coordinator_client):
    participant = coordinator_client.participant
    coordinator_client.post(
        save_url(participant, "veilig_internet"),
        record("veilig_internet", status="planned", started_on="2027-03-01"),
    )
    coordinator_client.post(
        save_url(participant, "joint_procurement"),
        record("joint_procurement", status="not_used", ended_on="2026-01-01"),
    )

    uses = {use.service: use for use in ServiceUse.objects.filter(board=participant.board)}
    # A planned use may name its expected start, in the future.
    assert uses["veilig_internet"].started_on == datetime.date(2027, 3, 1)
    assert uses["veilig_internet"].ended_on is None
    assert (uses["joint_procurement"].started_on, uses["joint_procurement"].ended_on) == (
        None,
        None,
    )


def test_two_colleagues_saving_at_once_do_not_overwrite_each_other(client, sector):
    participant = sector.board()
    sign_in(client, person(participant, BoardRole.COORDINATOR))
    first = client.post(save_url(participant, "school_cert"), record())
    # A second form opened before the first save still carries revision 0.
    second = client.post(
        save_url(participant, "school_cert"), record(status="stopped", ended_on="2026-11-01")
    )

    assert first.status_code == 302
    assert second.status_code == 409
    assert "A colleague changed this record after you opened the page" in second.text
    assert ServiceUse.objects.get(board=participant.board).status == "in_use"
    # The form keeps what the second colleague chose, now against the stored revision.
    assert re.search(r'value="stopped"[^>]* checked', second.text)
    assert 'name="school_cert-revision" value="1"' in second.text

    again = client.post(
        save_url(participant, "school_cert"),
        record(status="stopped", ended_on="2026-11-01", revision=1),
    )
    assert again.status_code == 302
    assert ServiceUse.objects.get(board=participant.board).status == "stopped"


def test_other_roles_read_the_record_but_only_the_coordinator_changes_it(client, sector):
    participant = sector.board()
    sign_in(client, participant.executive)

    assert client.get(page_url(participant)).status_code == 200
    assert "The IBP coordinator keeps this record." in client.get(page_url(participant)).text
    assert client.post(save_url(participant, "school_cert"), record()).status_code == 403
    assert not ServiceUse.objects.exists()


def test_an_unknown_service_is_not_found(coordinator_client):
    participant = coordinator_client.participant
    response = coordinator_client.post(save_url(participant, "mystery"), record("mystery"))
    assert response.status_code == 404


def test_a_submission_keeps_the_record_as_it_was(coordinator_client, sector):
    participant = coordinator_client.participant
    coordinator_client.post(save_url(participant, "school_cert"), record())
    submission = sector.submit(participant)
    coordinator_client.post(
        save_url(participant, "school_cert"),
        record(status="stopped", ended_on="2026-10-30", revision=1),
    )

    kept = SubmittedService.objects.get(submission=submission)
    assert (kept.service, kept.status, kept.started_on) == (
        "school_cert",
        "in_use",
        datetime.date(2025, 9, 1),
    )


def uses(sector, services_per_board):
    """Boards that submit with the given services in use; the round is released."""
    for services in services_per_board:
        participant = sector.board()
        coordinator = person(participant, BoardRole.COORDINATOR)
        for service in services:
            ServiceUse.objects.create(
                board=participant.board,
                service=service,
                status="in_use",
                started_on=datetime.date(2025, 1, 1),
                updated_by=coordinator,
                revision=1,
            )
        sector.submit(participant)
    return release_now(round_=sector.round)


def service_figure(round_, service, cut="all", value=""):
    release = MonitoringRound.objects.get(pk=round_.pk).published_release_id
    return RoundFigure.objects.get(
        release=release, cut=cut, value=value, subject="service", code=service
    )


def test_a_release_counts_the_boards_using_each_service(sector):
    uses(sector, [["school_cert"], ["school_cert", "veilig_internet"], [], [], ["school_cert"]])

    cert = service_figure(sector.round, "school_cert")
    assert not cert.suppressed
    assert cert.counts == {"yes": 3, "no": 2}
    assert str(cert.share_at_target) == "60.0"


def test_a_service_every_unknown_board_uses_is_not_published(sector):
    # Five boards, all on School-CERT: 100% would tell of each board that it uses it.
    uses(sector, [["school_cert"]] * 5)

    assert service_figure(sector.round, "school_cert").suppressed
    assert service_figure(sector.round, "school_cert").counts is None
    # No board uses joint procurement: 0% tells as much.
    assert service_figure(sector.round, "joint_procurement").suppressed


def test_the_round_page_and_dashboard_show_the_services(client, sector):
    uses(sector, [["school_cert"], ["school_cert", "veilig_internet"], [], ["veilig_internet"]])
    sign_in(client, sector.analyst)

    round_page = client.get(reverse("monitoring:round", args=[sector.round.pk])).text
    table = round_page.split("Use of the sector's services · Whole round")[1].split("</table>")[0]
    assert "School-CERT connection</th>" in table
    assert "50.0%" in table

    dashboard = client.get(reverse("monitoring:dashboard")).text
    section = dashboard.split('id="services-heading"')[1].split("</section>")[0]
    row = section.split("Veilig Internet service</th>")[1].split("</tr>")[0]
    assert "50.0%" in row

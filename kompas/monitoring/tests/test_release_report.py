"""A published release as the "state of the sector" PDF, a workbook and a CSV file."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from kompas.audit.models import AuditAction, AuditEvent
from kompas.boards.models import Membership, SectorAssignment
from kompas.boards.roles import BoardRole, SectorRole
from kompas.monitoring.aggregates import release_now
from kompas.monitoring.models import Release, RoundFigure, ServiceUse
from kompas.monitoring.release_report import release_report
from kompas.testing.people import UserFactory
from kompas.testing.sector import Sector

pytestmark = pytest.mark.django_db

# Levels for GO.01, GO.02, BC.03, BV.01 that vary within every domain (as test_dashboard's).
SPREAD = ((1, 2, 3, 4), (2, 2, 3, 5), (3, 2, 4, 5), (3, 3, 1, 4), (2, 3, 2, 3), (4, 4, 2, 2))


@pytest.fixture
def sector(settings):
    settings.MONITORING_MIN_BOARDS = 3
    return Sector()


def released(sector, *, services=((), ("school_cert",), ("school_cert",), (), (), ())):
    """Six boards in Utrecht and one in Groningen submit; the round is released."""
    for levels, used in zip(SPREAD, services, strict=True):
        participant = sector.board(levels=levels)
        coordinator = Membership.objects.get(
            board=participant.board, role=BoardRole.COORDINATOR
        ).user
        for service in used:
            ServiceUse.objects.create(
                board=participant.board,
                service=service,
                status="in_use",
                started_on=datetime.date(2025, 1, 1),
                updated_by=coordinator,
            )
        sector.submit(participant)
    sector.submit(sector.board(region="GR"))
    return release_now(round_=sector.round)


def url(release, kind):
    return reverse("monitoring:release_download", args=[release.round_id, release.number, kind])


def pdf_reader(content):
    return PdfReader(io.BytesIO(content))


def csv_rows(content):
    return list(csv.DictReader(io.StringIO(content.decode())))


def test_the_csv_file_holds_exactly_the_stored_figures(client, sector):
    release = released(sector)
    client.force_login(sector.analyst)

    response = client.get(url(release, "csv"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="staat-van-de-sector-meetronde-2026-publicatie-1.csv"'
    )
    rows = csv_rows(response.content)
    by_key = {(r["cut"], r["cell"], r["subject"], r["code"], r["measure"]): r for r in rows}
    checked = 0
    for figure in RoundFigure.objects.filter(release=release, subject="norm"):
        row = by_key[figure.cut, figure.value, "norm", figure.code, "share_at_target"]
        if figure.suppressed:
            assert (row["value"], row["suppressed"]) == ("", "yes")
        else:
            assert row["suppressed"] == "no"
            assert Decimal(row["value"]) == figure.share_at_target
            level = by_key[figure.cut, figure.value, "norm", figure.code, "level_3"]
            assert int(level["value"]) == (figure.counts or {}).get("3", 0)
            checked += 1
    assert checked >= 4
    # The one Groningen board is a group of one: nothing of it is shown.
    groningen = [r for r in rows if r["cell"] == "GR" and r["subject"] != "turnout"]
    assert groningen
    assert {r["suppressed"] for r in groningen} == {"yes"}
    assert {r["value"] for r in groningen} == {""}
    # Two of the seven boards use School-CERT: shown, as a share of the whole round.
    cert = by_key["all", "", "service", "school_cert", "share"]
    assert (cert["value"], cert["suppressed"]) == ("28.6", "no")


def test_the_workbook_has_the_same_figures_and_says_what_is_suppressed(client, sector):
    release = released(sector)
    client.force_login(sector.analyst)

    response = client.get(url(release, "xlsx"))

    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Toelichting", "Deelname en doelen", "Domeinen", "Normen"]
    about = {row[0].value: row[1].value for row in book["Toelichting"].iter_rows(min_row=2)}
    assert about["Meegetelde inzendingen"] == "7"
    assert about["Kleinste getoonde groep (k)"] == "3"
    assert about["Invoer (SHA-256 van de meegetelde inzendingen)"] == release.digest
    norms = list(book["Normen"].iter_rows(min_row=2, values_only=True))
    whole = {row[1]: row for row in norms if row[0] == "Hele meetronde"}
    stored = RoundFigure.objects.get(release=release, cut="all", subject="norm", code="GO.01")
    assert Decimal(str(whole["GO.01"][3])) == stored.share_at_target
    groningen = [row for row in norms if row[0] == "Regio: Groningen"]
    assert groningen
    assert all(row[3] == "afgeschermd" for row in groningen)


def test_the_pdf_is_a_tagged_dutch_report_with_the_protected_figures(client, sector):
    release = released(sector)
    client.force_login(sector.analyst)

    response = client.get(url(release, "pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = pdf_reader(response.content)
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert "Staat van de sector" in text
    assert "Meetronde 2026" in text
    assert "tussentijdse publicatie 1" in text  # the round is still open
    assert "Gebruik van de sectordiensten" in text
    assert "Aansluiting bij School-CERT" in text
    assert "28,6%" in text  # two of seven boards on School-CERT, in Dutch notation
    assert "afgeschermd" in text
    assert "Regio: Groningen" in text
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "nl"
    # The chart has a text alternative that names the domains.
    assert (
        "Middelste helft van de besturen per domein" in response.content.decode("latin-1")
        or "GO" in text
    )


def test_every_figure_reader_downloads_and_the_inspectorate_is_on_the_record(client, sector):
    release = released(sector)
    inspector = UserFactory.create(email="inspecteur@inspectie.example.nl")
    SectorAssignment.objects.create(user=inspector, role=SectorRole.INSPECTOR)
    client.force_login(inspector)

    assert client.get(url(release, "csv")).status_code == 200

    event = AuditEvent.objects.filter(action=AuditAction.VIEW, actor_id=inspector.pk).latest("pk")
    assert "release 1 of Meetronde 2026 (csv)" in event.object_repr


def test_no_download_of_a_release_that_is_not_published_or_of_an_unknown_kind(client, sector):
    release = released(sector)
    pending = Release.objects.create(
        round=sector.round, number=2, requested_by=sector.analyst, as_of=release.as_of
    )
    client.force_login(sector.analyst)

    assert client.get(url(pending, "pdf")).status_code == 404
    assert client.get(url(release, "docx")).status_code == 404
    admin = UserFactory.create()
    SectorAssignment.objects.create(user=admin, role=SectorRole.PLATFORM_ADMIN)
    client.force_login(admin)
    assert client.get(url(release, "csv")).status_code == 403


def test_the_report_takes_the_same_queries_for_few_and_more_boards(sector):
    release = released(sector)

    def queries(found):
        with CaptureQueriesContext(connection) as captured:
            release_report(release=Release.objects.select_related("round").get(pk=found.pk))
        return len(captured)

    few = queries(release)
    for levels in SPREAD:
        sector.submit(sector.board(levels=levels, region="NH"))
    sector.round.refresh_from_db()
    more = release_now(round_=sector.round, final=True)

    assert queries(more) == few

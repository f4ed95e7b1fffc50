import datetime
from io import BytesIO

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from kompas.assessments.services import assessment_start
from kompas.boards.access import access_board
from kompas.boards.roles import Action, BoardRole
from kompas.plans.models import Measure, PlanVersion, RiskAcceptance
from kompas.testing.frameworks import framework_doc, import_document, norm_doc
from kompas.testing.world import COORD, EXEC

pytestmark = pytest.mark.django_db


def texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def plan_url(world):
    return reverse("plans:plan", args=[world.board.pk])


def measure_form(world, **changes):
    return {
        "title": "Wachtwoordbeleid invoeren",
        "description": "Met MFA voor iedereen.",
        "norms": [world.norm("GO.01").pk, world.norm("BC.03").pk],
        "target_level": "3",
        "owner": str(world.people[COORD].pk),
        "start_date": "2027-01-01",
        "due_date": "2028-06-30",
        "status": "planned",
        "priority": "high",
        "effort_days": "4.5",
        "cost_euros": "1200",
    } | changes


def test_the_plan_shows_the_check_open_gaps_and_their_suggestions(client, plan_world):
    client.force_login(plan_world.people[COORD])

    response = client.get(plan_url(plan_world))

    page = response.content.decode()
    assert response.status_code == 200
    assert [gap.code for gap in response.context["check"].open] == ["BV.01", "GO.01", "BC.03"]
    assert "Eerste stap voor BV.01." in page
    assert "Maak hier een maatregel van" in page


def test_a_measure_is_added_with_the_form_and_closes_its_gaps(client, plan_world):
    client.force_login(plan_world.people[COORD])

    response = client.post(
        reverse("plans:measure_new", args=[plan_world.board.pk]), measure_form(plan_world)
    )

    measure = Measure.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:measure", args=[plan_world.board.pk, measure.pk])
    assert sorted(measure.links.values_list("norm__code", "target_level")) == [
        ("BC.03", 3),
        ("GO.01", 3),
    ]
    assert (measure.effort_days, measure.cost_euros) == (4.5, 1200)
    check = client.get(plan_url(plan_world)).context["check"]
    assert [gap.code for gap in check.open] == ["BV.01"]


def test_a_bad_measure_form_is_refused_with_its_errors_and_saves_nothing(client, plan_world):
    client.force_login(plan_world.people[COORD])

    response = client.post(
        reverse("plans:measure_new", args=[plan_world.board.pk]),
        measure_form(plan_world, norms=[], due_date="2028-01-01", start_date="2029-01-01"),
    )

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"norms"}
    response = client.post(
        reverse("plans:measure_new", args=[plan_world.board.pk]),
        measure_form(plan_world, due_date="2028-01-01", start_date="2029-01-01"),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["start_date"] == ["De start ligt na de einddatum."]
    assert not Measure.objects.exists()


def test_an_edit_from_a_stale_form_shows_the_conflict(client, plan_world):
    measure = plan_world.measure("GO.01", title="Oud")
    url = reverse("plans:measure", args=[plan_world.board.pk, measure.pk])
    client.force_login(plan_world.people[COORD])
    client.post(url, measure_form(plan_world, title="Eerst", revision=measure.revision))

    response = client.post(url, measure_form(plan_world, title="Later", revision=measure.revision))

    assert response.status_code == 409
    assert "Een collega heeft deze maatregel gewijzigd" in response.content.decode()
    measure.refresh_from_db()
    assert measure.title == "Eerst"


def test_one_click_on_a_suggestion_creates_an_editable_measure(client, plan_world):
    example = plan_world.norm("BV.01").example_measures.first()
    client.force_login(plan_world.people[BoardRole.CONTRIBUTOR])

    response = client.post(
        reverse("plans:suggestion_accept", args=[plan_world.board.pk, example.pk])
    )

    measure = Measure.objects.get()
    assert response["Location"] == reverse("plans:measure", args=[plan_world.board.pk, measure.pk])
    assert measure.title == example.text


def test_the_executive_accepts_a_risk_with_the_form(client, plan_world):
    client.force_login(plan_world.people[EXEC])
    url = reverse("plans:risk_new", args=[plan_world.board.pk, "BV.01"])

    refused = client.post(url, {"reason": "", "review_date": "2020-01-01"})
    accepted = client.post(
        url, {"reason": "Pas na de aanbesteding.", "review_date": str(plan_world.later(100))}
    )

    assert refused.status_code == 400
    assert accepted.status_code == 302
    assert RiskAcceptance.objects.get().reason == "Pas na de aanbesteding."


def test_approval_is_refused_with_the_open_gaps_named_then_granted(client, plan_world):
    client.force_login(plan_world.people[EXEC])
    url = reverse("plans:approve", args=[plan_world.board.pk])

    refused = client.post(url, follow=True)
    plan_world.measure("GO.01", "BC.03", "BV.01")
    granted = client.post(url, {"note": "Akkoord"}, follow=True)

    assert texts(refused) == ["Niet elke lacune is afgedekt: BV.01, GO.01, BC.03."]
    assert texts(granted) == ["Plan goedgekeurd als versie 1."]
    assert PlanVersion.objects.get().note == "Akkoord"
    version = client.get(reverse("plans:version", args=[plan_world.board.pk, 1]))
    assert "Maatregel voor GO.01, BC.03, BV.01" in version.content.decode()


def test_the_deadline_is_a_board_setting(client, plan_world):
    client.force_login(plan_world.people[COORD])

    client.post(reverse("plans:deadline", args=[plan_world.board.pk]), {"deadline": "2029-12-31"})

    assert plan_world.board.plan.deadline == datetime.date(2029, 12, 31)


def test_the_plan_page_query_count_does_not_grow_with_norms_or_measures(client, plan_world):
    client.force_login(plan_world.people[COORD])
    plan_world.measure("GO.01")

    def count():
        client.get(plan_url(plan_world))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(plan_url(plan_world)).status_code == 200
        return len(queries)

    small = count()
    document = framework_doc(slug="groot")
    document["norms"] += [norm_doc(f"GO.{n:02d}", "GO") for n in range(3, 60)]
    version = import_document(document)
    coordinator = plan_world.people[COORD]
    assessment_start(
        access=access_board(user=coordinator, board_id=plan_world.board.pk, action=Action.VIEW),
        actor=coordinator,
        framework_version=version,
        period="2027",
    )
    plan_world.version = version
    for code in ("GO.01", "GO.10", "GO.20"):
        plan_world.measure(code, "GO.30")

    assert count() == small


def test_the_plan_downloads_as_a_workbook_where_text_never_becomes_a_formula(client, plan_world):
    plan_world.measure("GO.01", "BC.03", title='=HYPERLINK("http://x","klik")')
    client.force_login(plan_world.people[BoardRole.AUDITOR])

    response = client.get(reverse("plans:export_xlsx", args=[plan_world.board.pk]))

    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["Maatregelen", "Lacunes", "Geaccepteerde risico's"]
    title = book["Maatregelen"]["A2"]
    assert (title.value, title.data_type) == ('=HYPERLINK("http://x","klik")', "s")
    gaps = {row[0]: row[5] for row in book["Lacunes"].iter_rows(min_row=2, values_only=True)}
    assert gaps == {
        "BV.01": "OPEN: geen maatregel",
        "GO.01": '=HYPERLINK("http://x","klik")',
        "BC.03": '=HYPERLINK("http://x","klik")',
    }

"""A forbidden character in what a person sends is refused with the problem, and nothing changes.

Today's 500: a NUL in an evidence link reached PostgreSQL, which cannot store it. These run on
PostgreSQL as well (docs/operations.md, "Text input").
"""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kompas.assessments.evidence import evidence_add_file
from kompas.assessments.models import Evidence, SelfAssessment
from kompas.audit.models import AuditEvent
from kompas.boards.roles import BoardRole

pytestmark = pytest.mark.django_db
COORD, EXEC = BoardRole.COORDINATOR, BoardRole.EXECUTIVE
NUL_AT_31 = (
    "Deze tekst bevat een onzichtbaar teken dat niet is toegestaan: U+0000 (NUL) op positie "
    "31. Haal het weg (dat stuk opnieuw typen is genoeg) en probeer het opnieuw."
)


@pytest.fixture
def client(client):
    client.raise_request_exception = False  # a 500 must show as one, not as an exception
    return client


def texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def evidence_url(world):
    return reverse("assessments:evidence_add", args=[world.board.pk, world.assessment.pk, "GO.01"])


def events(world):
    return AuditEvent.objects.filter(board_id=world.board.pk).count()


def test_a_nul_in_an_evidence_link_is_refused_with_the_problem_and_nothing_stored(client, world):
    client.force_login(world.people[COORD])
    before = events(world)

    response = client.post(
        evidence_url(world), {"kind": "link", "url": "https://intranet.example.nl/be\x00leid"}
    )

    assert response.status_code == 302
    assert texts(response) == [f"In de link: {NUL_AT_31}"]
    assert not Evidence.objects.exists()
    assert events(world) == before


def test_a_control_character_in_the_title_of_a_link_is_refused(client, world):
    client.force_login(world.people[COORD])

    response = client.post(
        evidence_url(world),
        {"kind": "link", "url": "https://intranet.example.nl/beleid", "title": "Beleid\x1b[31m"},
    )

    assert texts(response) == [
        (
            "In de titel: Deze tekst bevat een onzichtbaar teken dat niet is toegestaan: U+001B "
            "(ESC) op positie 7. Haal het weg (dat stuk opnieuw typen is genoeg) en probeer het "
            "opnieuw."
        )
    ]
    assert not Evidence.objects.exists()


def test_a_file_name_with_a_control_character_is_refused_by_the_service(world, settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path / "evidence"

    with pytest.raises(ValidationError) as refused:
        evidence_add_file(
            access=world.access(COORD),
            actor=world.people[COORD],
            score=world.score("GO.01"),
            upload=SimpleUploadedFile("be\x01leid.txt", b"Ons beleid."),
        )

    assert refused.value.messages == [
        (
            "In de bestandsnaam “beleid.txt”: Deze tekst bevat een onzichtbaar teken dat niet "
            "is toegestaan: U+0001 (SOH) op positie 3. Haal het weg (dat stuk opnieuw typen is "
            "genoeg) en probeer het opnieuw."
        )
    ]
    assert not Evidence.objects.exists()
    assert not any(path.is_file() for path in settings.EVIDENCE_ROOT.rglob("*"))


def test_an_upload_reaches_us_with_its_name_cleaned_by_django(client, world, tmp_path, settings):
    # Django's multipart parser drops characters that do not print from an upload's name.
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    client.force_login(world.people[COORD])
    upload = SimpleUploadedFile("be\x01le\x00id.txt", b"Ons beleid.")

    response = client.post(evidence_url(world), {"kind": "file", "file": upload})

    assert response.status_code == 302
    assert list(Evidence.objects.values_list("original_name", flat=True)) == ["beleid.txt"]


def test_a_nul_in_the_explanation_shows_beside_it_and_keeps_what_was_typed(client, world):
    client.force_login(world.people[COORD])
    url = reverse("assessments:norm", args=[world.board.pk, world.assessment.pk, "GO.01"])
    typed = "Het beleid staat op papier\r\nmaar\x00 nog niet vastgesteld."

    response = client.post(
        url,
        {"revision": 0, "level": "3", "target_level": "3", "explanation": typed, "assignee": ""},
    )

    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["explanation"] == [
        (
            "Deze tekst bevat een onzichtbaar teken dat niet is toegestaan: U+0000 (NUL) op "
            "regel 2, positie 5. Haal het weg (dat stuk opnieuw typen is genoeg) en probeer het "
            "opnieuw."
        )
    ]
    assert form["explanation"].value() == typed
    score = world.score("GO.01")
    assert (score.level, score.explanation, score.revision) == (None, "", 0)


def test_the_htmx_save_says_what_is_wrong_with_the_reason(client, world):
    client.force_login(world.people[COORD])
    url = reverse("assessments:norm", args=[world.board.pk, world.assessment.pk, "GO.01"])

    response = client.post(
        url,
        {
            "revision": 0,
            "target_level": "3",
            "not_applicable": "on",
            "not_applicable_reason": "Geen\x0bservers",
        },
        headers={"HX-Request": "true"},
    )

    assert "U+000B (VT) op positie 5" in response.text
    assert "Nog niet opgeslagen: geef de reden" not in response.text
    assert world.score("GO.01").not_applicable is False


def test_a_reason_to_reopen_with_a_nul_is_refused(client, world):
    world.assessment.scores.update(level=3)
    SelfAssessment.objects.filter(pk=world.assessment.pk).update(status="approved")
    client.force_login(world.people[EXEC])

    response = client.post(
        reverse("assessments:reopen", args=[world.board.pk, world.assessment.pk]),
        {"reason": "Nieuwe\x00 inzichten"},
    )

    assert response.status_code == 302
    assert "U+0000 (NUL) op positie 7" in " ".join(texts(response))
    assert SelfAssessment.objects.filter(board=world.board).count() == 1

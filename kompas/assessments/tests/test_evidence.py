import hashlib
import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kompas.assessments.evidence import (
    evidence_add_file,
    evidence_add_link,
    evidence_open,
    evidence_remove,
)
from kompas.assessments.models import AssessmentStatus, Evidence, FrozenError, SelfAssessment
from kompas.assessments.services import assessment_start
from kompas.audit.models import AuditAction, AuditEvent
from kompas.boards.roles import BoardRole

COORD = BoardRole.COORDINATOR
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png_bytes():
    """A real 1x1 white PNG."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def zip_bytes(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX = zip_bytes({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})


@pytest.fixture
def root(settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    return settings.EVIDENCE_ROOT


def stored_files(root):
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def add_file(world, name, content, role=COORD, code="GO.01"):
    return evidence_add_file(
        access=world.access(role),
        actor=world.people[role],
        score=world.score(code),
        upload=SimpleUploadedFile(name, content),
    )


def add_link(world, url, title="", role=COORD):
    return evidence_add_link(
        access=world.access(role),
        actor=world.people[role],
        score=world.score("GO.01"),
        url=url,
        title=title,
    )


def set_status(world, status):
    SelfAssessment.objects.filter(pk=world.assessment.pk).update(status=status)


def norm_url(world, code="GO.01"):
    return reverse("assessments:norm", args=[world.board.pk, world.assessment.pk, code])


def download_url(world, evidence):
    return reverse("assessments:evidence_download", args=[world.board.pk, evidence.pk])


def test_a_pdf_is_kept_under_the_evidence_root_with_its_sha256(world, root):
    evidence = add_file(world, "Informatiebeveiligingsbeleid 2026.pdf", PDF)

    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest()
    assert (evidence.content_type, evidence.size) == ("application/pdf", len(PDF))
    assert evidence.original_name == "Informatiebeveiligingsbeleid 2026.pdf"
    [stored] = stored_files(root)
    assert stored.read_bytes() == PDF
    assert stored.is_relative_to(root)
    assert "Informatiebeveiligingsbeleid" not in str(stored)
    assert stored.suffix == ""
    assert stored.stat().st_mode & 0o111 == 0


def test_a_png_is_recognised_by_its_content(world, root):
    evidence = add_file(world, "Schermafdruk.PNG", png_bytes())

    assert evidence.content_type == "image/png"


def test_office_documents_and_text_are_accepted(world, root):
    odt = zip_bytes({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"})

    kinds = [
        add_file(world, "beleid.docx", DOCX).content_type,
        add_file(world, "overzicht.odt", odt).content_type,
        add_file(world, "lijst.csv", b"naam;rol\nJan;fg\n").content_type,
    ]

    assert kinds == [
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.oasis.opendocument.text",
        "text/csv",
    ]


REFUSED = {
    "html named pdf": ("beleid.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
    "svg": ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'),
    "svg named png": ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
    "html named txt": ("notities.txt", b"\n  <html><body>hoi</body></html>"),
    "unknown extension": ("setup.exe", b"MZ\x90\x00"),
    "no extension": ("beleid", PDF),
    "pdf named png": ("scan.png", PDF),
    "zip without word part": ("beleid.docx", zip_bytes({"[Content_Types].xml": "<Types/>"})),
    "spreadsheet named docx": (
        "beleid.docx",
        zip_bytes({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"}),
    ),
    "document with macros": (
        "beleid.docx",
        zip_bytes(
            {
                "[Content_Types].xml": "<Types/>",
                "word/document.xml": "<w:document/>",
                "word/vbaProject.bin": "macro",
            }
        ),
    ),
    "broken zip": ("beleid.xlsx", b"PK\x03\x04 not really a zip"),
    "binary named txt": ("notities.txt", b"abc\x00\x01\x02"),
    "latin-1 text": ("notities.txt", "café".encode("latin-1")),
    "empty": ("leeg.pdf", b""),
}


@pytest.mark.parametrize("case", REFUSED.values(), ids=REFUSED.keys())
def test_a_file_whose_content_is_not_accepted_is_refused_and_nothing_is_written(world, root, case):
    name, content = case

    with pytest.raises(ValidationError):
        add_file(world, name, content)

    assert Evidence.objects.count() == 0
    assert stored_files(root) == []
    assert not AuditEvent.objects.filter(object_type="assessments.evidence").exists()


def test_a_file_over_the_size_limit_is_refused(world, root, settings):
    settings.EVIDENCE_MAX_BYTES = len(PDF) - 1

    with pytest.raises(ValidationError, match="is groter dan"):
        add_file(world, "beleid.pdf", PDF)

    assert Evidence.objects.count() == 0
    assert stored_files(root) == []


def test_a_file_at_the_size_limit_is_accepted(world, root, settings):
    settings.EVIDENCE_MAX_BYTES = len(PDF)

    assert add_file(world, "beleid.pdf", PDF).size == len(PDF)


def test_the_uploaders_path_is_not_kept_in_the_name(world, root):
    evidence = add_file(world, "..\\..\\C:\\Users\\jan\\beleid\n.pdf", PDF)

    assert evidence.original_name == "beleid.pdf"


def test_a_link_must_be_a_web_address(world):
    for url in ("javascript:alert(1)", "ftp://files.example.nl/a.pdf", "file:///etc/passwd", ""):
        with pytest.raises(ValidationError):
            add_link(world, url)

    assert Evidence.objects.count() == 0


def test_a_web_link_is_kept_with_its_title(world):
    evidence = add_link(world, " https://intranet.example.nl/beleid ", "Beleid op intranet")

    assert (evidence.url, evidence.label) == (
        "https://intranet.example.nl/beleid",
        "Beleid op intranet",
    )


def test_adding_and_removing_are_in_the_audit_trail(world, root):
    evidence = add_file(world, "beleid.pdf", PDF)
    evidence_remove(access=world.access(COORD), actor=world.people[COORD], evidence=evidence)

    events = AuditEvent.objects.filter(
        object_type="assessments.evidence", object_id=str(evidence.pk)
    ).order_by("sequence")
    assert [event.action for event in events] == [AuditAction.CREATE, AuditAction.DELETE]
    assert events[0].changes["sha256"] == [None, hashlib.sha256(PDF).hexdigest()]
    assert events[0].board_id == world.board.pk
    assert "GO.01" in events[0].object_repr


def test_removing_keeps_the_row_and_the_file(world, root):
    evidence = add_file(world, "beleid.pdf", PDF)

    removed = evidence_remove(
        access=world.access(COORD), actor=world.people[COORD], evidence=evidence
    )

    assert (removed.removed_by, removed.is_removed) == (world.people[COORD], True)
    assert len(stored_files(root)) == 1
    with pytest.raises(FrozenError):
        removed.delete()
    with pytest.raises(FrozenError):
        Evidence.objects.all().delete()


@pytest.mark.parametrize("status", [AssessmentStatus.SUBMITTED, AssessmentStatus.APPROVED])
def test_a_frozen_evaluation_refuses_adding_and_removing_evidence(world, root, status):
    evidence = add_file(world, "beleid.pdf", PDF)
    set_status(world, status)

    with pytest.raises(FrozenError):
        add_file(world, "ander.pdf", PDF)
    with pytest.raises(FrozenError):
        add_link(world, "https://example.nl/")
    with pytest.raises(FrozenError):
        evidence_remove(access=world.access(COORD), actor=world.people[COORD], evidence=evidence)
    with pytest.raises(FrozenError):
        Evidence.objects.filter(pk=evidence.pk).update(title="x")

    assert list(Evidence.objects.values_list("pk", "removed_at")) == [(evidence.pk, None)]
    assert len(stored_files(root)) == 1


def test_a_role_that_may_not_edit_cannot_add_evidence(world, root):
    with pytest.raises(PermissionDenied):
        add_file(world, "beleid.pdf", PDF, role=BoardRole.AUDITOR)

    assert stored_files(root) == []


def test_opening_a_file_records_the_download(world, root):
    evidence = add_file(world, "beleid.pdf", PDF)

    with evidence_open(
        access=world.access(BoardRole.AUDITOR),
        actor=world.people[BoardRole.AUDITOR],
        evidence=Evidence.objects.select_related("score__assessment", "score__norm").get(),
    ) as handle:
        assert handle.read() == PDF

    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, object_id=str(evidence.pk), actor_id=world.people["auditor"].pk
    ).exists()


def test_the_download_is_an_attachment_that_is_never_sniffed_or_run(client, world, root):
    evidence = add_file(world, "beleid.pdf", PDF)
    client.force_login(world.people[BoardRole.AUDITOR])

    response = client.get(download_url(world, evidence))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="beleid.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_supervisor_may_not_download_evidence(client, world, root):
    evidence = add_file(world, "beleid.pdf", PDF)
    client.force_login(world.people[BoardRole.SUPERVISOR])

    assert client.get(download_url(world, evidence)).status_code == 403


def test_a_member_of_another_board_gets_404_for_the_download(client, world, root):
    evidence = add_file(world, "beleid.pdf", PDF)
    other, outsider = world.outsider, world.outsiders[COORD]
    client.force_login(outsider)

    own_board_url = reverse("assessments:evidence_download", args=[other.pk, evidence.pk])

    assert client.get(own_board_url).status_code == 404
    assert client.get(download_url(world, evidence)).status_code == 404


def test_uploading_on_the_norm_page_adds_the_file_and_comes_back(client, world, root):
    client.force_login(world.people[COORD])
    url = reverse("assessments:evidence_add", args=[world.board.pk, world.assessment.pk, "GO.01"])

    response = client.post(
        url, {"kind": "file", "file": SimpleUploadedFile("beleid.pdf", PDF)}, follow=True
    )

    assert response.redirect_chain[-1][0] == norm_url(world)
    evidence = Evidence.objects.get()
    assert evidence.original_name == "beleid.pdf"
    assert download_url(world, evidence) in response.text
    assert evidence.sha256[:12] in response.text


def test_a_refused_upload_comes_back_with_the_reason(client, world, root):
    client.force_login(world.people[COORD])
    url = reverse("assessments:evidence_add", args=[world.board.pk, world.assessment.pk, "GO.01"])
    upload = SimpleUploadedFile("beleid.pdf", b"<html><script>alert(1)</script></html>")

    response = client.post(url, {"kind": "file", "file": upload}, follow=True)

    assert "beleid.pdf" in response.text
    assert "niet" in response.text or "not" in response.text
    assert Evidence.objects.count() == 0


def test_an_oversized_request_is_refused_before_it_is_read(client, world, root, settings):
    settings.EVIDENCE_MAX_BYTES = 10
    client.force_login(world.people[COORD])
    url = reverse("assessments:evidence_add", args=[world.board.pk, world.assessment.pk, "GO.01"])
    big = SimpleUploadedFile("beleid.pdf", PDF + b"x" * 70_000)

    response = client.post(url, {"kind": "file", "file": big})

    assert response.status_code == 302
    assert Evidence.objects.count() == 0
    assert stored_files(root) == []


def test_a_link_is_added_and_opens_safely(client, world):
    client.force_login(world.people[COORD])
    url = reverse("assessments:evidence_add", args=[world.board.pk, world.assessment.pk, "GO.01"])

    response = client.post(
        url, {"kind": "link", "url": "https://intranet.example.nl/beleid"}, follow=True
    )

    assert 'href="https://intranet.example.nl/beleid" rel="noopener noreferrer"' in response.text


def test_removing_on_the_norm_page(client, world, root):
    evidence = add_file(world, "beleid.pdf", PDF)
    client.force_login(world.people[COORD])
    url = reverse(
        "assessments:evidence_remove",
        args=[world.board.pk, world.assessment.pk, "GO.01", evidence.pk],
    )

    response = client.post(url)

    assert response.status_code == 302
    evidence.refresh_from_db()
    assert evidence.is_removed


def test_removing_through_another_norms_url_is_404(client, world, root):
    evidence = add_file(world, "beleid.pdf", PDF)
    client.force_login(world.people[COORD])
    url = reverse(
        "assessments:evidence_remove",
        args=[world.board.pk, world.assessment.pk, "GO.02", evidence.pk],
    )

    assert client.post(url).status_code == 404
    evidence.refresh_from_db()
    assert not evidence.is_removed


def test_a_read_only_role_sees_the_evidence_but_no_forms(client, world, root):
    add_file(world, "beleid.pdf", PDF)
    client.force_login(world.people[BoardRole.AUDITOR])

    html = client.get(norm_url(world)).text

    assert "beleid.pdf" in html
    assert 'type="file"' not in html


def test_the_evidence_forms_are_not_inside_the_score_form(client, world):
    client.force_login(world.people[COORD])

    html = client.get(norm_url(world)).text

    score_form = html.split('class="form score-form"', 1)[1].split("</form>", 1)[0]
    assert 'name="kind"' not in score_form
    assert 'enctype="multipart/form-data"' in html


def test_the_norm_page_needs_no_query_per_evidence_item(client, world, root):
    client.force_login(world.people[COORD])

    def count():
        client.get(norm_url(world))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(norm_url(world)).status_code == 200
        return len(queries)

    add_file(world, "een.pdf", PDF)
    one = count()
    for number in range(5):
        add_file(world, f"{number}.pdf", PDF)
        add_link(world, f"https://example.nl/{number}")
    evidence_remove(
        access=world.access(COORD), actor=world.people[COORD], evidence=Evidence.objects.all()[0]
    )

    assert count() == one


def test_a_stored_file_has_no_address_of_its_own(world, root):
    evidence = add_file(world, "beleid.pdf", PDF)

    with pytest.raises(ValueError, match="access layer"):
        evidence.file.url  # noqa: B018 - the property is the thing under test


def test_current_evidence_goes_along_to_the_next_period_and_removed_evidence_does_not(world, root):
    kept = add_file(world, "beleid.pdf", PDF)
    gone = add_link(world, "https://intranet.example.nl/oud")
    evidence_remove(access=world.access(COORD), actor=world.people[COORD], evidence=gone)

    following = assessment_start(
        access=world.access(COORD),
        actor=world.people[COORD],
        framework_version=world.version,
        period="2027",
        previous=world.assessment,
    )

    copies = Evidence.objects.filter(score__assessment=following)
    assert [(e.score.norm.code, e.original_name, e.sha256, e.file.name) for e in copies] == [
        ("GO.01", "beleid.pdf", kept.sha256, kept.file.name)
    ]
    assert copies.get().file.read() == PDF

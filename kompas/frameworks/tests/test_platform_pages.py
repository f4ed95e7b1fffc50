import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kompas.audit.models import AuditAction, AuditEvent
from kompas.boards.models import SectorAssignment
from kompas.boards.roles import SectorRole
from kompas.frameworks.models import FrameworkVersion, Mapping
from kompas.testing.frameworks import (
    framework_doc,
    import_document,
    import_mapping_document,
    revision_docs,
)
from kompas.testing.people import UserFactory

INDEX = reverse("platform_frameworks:index")
CONFIRM = reverse("platform_frameworks:confirm")


@pytest.fixture
def admin(db):
    user = UserFactory.create(email="beheer@platform.example.nl")
    SectorAssignment.objects.create(user=user, role=SectorRole.PLATFORM_ADMIN)
    return user


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


@pytest.fixture(autouse=True)
def upload_root(settings, tmp_path):
    settings.FRAMEWORK_UPLOAD_ROOT = tmp_path / "framework-uploads"
    return settings.FRAMEWORK_UPLOAD_ROOT


def staged(root):
    return sorted(root.glob("*")) if root.exists() else []


def upload(client, document, name="kader.yaml"):
    raw = document if isinstance(document, bytes) else yaml.safe_dump(document).encode()
    return client.post(INDEX, {"document": SimpleUploadedFile(name, raw)})


def ticket_of(response):
    return response.context["checked"].ticket


def platform_events():
    return AuditEvent.objects.filter(board_id=None, action=AuditAction.CREATE)


@pytest.mark.parametrize("role", [SectorRole.PROGRAMME_ANALYST, SectorRole.INSPECTOR])
def test_it_refuses_other_sector_roles(client, db, role):
    user = UserFactory.create()
    SectorAssignment.objects.create(user=user, role=role)
    client.force_login(user)

    assert client.get(INDEX).status_code == 403
    assert upload(client, framework_doc()).status_code == 403
    assert client.post(CONFIRM, {"ticket": "x"}).status_code == 403


def test_it_refuses_a_board_member_and_sends_strangers_to_sign_in(client, db):
    assert client.get(INDEX).status_code == 302
    client.force_login(UserFactory.create())
    assert client.get(INDEX).status_code == 403


def test_it_lists_installed_versions_and_mappings(admin_client):
    old, new, mapping = revision_docs()
    import_document(old)
    import_document(new)
    import_mapping_document(mapping)

    html = admin_client.get(INDEX).text

    assert html.count("Testkader") >= 2
    assert "/frameworks/test-kader/2.0/" in html
    assert "Van 1.0 naar 2.0" in html


def test_the_list_page_costs_the_same_queries_for_more_versions_and_mappings(
    admin_client, django_assert_num_queries
):
    old, new, mapping = revision_docs()
    import_document(old)
    import_document(new)
    import_mapping_document(mapping)
    with CaptureQueriesContext(connection) as one:
        admin_client.get(INDEX)
    for number in ("3.0", "4.0", "5.0"):
        old, new, mapping = revision_docs(slug=f"kader-{number[0]}")
        import_document(old)
        import_document(new)
        import_mapping_document(mapping)

    with django_assert_num_queries(len(one)):
        response = admin_client.get(INDEX)

    assert len(response.context["versions"]) == 8
    assert len(response.context["mappings"]) == 4


def test_a_bad_file_shows_every_located_problem_and_writes_nothing(admin_client, upload_root):
    document = framework_doc()
    document["norms"][0]["criteria"][0]["level"] = 6
    document["norms"][1]["domain"] = "XX"
    before = AuditEvent.objects.count()

    response = upload(admin_client, document)

    assert response.status_code == 400
    problems = response.context["checked"].problems
    assert all(problem.line for problem in problems)
    locations = {problem.location for problem in problems}
    assert "norms[0].criteria[0].level" in locations
    assert response.context["checked"].ticket == ""
    assert "Nothing has been imported" in response.text or "niets" in response.text.lower()
    assert not FrameworkVersion.objects.exists()
    assert staged(upload_root) == []
    assert AuditEvent.objects.count() == before


def test_a_file_of_neither_format_is_refused_with_its_line(admin_client):
    response = upload(admin_client, b"# kader\nformat: iets-anders\n")

    assert response.status_code == 400
    (problem,) = response.context["checked"].problems
    assert (problem.line, problem.location) == (2, "format")


def test_broken_yaml_and_oversized_files_are_refused(admin_client, settings):
    response = upload(admin_client, b"format: [\n")
    assert response.status_code == 400
    assert "invalid YAML" in response.context["checked"].problems[0].message

    settings.FRAMEWORK_IMPORT_MAX_BYTES = 10
    response = upload(admin_client, framework_doc())
    assert response.status_code == 400
    assert "the limit is 10 bytes" in response.context["checked"].problems[0].message


def test_confirming_imports_the_previewed_version_and_audits_it(admin_client, admin, upload_root):
    response = upload(admin_client, framework_doc())
    assert response.status_code == 200
    assert not FrameworkVersion.objects.exists()
    assert len(staged(upload_root)) == 1

    response = admin_client.post(CONFIRM, {"ticket": ticket_of(response)}, follow=True)

    version = FrameworkVersion.objects.get()
    assert version.version == "1.0"
    assert staged(upload_root) == []
    (event,) = platform_events()
    assert event.actor_id == admin.pk
    assert event.object_id == str(version.pk)
    assert event.changes["imported_from"][1]["checksum"] == version.checksum
    assert "Testkader 1.0" in response.text


def test_a_second_confirmation_does_not_import_twice(admin_client):
    ticket = ticket_of(upload(admin_client, framework_doc()))
    admin_client.post(CONFIRM, {"ticket": ticket})

    response = admin_client.post(CONFIRM, {"ticket": ticket}, follow=True)

    assert response.status_code == 200
    assert FrameworkVersion.objects.count() == 1
    assert platform_events().count() == 1
    assert "already been imported" in response.text or "al geïmporteerd" in response.text


def test_a_forged_or_foreign_ticket_imports_nothing(admin_client, client, db):
    response = admin_client.post(CONFIRM, {"ticket": "forged"}, follow=True)
    assert response.status_code == 200
    ticket = ticket_of(upload(admin_client, framework_doc()))
    other = UserFactory.create()
    SectorAssignment.objects.create(user=other, role=SectorRole.PLATFORM_ADMIN)
    client.force_login(other)

    response = client.post(CONFIRM, {"ticket": ticket}, follow=True)

    assert response.status_code == 200
    assert not FrameworkVersion.objects.exists()


def test_an_identical_version_is_a_no_op_with_nothing_to_confirm(admin_client, upload_root):
    import_document(framework_doc())

    response = upload(admin_client, framework_doc())

    assert response.status_code == 200
    assert response.context["checked"].preview.identical is not None
    assert response.context["checked"].ticket == ""
    assert staged(upload_root) == []


def test_a_new_version_shows_its_changes_against_the_previous_one(admin_client):
    old, new, _mapping = revision_docs()
    import_document(old)

    response = upload(admin_client, new)

    changes = response.context["checked"].preview.changes
    assert [line.code for line in changes.new] == ["BC.04", "BV.03"]
    assert "BV.01" in response.text
    assert response.context["checked"].preview.boards == []


def test_a_new_version_names_the_boards_on_an_earlier_version(admin_client, world):
    response = upload(admin_client, framework_doc(version="2.0"))

    assert [board.name for board in response.context["checked"].preview.boards] == ["Stichting A"]
    assert "Stichting A" in response.text
    assert "Stichting B" not in response.text


def test_a_mapping_is_previewed_and_imported(admin_client):
    old, new, mapping = revision_docs()
    import_document(old)
    import_document(new)

    response = upload(admin_client, mapping, name="mapping.yaml")
    preview = response.context["checked"].preview
    assert preview.kind == "mapping"
    assert dict(preview.relationships)["equal"] == 2
    assert "Beleid en planning informatiebeveiliging" in response.text  # a pair's target title
    assert 'id="lines-superset"' in response.text
    assert 'id="lines-intersects"' not in response.text  # a relationship the file does not use
    admin_client.post(CONFIRM, {"ticket": ticket_of(response)})

    mapping_row = Mapping.objects.get()
    (event,) = platform_events()
    assert event.object_type == "frameworks.mapping"
    assert event.object_id == str(mapping_row.pk)


def test_a_mapping_between_missing_versions_is_refused_with_its_place(admin_client):
    _old, _new, mapping = revision_docs()

    response = upload(admin_client, mapping, name="mapping.yaml")

    assert response.status_code == 400
    locations = {problem.location for problem in response.context["checked"].problems}
    assert locations == {"source.version", "target.version"}


def test_a_version_imported_meanwhile_by_command_is_reported_not_doubled(admin_client):
    ticket = ticket_of(upload(admin_client, framework_doc()))
    import_document(framework_doc())

    response = admin_client.post(CONFIRM, {"ticket": ticket}, follow=True)

    assert FrameworkVersion.objects.count() == 1
    assert platform_events().count() == 0
    assert response.status_code == 200


def test_a_conflict_found_at_confirmation_is_shown_and_nothing_written(admin_client):
    ticket = ticket_of(upload(admin_client, framework_doc()))
    changed = framework_doc()
    changed["norms"][0]["title"] = "Anders"
    import_document(changed)

    response = admin_client.post(CONFIRM, {"ticket": ticket})

    assert response.status_code == 400
    assert "already exists with different content" in response.text
    assert FrameworkVersion.objects.count() == 1

"""Issue 16: the platform admin imports a revised framework version and its mapping from a page."""

import pytest
import yaml
from playwright.sync_api import expect

from kompas.boards.models import SectorAssignment
from kompas.boards.roles import SectorRole
from kompas.demo.seed import DEFAULT_DEMO_PASSWORD
from kompas.frameworks.models import FrameworkVersion, Mapping
from kompas.testing.frameworks import import_document, revision_docs
from kompas.testing.people import UserFactory

pytestmark = pytest.mark.browser

EMAIL = "beheer@platform.example.nl"
FILE_LABEL = "Kader- of mappingbestand (.yaml)"


@pytest.fixture
def catalogue(transactional_db, settings, tmp_path):
    settings.REQUIRE_MFA = False
    settings.FRAMEWORK_UPLOAD_ROOT = tmp_path / "uploads"
    user = UserFactory.create(email=EMAIL)
    user.set_password(DEFAULT_DEMO_PASSWORD)
    user.save()
    SectorAssignment.objects.create(user=user, role=SectorRole.PLATFORM_ADMIN)
    old, new, mapping = revision_docs()
    import_document(old)
    files = {}
    for name, document in (("kader-2.0.yaml", new), ("mapping.yaml", mapping)):
        files[name] = tmp_path / name
        files[name].write_text(yaml.safe_dump(document, allow_unicode=True), "utf-8")
    broken = dict(new, version=dict(new["version"], target_level=9))
    files["fout.yaml"] = tmp_path / "fout.yaml"
    files["fout.yaml"].write_text(yaml.safe_dump(broken, allow_unicode=True), "utf-8")
    return files


def check(page, assert_accessible, assert_fits):
    assert_fits(page)
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 720})


def test_the_admin_previews_and_confirms_a_version_and_its_mapping(
    signed_in, live_server, catalogue, assert_accessible, assert_fits
):
    admin = signed_in(EMAIL)
    admin.goto(f"{live_server.url}/platform/frameworks/")
    expect(admin.get_by_role("heading", name="Kadercatalogus")).to_be_visible()
    check(admin, assert_accessible, assert_fits)

    admin.get_by_label(FILE_LABEL).set_input_files(catalogue["fout.yaml"])
    admin.get_by_role("button", name="Bestand controleren").click()
    expect(admin.get_by_text("Er is niets geïmporteerd")).to_be_visible()
    expect(admin.get_by_text("version.target_level")).to_be_visible()
    check(admin, assert_accessible, assert_fits)

    admin.get_by_label(FILE_LABEL).set_input_files(catalogue["kader-2.0.yaml"])
    admin.get_by_role("button", name="Bestand controleren").click()
    expect(admin.get_by_text("2 nieuwe normen")).to_be_visible()
    expect(admin.get_by_role("rowheader", name="BC.04")).to_be_visible()
    check(admin, assert_accessible, assert_fits)
    assert FrameworkVersion.objects.count() == 1

    admin.get_by_role("button", name="Deze versie importeren").click()
    expect(admin.get_by_text("Kaderversie Testkader 2.0 geïmporteerd.")).to_be_visible()
    assert FrameworkVersion.objects.count() == 2

    admin.get_by_label(FILE_LABEL).set_input_files(catalogue["mapping.yaml"])
    admin.get_by_role("button", name="Bestand controleren").click()
    expect(admin.get_by_role("heading", name="Betrokken besturen")).to_be_visible()
    superset = admin.get_by_role("table", name="Omvat (2)")
    expect(superset.get_by_role("cell", name="BC.04 Hersteltest van back-ups")).to_be_visible()
    check(admin, assert_accessible, assert_fits)

    admin.get_by_role("button", name="Deze mapping importeren").click()
    expect(admin.get_by_text("geïmporteerd.")).to_be_visible()
    assert Mapping.objects.count() == 1
    check(admin, assert_accessible, assert_fits)

import pytest
from django.core.cache import cache
from django.utils import translation

from kompas.testing.world import PlanWorld, ReportWorld, World


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is deliberately slow; tests need correct hashing, not slow hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _evidence_in_a_temporary_folder(settings, tmp_path_factory):
    # Uploaded evidence from any test lands in pytest's temporary folder, never in var/.
    settings.EVIDENCE_ROOT = tmp_path_factory.getbasetemp() / "evidence"


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate limits (failed sign-ins) live in the cache; one test's attempts must not block another.
    cache.clear()
    yield
    cache.clear()


def pytest_collection_modifyitems(config, items):
    # "page" is Playwright's browser-page fixture. A unit test that names a parameter "page"
    # pulls Playwright's browser fixtures in around its database, and on PostgreSQL that leaves
    # a session holding the test database open. Keep the name for browser tests.
    misnamed = [
        item.nodeid
        for item in items
        if "page" in getattr(item, "fixturenames", ()) and "browser" not in item.keywords
    ]
    if misnamed:
        raise pytest.UsageError(
            "Only browser tests may use a parameter or fixture called 'page': "
            + ", ".join(misnamed)
        )


@pytest.fixture
def english(client, settings):
    """English message ids in services and on `client`'s pages, whatever the catalogue holds."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


# The one test world (kompas/testing/world.py), offered to every app's tests.
@pytest.fixture
def world(db):
    return World()


@pytest.fixture
def plan_world(db):
    return PlanWorld()


@pytest.fixture
def report_world(db):
    return ReportWorld()

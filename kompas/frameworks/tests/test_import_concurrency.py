"""The same framework version or mapping confirmed on the platform page several times at once.

Each confirmation has a ticket of its own (the file was previewed in several tabs, or by two
admins), so the staged-file claim does not serialise them: the database does. One import
creates the version or mapping and is audited; the others find it installed with identical
content. (Before the retry on a unique violation, a new framework or mapping confirmed twice
at once answered 500 on PostgreSQL with an IntegrityError.)
"""

import pytest
import yaml
from django.utils import translation

from kompas.audit.models import AuditAction, AuditEvent
from kompas.boards.models import SectorAssignment
from kompas.boards.roles import SectorRole
from kompas.frameworks.models import Framework, FrameworkVersion, Mapping
from kompas.frameworks.uploads import Imported, upload_check, upload_confirm
from kompas.testing.concurrency import at_once, on_postgresql
from kompas.testing.frameworks import framework_doc, import_document, revision_docs
from kompas.testing.people import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), on_postgresql]

TIMES = 6


@pytest.fixture(autouse=True)
def upload_root(settings, tmp_path):
    settings.FRAMEWORK_UPLOAD_ROOT = tmp_path / "framework-uploads"


def admin():
    user = UserFactory.create()
    SectorAssignment.objects.create(user=user, role=SectorRole.PLATFORM_ADMIN)
    return user


def confirm_at_once(document):
    actor = admin()
    raw = yaml.safe_dump(document, allow_unicode=True).encode()
    checks = [upload_check(actor=actor, filename="f.yaml", data=raw) for _ in range(TIMES)]
    assert all(checked.ticket for checked in checks)
    tickets = [checked.ticket for checked in checks]

    def confirm():
        ticket = tickets.pop()  # atomic under the GIL: each thread its own ticket
        with translation.override("en"):
            return upload_confirm(actor=actor, ticket=ticket)

    return at_once(confirm, times=TIMES)


def created_events():
    return AuditEvent.objects.filter(board_id=None, action=AuditAction.CREATE)


def test_a_new_framework_confirmed_at_once_is_imported_once():
    outcomes = confirm_at_once(framework_doc())

    assert all(isinstance(outcome, Imported) for outcome in outcomes), outcomes
    assert sorted(outcome.created for outcome in outcomes) == [False] * (TIMES - 1) + [True]
    assert Framework.objects.count() == 1
    assert FrameworkVersion.objects.count() == 1
    assert created_events().count() == 1


def test_a_new_version_confirmed_at_once_is_imported_once():
    import_document(framework_doc())

    outcomes = confirm_at_once(framework_doc(version="2.0"))

    assert all(isinstance(outcome, Imported) for outcome in outcomes), outcomes
    assert [outcome.created for outcome in outcomes].count(True) == 1
    assert FrameworkVersion.objects.count() == 2
    assert created_events().count() == 1


def test_a_mapping_confirmed_at_once_is_imported_once():
    old, new, mapping = revision_docs()
    import_document(old)
    import_document(new)

    outcomes = confirm_at_once(mapping)

    assert all(isinstance(outcome, Imported) for outcome in outcomes), outcomes
    assert [outcome.created for outcome in outcomes].count(True) == 1
    assert Mapping.objects.count() == 1
    assert created_events().count() == 1

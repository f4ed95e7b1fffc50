import pytest

from kompas.core.demo import SHIPPED_FRAMEWORK
from kompas.frameworks.fileformat import FrameworkDocument, checksum_of, normalise
from kompas.frameworks.services import framework_import, framework_import_document
from kompas.frameworks.tests.builders import framework_doc


def import_document(document):
    normalised = normalise(document)
    loaded = FrameworkDocument(normalised, checksum_of(normalised))
    return framework_import_document(document=loaded, filename="test.yaml").version


@pytest.fixture
def small_version(db):
    return import_document(framework_doc())


@pytest.fixture
def shipped_version(db):
    return framework_import(path=SHIPPED_FRAMEWORK).version

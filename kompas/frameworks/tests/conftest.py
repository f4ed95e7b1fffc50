import pytest

from kompas.frameworks.normenkader import SHIPPED_FRAMEWORK
from kompas.frameworks.services import framework_import
from kompas.testing.frameworks import framework_doc, import_document


@pytest.fixture
def small_version(db):
    return import_document(framework_doc())


@pytest.fixture
def shipped_version(db):
    return framework_import(path=SHIPPED_FRAMEWORK).version

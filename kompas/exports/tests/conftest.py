import pytest

from kompas.exports.tests.export_world import ExportWorld


@pytest.fixture
def export_world(db):
    return ExportWorld()

import pytest

from kompas.monitoring.tests.sector_world import Sector


@pytest.fixture
def sector(db):
    return Sector()

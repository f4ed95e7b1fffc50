import pytest

from kompas.testing.sector import Sector


@pytest.fixture
def sector(db):
    return Sector()

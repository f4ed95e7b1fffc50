"""Pytest plugin (loaded with -p from pyproject.toml) that sets the test environment.

It runs before pytest-django reads the settings, which a conftest.py would be too late for.
Tests run as local use (DEBUG on, generated key); connections are not kept between requests so
that the live server's threads never hold the test database open at teardown.
"""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DATABASE_CONN_MAX_AGE", "0")

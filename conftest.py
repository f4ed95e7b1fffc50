"""Test-wide setup. Settings need DEBUG or a SECRET_KEY; the test suite runs as local use."""

import os

os.environ.setdefault("DEBUG", "true")

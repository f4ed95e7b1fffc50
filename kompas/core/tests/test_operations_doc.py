"""Every environment variable the settings read is documented in docs/operations.md."""

import re
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[3]
READS = re.compile(r"""(?:os\.environ\.get|env_[a-z]+)\(\s*["']([A-Z_]+)["']""")


def test_every_setting_variable_is_documented():
    settings_source = (BASE_DIR / "config" / "settings.py").read_text(encoding="utf-8")
    documented = (BASE_DIR / "docs" / "operations.md").read_text(encoding="utf-8")

    variables = set(READS.findall(settings_source))

    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "MEDIA_ROOT"} <= variables
    undocumented = sorted(name for name in variables if f"`{name}`" not in documented)
    assert undocumented == []

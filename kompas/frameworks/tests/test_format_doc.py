"""The documented example in docs/framework-format.md is a valid framework file."""

import re
from pathlib import Path

from django.core.management import call_command

from kompas.frameworks.models import Norm

DOC = Path(__file__).resolve().parents[3] / "docs" / "framework-format.md"


def test_the_documented_example_imports(db, tmp_path):
    example = re.search(r"## A complete example.*?```yaml\n(.*?)```", DOC.read_text(), re.DOTALL)
    assert example is not None
    path = tmp_path / "voorbeeld.yaml"
    path.write_text(example.group(1), encoding="utf-8")

    call_command("import_framework", str(path))

    norm = Norm.objects.get(framework_version__framework__slug="voorbeeldkader")
    assert norm.code == "OP.02"
    assert norm.criteria.count() == 5

"""The documented examples in docs/framework-format.md and docs/mapping-format.md import."""

import re
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from kompas.frameworks.models import Mapping, Norm
from kompas.testing.frameworks import import_document, revision_docs

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


MAPPING_DOC = DOC.with_name("mapping-format.md")


def test_the_documented_mapping_example_imports(db, tmp_path):
    old, new, _mapping = revision_docs()
    import_document(old)
    import_document(new)
    example = re.search(
        r"## A complete example.*?```yaml\n(.*?)```", MAPPING_DOC.read_text(), re.DOTALL
    )
    assert example is not None
    path = tmp_path / "mapping.yaml"
    path.write_text(example.group(1), encoding="utf-8")

    call_command("import_mapping", str(path), stdout=StringIO())

    mapping = Mapping.objects.get()
    assert mapping.pairs.count() == 8
    assert mapping.pairs.get(relationship="removed").note == (
        "Opgegaan in de wettelijke meldplicht."
    )

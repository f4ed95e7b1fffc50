"""The layers of docs/architecture.md, kept: no app imports an app above it.

Every module's imports are read with `ast` (no code runs), including imports inside functions
and under TYPE_CHECKING: a back-arrow is a back-arrow wherever it is written. Test modules may
use any app (a test of reports may seed demo data), but never another app's tests package: what
tests share lives in `kompas.testing`.
"""

import ast
import graphlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "kompas"

# The apps from the ground floor up; an app may import only apps before it in this list.
# docs/architecture.md shows the same order (checked below).
LAYERS = (
    "core",
    "accounts",
    "audit",
    "boards",
    "frameworks",
    "assessments",
    "plans",
    "incidents",
    "reports",
    "monitoring",
    "notifications",
    "exports",
    "demo",
)
# Packages under kompas/ that are no app: the shared test world, imported by tests only.
SUPPORT = {"testing"}
# Imports that go against the order on purpose: (module, imported app) -> why. Keep it short.
EXCEPTIONS: dict[tuple[str, str], str] = {}


def imported_modules(path: Path) -> Iterator[tuple[int, str]]:
    """(line, module) for every import in the file, relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module_name(path)
    if path.name != "__init__.py":
        package = package.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                yield node.lineno, f"{base}.{node.module}" if node.module else base
            elif node.module:
                yield node.lineno, node.module


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def app_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "kompas" else None


def is_test_module(module: str) -> bool:
    return ".tests" in module or module.startswith("kompas.testing")


def source_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if "migrations" not in p.parts)


def back_imports(root: Path, layers: tuple[str, ...] = LAYERS) -> list[str]:
    """Every import from an app to an app above it, as "file:line: a -> b (module)"."""
    rank = {app: position for position, app in enumerate(layers)}
    found = []
    for path in source_files(root):
        importer = module_name(path)
        here = app_of(importer)
        if here is None or here in SUPPORT or is_test_module(importer):
            continue
        for line, imported in imported_modules(path):
            there = app_of(imported)
            if there is None or there == here or (importer, there) in EXCEPTIONS:
                continue
            if there in SUPPORT or rank[there] > rank[here]:
                found.append(f"{path.relative_to(ROOT)}:{line}: {here} -> {there} ({imported})")
    return found


def foreign_test_imports(roots: list[Path]) -> list[str]:
    """Imports of another app's tests package (or of a top-level test module) from a test."""
    found = []
    for root in roots:
        for path in source_files(root):
            importer = module_name(path)
            for line, imported in imported_modules(path):
                if ".tests" not in imported and not imported.startswith("tests."):
                    continue
                same_package = imported.split(".tests")[0] == importer.split(".tests")[0]
                if not same_package:
                    found.append(f"{path.relative_to(ROOT)}:{line}: imports {imported}")
    return found


def module_imports(root: Path) -> dict[str, set[str]]:
    """For every project module, the project modules it imports when it is loaded."""
    modules = {module_name(path): path for path in source_files(root)}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:  # what runs at import; imports inside functions run later
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                targets = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            else:
                continue
            graph[name] |= {target for target in targets if target in modules} - {name}
    return graph


def test_every_app_is_in_the_layer_order():
    apps = {p.parent.name for p in PACKAGE.glob("*/apps.py")}
    assert apps == set(LAYERS)


def test_no_app_imports_an_app_above_it():
    assert back_imports(PACKAGE) == []


def test_no_modules_import_each_other_in_a_circle():
    graphlib.TopologicalSorter(module_imports(PACKAGE)).prepare()  # raises CycleError


def test_a_circle_is_caught(tmp_path, monkeypatch):
    monkeypatch.setattr("tests.test_layers.ROOT", tmp_path)
    write(tmp_path, "kompas/plans/roadmap.py", "from kompas.plans.selectors import plan_check\n")
    write(tmp_path, "kompas/plans/selectors.py", "from kompas.plans import roadmap\n")

    with pytest.raises(graphlib.CycleError):
        graphlib.TopologicalSorter(module_imports(tmp_path / "kompas")).prepare()


def test_core_imports_no_app_of_the_project():
    core = [
        f"{path.relative_to(ROOT)}:{line}: {imported}"
        for path in source_files(PACKAGE / "core")
        if not is_test_module(module_name(path))
        for line, imported in imported_modules(path)
        if app_of(imported) not in (None, "core")
    ]
    assert core == []


def test_no_test_imports_another_apps_tests():
    assert foreign_test_imports([PACKAGE, ROOT / "tests", ROOT / "bench"]) == []


def test_the_exceptions_are_still_needed():
    still = {
        (module_name(path), app_of(imported))
        for path in source_files(PACKAGE)
        for _line, imported in imported_modules(path)
    }
    assert [pair for pair in EXCEPTIONS if pair not in still] == []


def test_the_architecture_document_shows_the_same_order():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    found = re.search(r"^Layers, from the ground floor up: (.+)\.$", text, re.MULTILINE)
    assert found, "docs/architecture.md has no line 'Layers, from the ground floor up: ...'"
    assert tuple(re.findall(r"`(\w+)`", found.group(1))) == LAYERS


def write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_a_new_back_import_is_caught(tmp_path, monkeypatch):
    monkeypatch.setattr("tests.test_layers.ROOT", tmp_path)
    write(tmp_path, "kompas/boards/services.py", "from kompas.audit.services import record\n")
    write(tmp_path, "kompas/audit/views.py", "def view():\n    from kompas.boards import access\n")
    write(tmp_path, "kompas/audit/tests/test_views.py", "from kompas.boards import access\n")

    found = back_imports(tmp_path / "kompas")

    assert found == ["kompas/audit/views.py:2: audit -> boards (kompas.boards)"]


def test_a_relative_back_import_is_caught(tmp_path, monkeypatch):
    monkeypatch.setattr("tests.test_layers.ROOT", tmp_path)
    write(tmp_path, "kompas/core/views.py", "from ..frameworks import selectors\n")

    assert back_imports(tmp_path / "kompas") == [
        "kompas/core/views.py:1: core -> frameworks (kompas.frameworks)"
    ]


def test_a_test_importing_another_apps_tests_is_caught(tmp_path, monkeypatch):
    monkeypatch.setattr("tests.test_layers.ROOT", tmp_path)
    write(tmp_path, "kompas/plans/tests/conftest.py", "from kompas.plans.tests.world import W\n")
    write(tmp_path, "kompas/reports/tests/test_pdf.py", "from kompas.plans.tests import conftest\n")

    assert foreign_test_imports([tmp_path / "kompas"]) == [
        "kompas/reports/tests/test_pdf.py:1: imports kompas.plans.tests"
    ]

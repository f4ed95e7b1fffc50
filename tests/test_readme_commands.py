"""The README's command table names every management command the project ships."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def shipped_commands() -> set[str]:
    return {
        path.stem
        for path in (ROOT / "kompas").glob("*/management/commands/*.py")
        if not path.stem.startswith("_")
    }


def documented_commands() -> set[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = [line for line in readme.splitlines() if line.startswith("| `")]
    return {
        found.group(1)
        for line in table
        if (found := re.match(r"\| `python manage\.py ([a-z_]+)", line))
    }


def test_the_project_ships_the_commands_this_test_expects():
    assert {"seed_demo", "seed_sector", "export_board", "import_board"} <= shipped_commands()


def test_every_management_command_is_in_the_readme_table():
    assert sorted(shipped_commands() - documented_commands()) == []

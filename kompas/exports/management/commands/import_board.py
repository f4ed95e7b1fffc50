from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kompas.exports.board_import import BoardFileError, board_import, parse_board_file


class Command(BaseCommand):
    help = (
        "Restore a board from its JSON export (docs/board-export.md) into an installation without "
        "that board. The whole document is checked before anything is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the board export (JSON)")

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        filename = str(path)
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{filename}: cannot read the file: {error.strerror}") from None
        try:
            result = board_import(
                document=parse_board_file(raw, filename=filename),
                filename=filename,
                actor_email="manage.py import_board",
            )
        except BoardFileError as error:
            raise CommandError(
                "\n".join(["The board was not imported; nothing was written:", *error.lines()])
            ) from None
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(warning))
        board = result.board
        self.stdout.write(self.style.SUCCESS(f"Imported {board.name} ({board.bg_number})."))
        if result.created_rounds:
            self.stdout.write(
                "Recreated monitoring rounds, closed, to hold the board's submissions: "
                + "; ".join(result.created_rounds)
            )
        if result.created_people:
            self.stdout.write(
                f"Created {len(result.created_people)} accounts without a password; they sign "
                "in through a password reset or single sign-on: " + ", ".join(result.created_people)
            )

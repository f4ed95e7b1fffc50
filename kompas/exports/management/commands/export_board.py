import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kompas.boards.models import Board
from kompas.exports.board_export import BoardExportError, board_export


class Command(BaseCommand):
    help = (
        "Export all of a board's data as one JSON document (docs/board-export.md), evidence "
        "files included; import_board restores it into another installation."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("bg_number", help="the board's bevoegd-gezagnummer, e.g. 41234")
        parser.add_argument(
            "--output", default="-", help="file to write, or - for standard output (default)"
        )

    def handle(self, *args: Any, bg_number: str, output: str, **options: Any) -> None:
        board = Board.objects.filter(bg_number=bg_number).first()
        if board is None:
            raise CommandError(f"There is no board with bevoegd-gezagnummer {bg_number!r}.")
        try:
            text = board_export(board=board, actor_email="manage.py export_board")
        except BoardExportError as error:
            raise CommandError(f"{board.name} was not exported: {error}") from None
        if output == "-":
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {board.name} ({board.bg_number}) to {output}.")

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kompas.plans.threats import SHIPPED_THREATS, ThreatFileError, threat_catalogue_load


class Command(BaseCommand):
    help = (
        "Add the threats of a threat catalogue file (default: the shipped catalogue) that are "
        "not present yet. Threats already present are left as they are, so edits made in the "
        "admin survive; a file with any problem changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            type=Path,
            default=SHIPPED_THREATS,
            help="the catalogue file (default: kompas/plans/shipped/threats.yaml)",
        )

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        try:
            result = threat_catalogue_load(path=path)
        except ThreatFileError as error:
            raise CommandError(
                "\n".join(["The threat catalogue was not loaded:", *error.lines()])
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Threat catalogue: {len(result.created)} added, "
                f"{len(result.kept)} already present (left as they are)."
            )
        )

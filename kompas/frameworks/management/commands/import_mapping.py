from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kompas.frameworks.mappingformat import MappingFileError
from kompas.frameworks.mappings import MappingConflict, mapping_import


class Command(BaseCommand):
    help = (
        "Import a mapping between two framework versions from a YAML file "
        "(docs/mapping-format.md). The whole file is checked against the catalogue before "
        "anything is written; an identical mapping already present is left as it is."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the mapping file")

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        try:
            result = mapping_import(path=path)
        except MappingFileError as error:
            raise CommandError(
                "\n".join(["The mapping file was not imported:", *error.lines()])
            ) from None
        except MappingConflict as error:
            raise CommandError(str(error)) from None
        mapping = result.mapping
        if result.created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Imported the mapping from {mapping.source} to {mapping.target}: "
                    f"{mapping.pairs.count()} lines."
                )
            )
        else:
            self.stdout.write(
                f"The mapping from {mapping.source} to {mapping.target} is already present "
                "with identical content; nothing changed."
            )

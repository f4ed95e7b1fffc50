from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kompas.frameworks.ciso import ciso_library_import
from kompas.frameworks.cisoformat import CisoLibraryError
from kompas.frameworks.fileformat import FrameworkFileError
from kompas.frameworks.mappingformat import MappingFileError
from kompas.frameworks.mappings import MappingConflict
from kompas.frameworks.services import FrameworkVersionConflict


class Command(BaseCommand):
    help = (
        "Import a CISO Assistant library (docs/ciso-assistant.md): a framework becomes a "
        "framework version, requirement mapping sets become mappings. The whole library is "
        "checked before anything is written; what is already present is left as it is."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the library file (YAML)")

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        try:
            result = ciso_library_import(path=path)
        except (CisoLibraryError, FrameworkFileError, MappingFileError) as error:
            raise CommandError(
                "\n".join(["The library was not imported:", *error.lines()])
            ) from None
        except (FrameworkVersionConflict, MappingConflict) as error:
            raise CommandError(str(error)) from None
        if result.version is not None:
            version = result.version.version
            name = f"{version.framework.slug} version {version.version}"
            if result.version.created:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Imported {name}: {version.norms.count()} norms; their level "
                        "criteria are the framework's general score definitions."
                    )
                )
            else:
                self.stdout.write(
                    f"{name} is already present with identical content; nothing changed."
                )
        for item in result.mappings:
            mapping = item.mapping
            if item.created:
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

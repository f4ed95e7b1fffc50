from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kompas.frameworks.fileformat import FrameworkFileError
from kompas.frameworks.services import FrameworkVersionConflict, framework_import


class Command(BaseCommand):
    help = (
        "Import a framework version from a YAML file (docs/framework-format.md). The whole file "
        "is validated before anything is written; an identical version already present is left "
        "as it is."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the framework file")

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        try:
            result = framework_import(path=path)
        except FrameworkFileError as error:
            raise CommandError(
                "\n".join(["The framework file was not imported:", *error.lines()])
            ) from None
        except FrameworkVersionConflict as error:
            raise CommandError(str(error)) from None
        version = result.version
        norms = version.norms.count()
        if result.created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Imported {version.framework.slug} version {version.version}: {norms} norms."
                )
            )
        else:
            self.stdout.write(
                f"{version.framework.slug} version {version.version} is already present with "
                "identical content; nothing changed."
            )

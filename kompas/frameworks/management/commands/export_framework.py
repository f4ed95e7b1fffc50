import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kompas.frameworks.cisoexport import CisoExportError, framework_library
from kompas.frameworks.fileformat import dump_framework
from kompas.frameworks.models import FrameworkVersion
from kompas.frameworks.selectors import export_document


class Command(BaseCommand):
    help = (
        "Export a framework version as YAML in the import format (latest version by default), "
        "or as a CISO Assistant library with --format ciso-assistant."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # --version selects the framework version here, replacing Django's own --version flag.
        kwargs.setdefault("conflict_handler", "resolve")
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="the framework's slug, e.g. normenkader-ibp-fo")
        parser.add_argument("--version", dest="framework_version", help="the version to export")
        parser.add_argument(
            "--output", default="-", help="file to write, or - for standard output (default)"
        )
        parser.add_argument(
            "--format",
            dest="file_format",
            choices=["ibp-kompas", "ciso-assistant"],
            default="ibp-kompas",
            help="our framework format (default) or a CISO Assistant library",
        )

    def handle(
        self,
        *args: Any,
        slug: str,
        framework_version: str | None,
        output: str,
        file_format: str,
        **options: Any,
    ) -> None:
        versions = FrameworkVersion.objects.filter(framework__slug=slug)
        if framework_version:
            versions = versions.filter(version=framework_version)
        version = versions.order_by("-imported_at", "-pk").first()
        if version is None:
            known = ", ".join(
                FrameworkVersion.objects.filter(framework__slug=slug).values_list(
                    "version", flat=True
                )
            )
            detail = f" Known versions: {known}." if known else ""
            wanted = f" version {framework_version}" if framework_version else ""
            raise CommandError(f"There is no framework {slug!r}{wanted}.{detail}")
        if file_format == "ciso-assistant":
            try:
                text = dump_framework(framework_library(version=version))
            except CisoExportError as error:
                raise CommandError(str(error)) from None
        else:
            text = dump_framework(export_document(version=version))
        if output == "-":
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {slug} version {version.version} to {output}.")

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kompas.frameworks.cisoexport import mapping_library
from kompas.frameworks.mappingformat import dump_mapping
from kompas.frameworks.mappings import mapping_document
from kompas.frameworks.models import Mapping


def _side(value: str) -> tuple[str, str]:
    slug, separator, version = value.partition("@")
    if not separator or not slug or not version:
        raise CommandError(
            f"Give a version as framework@version, e.g. normenkader-ibp-fo@2024; not {value!r}."
        )
    return slug, version


class Command(BaseCommand):
    help = (
        "Export the mapping between two framework versions as YAML in the import format, or "
        "as a CISO Assistant library with --format ciso-assistant."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="the source version as framework@version")
        parser.add_argument("target", help="the target version as framework@version")
        parser.add_argument(
            "--output", default="-", help="file to write, or - for standard output (default)"
        )
        parser.add_argument(
            "--format",
            dest="file_format",
            choices=["ibp-kompas", "ciso-assistant"],
            default="ibp-kompas",
            help="our mapping format (default) or a CISO Assistant library",
        )

    def handle(
        self, *args: Any, source: str, target: str, output: str, file_format: str, **options: Any
    ) -> None:
        (source_slug, source_version), (target_slug, target_version) = _side(source), _side(target)
        mapping = Mapping.objects.filter(
            source__framework__slug=source_slug,
            source__version=source_version,
            target__framework__slug=target_slug,
            target__version=target_version,
        ).first()
        if mapping is None:
            known = [
                f"{item.source.framework.slug}@{item.source.version} → "
                f"{item.target.framework.slug}@{item.target.version}"
                for item in Mapping.objects.select_related("source__framework", "target__framework")
            ]
            detail = f" Known mappings: {'; '.join(known)}." if known else " There are none."
            raise CommandError(f"There is no mapping from {source} to {target}.{detail}")
        if file_format == "ciso-assistant":
            text = dump_mapping(mapping_library(mapping=mapping))
        else:
            text = dump_mapping(mapping_document(mapping=mapping))
        if output == "-":
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote the mapping from {source} to {target} to {output}.")

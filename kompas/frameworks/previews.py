"""What importing a framework or mapping file would change, shown before the admin confirms.

The comparisons (`norm_changes`, `relationship_counts`) are pure functions of normalised
documents; `framework_preview` and `mapping_preview` read the catalogue the way the import does
(`services.identical_version`, `mappings.mapping_check`), so a file the preview accepts is one
the import accepts, and they raise the same errors. Nothing here writes.
"""

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from kompas.boards.models import Board
from kompas.frameworks.fileformat import FrameworkDocument
from kompas.frameworks.mappingformat import MappingDocument
from kompas.frameworks.mappings import mapping_check
from kompas.frameworks.models import Framework, FrameworkVersion, Mapping, Relationship
from kompas.frameworks.selectors import export_document
from kompas.frameworks.services import identical_version

# The fields of a norm compared between versions, in the order the preview names them.
NORM_FIELDS = {
    "title": _("title"),
    "domain": _("domain"),
    "statement": _("statement"),
    "why": _("why"),
    "confirmed": _("confirmed"),
    "criteria": _("level criteria"),
    "example_measures": _("example measures"),
    "references": _("references"),
    "growth_phase": _("growth phase"),
}


@dataclass(frozen=True)
class NormLine:
    code: str
    title: str
    fields: tuple[str, ...] = ()  # for a changed norm: what changed

    @property
    def field_labels(self) -> str:
        return ", ".join(str(NORM_FIELDS[name]) for name in self.fields)


@dataclass(frozen=True)
class NormChanges:
    """The norms of a new version against those of an earlier one, matched by code."""

    new: list[NormLine] = field(default_factory=list)
    changed: list[NormLine] = field(default_factory=list)
    removed: list[NormLine] = field(default_factory=list)
    unchanged: int = 0


def norm_changes(previous: dict[str, Any], document: dict[str, Any]) -> NormChanges:
    """New, changed (with the fields that differ) and removed norms of `document`."""
    before = {norm["code"]: norm for norm in previous["norms"]}
    after = {norm["code"]: norm for norm in document["norms"]}
    removed = [NormLine(code, norm["title"]) for code, norm in before.items() if code not in after]
    changes = NormChanges(removed=removed)
    unchanged = 0
    for code, norm in after.items():
        old = before.get(code)
        if old is None:
            changes.new.append(NormLine(code, norm["title"]))
            continue
        differ = tuple(name for name in NORM_FIELDS if old.get(name) != norm.get(name))
        if differ:
            changes.changed.append(NormLine(code, norm["title"], differ))
        else:
            unchanged += 1
    return NormChanges(changes.new, changes.changed, changes.removed, unchanged)


def relationship_counts(data: dict[str, Any]) -> list[tuple[str, int]]:
    """(relationship, number of lines) for every relationship, removed and new included."""
    counts = dict.fromkeys(Relationship.values, 0)
    for pair in data["pairs"]:
        counts[pair["relationship"]] += 1
    counts[Relationship.REMOVED] += len(data["removed"])
    counts[Relationship.NEW] += len(data["new"])
    return list(counts.items())


@dataclass(frozen=True)
class PairLine:
    """One line of a mapping: a source norm, a target norm (or neither side), and its note."""

    source: str
    source_title: str
    target: str
    target_title: str
    note: str


# Titles of the norms a mapping names, per side ("source", "target"), by code.
Titles = dict[str, dict[str, str]]


def mapping_lines(data: dict[str, Any], titles: Titles) -> list[tuple[str, list[PairLine]]]:
    """The mapping's lines grouped by relationship, in the order of `Relationship`.

    Pairs keep the file's order; a removed norm has only a source, a new norm only a target.
    A code without a title (not in `titles`) gets an empty title.
    """
    source, target = titles.get("source", {}), titles.get("target", {})
    groups: dict[str, list[PairLine]] = {value: [] for value in Relationship.values}
    for pair in data["pairs"]:
        groups[pair["relationship"]].append(
            PairLine(
                pair["source"],
                source.get(pair["source"], ""),
                pair["target"],
                target.get(pair["target"], ""),
                pair["note"],
            )
        )
    for item in data["removed"]:
        groups[Relationship.REMOVED].append(
            PairLine(item["norm"], source.get(item["norm"], ""), "", "", item["note"])
        )
    for item in data["new"]:
        groups[Relationship.NEW].append(
            PairLine("", "", item["norm"], target.get(item["norm"], ""), item["note"])
        )
    return list(groups.items())


@dataclass(frozen=True)
class FrameworkPreview:
    """A framework version file as the catalogue would take it."""

    slug: str
    name: str
    version: str
    title: str
    norm_count: int
    identical: FrameworkVersion | None  # present with the same content: importing is a no-op
    previous: FrameworkVersion | None  # the latest other version of the same framework
    changes: NormChanges | None
    # Boards with a self-evaluation on another version of the framework: their work reaches
    # the new version only through a mapping.
    boards: list[Board] = field(default_factory=list)

    kind = "framework"


def framework_preview(*, document: FrameworkDocument, filename: str) -> FrameworkPreview:
    """Raises FrameworkFileError or FrameworkVersionConflict as the import would."""
    framework = Framework.objects.filter(slug=document.slug).first()
    identical = identical_version(framework=framework, document=document, filename=filename)
    previous = None
    boards: list[Board] = []
    if framework is not None and identical is None:
        boards = list(
            Board.objects.filter(assessments__framework_version__framework=framework)
            .distinct()
            .order_by("name")
        )
    if framework is not None:
        previous = (
            FrameworkVersion.objects.select_related("framework")
            .filter(framework=framework)
            .exclude(version=document.version)
            .order_by("-imported_at", "-pk")
            .first()
        )
    changes = (
        norm_changes(export_document(version=previous), document.data)
        if previous is not None and identical is None
        else None
    )
    return FrameworkPreview(
        slug=document.slug,
        name=document.data["framework"]["name"],
        version=document.version,
        title=document.data["version"]["title"],
        norm_count=len(document.data["norms"]),
        identical=identical,
        previous=previous,
        changes=changes,
        boards=boards,
    )


@dataclass(frozen=True)
class MappingPreview:
    """A mapping file as the catalogue would take it, and the boards it concerns."""

    source: FrameworkVersion
    target: FrameworkVersion
    title: str
    identical: Mapping | None
    relationships: list[tuple[str, int]]
    removed: list[str]
    new: list[str]
    boards: list[Board]  # boards with a self-evaluation on the source version
    lines: list[tuple[str, list[PairLine]]] = field(default_factory=list)

    kind = "mapping"

    @property
    def relationship_rows(self) -> list[tuple[str, int]]:
        labels = dict(Relationship.choices)
        return [(str(labels[value]), count) for value, count in self.relationships]

    @property
    def line_groups(self) -> list[tuple[str, str, list[PairLine]]]:
        """(relationship, its label, lines) for every relationship the mapping uses."""
        labels = dict(Relationship.choices)
        return [(value, str(labels[value]), lines) for value, lines in self.lines if lines]


def mapping_preview(*, document: MappingDocument, filename: str) -> MappingPreview:
    """Raises MappingFileError or MappingConflict as the import would."""
    checked = mapping_check(document=document, filename=filename)
    boards = Board.objects.filter(assessments__framework_version=checked.source).distinct()
    titles = {
        side: {code: norm.title for code, norm in norms.items()}
        for side, norms in checked.norms.items()
    }
    return MappingPreview(
        source=checked.source,
        target=checked.target,
        title=document.data["title"],
        identical=checked.existing,
        relationships=relationship_counts(document.data),
        removed=[item["norm"] for item in document.data["removed"]],
        new=[item["norm"] for item in document.data["new"]],
        boards=list(boards.order_by("name")),
        lines=mapping_lines(document.data, titles),
    )

"""Reads of the framework catalogue. Query counts here do not grow with the number of norms."""

import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from kompas.frameworks.fileformat import FORMAT, FORMAT_VERSION, RESPONSIBILITY_KEYS
from kompas.frameworks.models import (
    Domain,
    Framework,
    FrameworkVersion,
    Norm,
    Part,
)
from kompas.frameworks.normenkader import NORMENKADER_SLUG
from kompas.frameworks.services import fold_for_search

SEARCH_MAX_TERMS = 8
_CODE_QUERY = re.compile(r"^\s*([A-Za-z]{1,4})[\s.]?(\d{1,3})\s*$")


@dataclass(frozen=True)
class PartOverview:
    part: Part
    domains: list[Domain]

    @property
    def norm_count(self) -> int:
        return sum(domain.norm_count for domain in self.domains)  # type: ignore[attr-defined]


def framework_list() -> QuerySet[Framework]:
    versions = FrameworkVersion.objects.order_by("-imported_at")
    return Framework.objects.prefetch_related(Prefetch("versions", queryset=versions))


def latest_version(*, slug: str) -> FrameworkVersion:
    """The most recently imported version of a framework; 404 when there is none."""
    framework = get_object_or_404(Framework, slug=slug)
    version = (
        FrameworkVersion.objects.select_related("framework")
        .filter(framework=framework)
        .order_by("-imported_at", "-pk")
        .first()
    )
    if version is None:
        raise Http404(f"Framework {slug} has no versions.")
    return version


def offered_versions() -> QuerySet[FrameworkVersion]:
    """Every framework version a board may evaluate itself against: all imported ones.

    The newest version of each framework comes first; older versions stay offered so that a
    board can finish a cycle on the version it started with.
    """
    return FrameworkVersion.objects.select_related("framework").order_by(
        "framework__name", "-imported_at", "-pk"
    )


def default_version() -> FrameworkVersion | None:
    """The newest version of the shipped Normenkader, the version offered first."""
    return (
        FrameworkVersion.objects.filter(framework__slug=NORMENKADER_SLUG)
        .order_by("-imported_at", "-pk")
        .first()
    )


def get_version(*, slug: str, version: str) -> FrameworkVersion:
    return get_object_or_404(
        FrameworkVersion.objects.select_related("framework"),
        framework__slug=slug,
        version=version,
    )


def catalogue(*, version: FrameworkVersion) -> list[PartOverview]:
    """The parts of a version with their domains, each annotated with its norm count."""
    domains = (
        Domain.objects.filter(framework_version=version)
        .annotate(norm_count=Count("norms"))
        .order_by("position")
    )
    by_part: dict[int, list[Domain]] = {}
    for domain in domains:
        by_part.setdefault(domain.part_id, []).append(domain)
    return [
        PartOverview(part=part, domains=by_part.get(part.pk, []))
        for part in Part.objects.filter(framework_version=version).order_by("position")
    ]


def get_domain(*, slug: str, version: str, code: str) -> Domain:
    """A domain with its version, framework, part and norms in two queries."""
    norms = Norm.objects.order_by("position").only("code", "title", "confirmed", "domain_id")
    return get_object_or_404(
        Domain.objects.select_related("framework_version__framework", "part").prefetch_related(
            Prefetch("norms", queryset=norms)
        ),
        framework_version__framework__slug=slug,
        framework_version__version=version,
        code=code,
    )


def get_norm(*, slug: str, version: str, code: str) -> Norm:
    """A norm with everything its page shows: version, domain, levels, criteria and the rest."""
    return get_object_or_404(
        Norm.objects.select_related(
            "framework_version__framework", "domain__part", "growth_phase"
        ).prefetch_related(
            "framework_version__levels", "criteria", "example_measures", "references"
        ),
        framework_version__framework__slug=slug,
        framework_version__version=version,
        code=code,
    )


def neighbours(*, norm: Norm) -> tuple[Norm | None, Norm | None]:
    """The norms before and after this one in the version's order (positions are contiguous)."""
    around = {
        other.position: other
        for other in Norm.objects.filter(
            framework_version_id=norm.framework_version_id,
            position__in=[norm.position - 1, norm.position + 1],
        ).only("code", "title", "position")
    }
    return around.get(norm.position - 1), around.get(norm.position + 1)


def search_norms(*, version: FrameworkVersion, query: str) -> list[Norm]:
    """Norms whose code, title or text contain every word of the query, codes first.

    Matching runs on a folded copy of the text with plain LIKE, so SQLite and PostgreSQL
    return the same norms in the same order.
    """
    terms = fold_for_search(query).split()[:SEARCH_MAX_TERMS]
    if not terms:
        return []
    norms = Norm.objects.filter(framework_version=version).select_related("domain")
    code_match = _CODE_QUERY.match(query)
    if code_match:
        prefix, number = code_match.groups()
        code = f"{prefix.upper()}.{int(number):02d}"
        exact = list(norms.filter(code__iexact=code))
        if exact:
            return exact
    condition = Q()
    for term in terms:
        condition &= Q(search_text__contains=term)
    return list(norms.filter(condition).order_by("position"))


def export_document(*, version: FrameworkVersion) -> dict[str, Any]:
    """The version as a normalised framework document, ready for fileformat.dump_framework."""
    version = (
        FrameworkVersion.objects.select_related("framework")
        .prefetch_related("levels", "growth_phases")
        .get(pk=version.pk)
    )
    parts = list(Part.objects.filter(framework_version=version).order_by("position"))
    domains = list(
        Domain.objects.filter(framework_version=version).select_related("part").order_by("position")
    )
    norms = (
        Norm.objects.filter(framework_version=version)
        .select_related("domain", "growth_phase")
        .prefetch_related("criteria", "example_measures", "references")
        .order_by("position")
    )
    document: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "framework": {"slug": version.framework.slug, "name": version.framework.name},
        "version": {
            "version": version.version,
            "title": version.title,
            "publisher": version.publisher,
            "description": version.description,
            "language": version.language,
            "released": version.released_on.isoformat() if version.released_on else None,
            "source_url": version.source_url,
            "notice": version.notice,
            "target_level": version.target_level,
            "levels": [
                {"level": level.level, "name": level.name, "description": level.description}
                for level in version.levels.all()
            ],
            "growth_path": [
                {"phase": phase.number, "name": phase.name, "description": phase.description}
                for phase in version.growth_phases.all()
            ],
        },
        "parts": [{"code": part.code, "name": part.name} for part in parts],
        "domains": [
            {
                "code": domain.code,
                "part": domain.part.code,
                "number": domain.number,
                "name": domain.name,
                "confirmed": domain.confirmed,
                "description": domain.description,
                "responsibility": {
                    key: list(domain.responsibility.get(key, [])) for key in RESPONSIBILITY_KEYS
                },
            }
            for domain in domains
        ],
        "norms": [
            {
                "code": norm.code,
                "domain": norm.domain.code,
                "title": norm.title,
                "confirmed": norm.confirmed,
                "statement": norm.statement,
                "why": norm.why,
                "criteria": [
                    {"level": criterion.level, "text": criterion.text}
                    for criterion in norm.criteria.all()
                ],
                "example_measures": [measure.text for measure in norm.example_measures.all()],
                "references": [
                    {"standard": reference.standard, "clause": reference.clause}
                    for reference in norm.references.all()
                ],
                "growth_phase": norm.growth_phase.number if norm.growth_phase else None,
                **({"external_urn": norm.external_urn} if norm.external_urn else {}),
            }
            for norm in norms
        ],
    }
    # As fileformat.normalise writes them: only when set.
    if version.generic_criteria:
        document["version"]["generic_criteria"] = True
    if version.external_urn:
        document["version"]["external_urn"] = version.external_urn
    return document

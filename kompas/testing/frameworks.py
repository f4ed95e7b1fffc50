"""Small, valid framework documents for tests, to be changed in one place per test."""

import copy
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from kompas.frameworks.fileformat import FrameworkDocument, checksum_of, normalise
from kompas.frameworks.mappingformat import parse_mapping_text
from kompas.frameworks.mappings import mapping_import_document
from kompas.frameworks.models import FrameworkVersion, Mapping
from kompas.frameworks.services import framework_import_document

LEVEL_NAMES = ["Ad hoc", "Herhaalbaar", "Bepaald", "Beheerst", "Continu verbeteren"]


def norm_doc(code: str, domain: str, *, title: str | None = None) -> dict[str, Any]:
    return {
        "code": code,
        "domain": domain,
        "title": title or f"Titel {code}",
        "confirmed": False,
        "statement": f"Wat {code} vraagt.",
        "why": f"Waarom {code} ertoe doet.",
        "criteria": [{"level": n, "text": f"{code} op niveau {n}."} for n in range(1, 6)],
        "example_measures": [f"Eerste stap voor {code}.", f"Tweede stap voor {code}."],
        "references": [{"standard": "ISO/IEC 27002:2022", "clause": "5.1"}],
        "growth_phase": 1,
    }


def framework_doc(*, slug: str = "test-kader", version: str = "1.0") -> dict[str, Any]:
    """Two parts, three domains, four norms: enough to exercise every rule."""
    return copy.deepcopy(
        {
            "format": "ibp-kompas-framework",
            "format_version": 1,
            "framework": {"slug": slug, "name": "Testkader"},
            "version": {
                "version": version,
                "title": "Testkader voor scholen",
                "publisher": "Team IBP-Kompas",
                "description": "Een klein kader om mee te testen.",
                "language": "nl",
                "released": "2026-01-15",
                "source_url": "https://example.org/kader",
                "notice": "Alleen voor tests.",
                "target_level": 3,
                "levels": [
                    {"level": n, "name": name, "description": f"Niveau {n}."}
                    for n, name in enumerate(LEVEL_NAMES, start=1)
                ],
                "growth_path": [
                    {"phase": 1, "name": "Fundament", "description": "Eerst dit."},
                    {"phase": 2, "name": "Uitbouw", "description": "Dan dit."},
                ],
            },
            "parts": [
                {"code": "security", "name": "Informatiebeveiliging"},
                {"code": "privacy", "name": "Privacy"},
            ],
            "domains": [
                {
                    "code": "GO",
                    "part": "security",
                    "number": 1,
                    "name": "Bestuur",
                    "confirmed": True,
                    "description": "Sturing.",
                    "responsibility": {
                        "accountable": ["Bestuur"],
                        "responsible": ["IBP-coördinator"],
                        "consulted": ["FG"],
                        "informed": ["Raad van Toezicht"],
                    },
                },
                {
                    "code": "BC",
                    "part": "security",
                    "number": 14,
                    "name": "Bedrijfscontinuïteitsmanagement",
                    "confirmed": True,
                    "description": "Doorgaan na een storing.",
                    "responsibility": {
                        "accountable": ["Bestuur"],
                        "responsible": ["ICT-coördinator"],
                        "consulted": [],
                        "informed": [],
                    },
                },
                {
                    "code": "BV",
                    "part": "privacy",
                    "number": 6,
                    "name": "Beveiliging",
                    "confirmed": False,
                    "description": "Datalekken.",
                    "responsibility": {
                        "accountable": ["Bestuur"],
                        "responsible": ["FG"],
                        "consulted": [],
                        "informed": [],
                    },
                },
            ],
            "norms": [
                norm_doc("GO.01", "GO", title="Strategie informatiebeveiliging"),
                norm_doc("GO.02", "GO", title="Beleid informatiebeveiliging"),
                norm_doc("BC.03", "BC", title="Offsite back-upopslag"),
                norm_doc("BV.01", "BV", title="Melden van datalekken"),
            ],
        }
    )


def write_doc(directory: Path, document: dict[str, Any], name: str = "kader.yaml") -> Path:
    path = directory / name
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def import_document(document: dict[str, Any]) -> FrameworkVersion:
    """Import a framework document (as built above) the way the import command would."""
    normalised = normalise(document)
    loaded = FrameworkDocument(normalised, checksum_of(normalised))
    return framework_import_document(document=loaded, filename="test.yaml").version


def revision_docs(
    *, slug: str = "test-kader"
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Version 1.0, a revised 2.0 and the mapping between them, with every kind of change.

    1.0 has GO.01, GO.02, GO.03, BC.03, BV.01 and BV.02. In 2.0 GO.01 is reworded (equal),
    GO.02 and GO.03 are merged into GO.02, BC.03 is split into BC.03 and BC.04, BV.01 is
    removed, BV.02 stays as it is and BV.03 is new.
    """
    old = framework_doc(slug=slug, version="1.0")
    old["norms"][2:2] = [norm_doc("GO.03", "GO", title="Planning informatiebeveiliging")]
    old["norms"].append(norm_doc("BV.02", "BV", title="Register van verwerkingen"))
    new = framework_doc(slug=slug, version="2.0")
    norms = {norm["code"]: norm for norm in copy.deepcopy(old["norms"])}
    norms["GO.01"]["statement"] = "Wat GO.01 vraagt, in nieuwe woorden."
    norms["GO.02"]["title"] = "Beleid en planning informatiebeveiliging"
    norms["BC.03"]["title"] = "Back-ups buiten de deur"
    new["norms"] = [
        norms["GO.01"],
        norms["GO.02"],
        norms["BC.03"],
        norm_doc("BC.04", "BC", title="Hersteltest van back-ups"),
        norms["BV.02"],
        norm_doc("BV.03", "BV", title="Bewaartermijnen"),
    ]
    mapping = mapping_doc(
        pairs=[
            ("GO.01", "GO.01", "equal"),
            ("GO.02", "GO.02", "subset"),
            ("GO.03", "GO.02", "subset"),
            ("BC.03", "BC.03", "superset"),
            ("BC.03", "BC.04", "superset"),
            ("BV.02", "BV.02", "equal"),
        ],
        removed=["BV.01"],
        new=["BV.03"],
        source=(slug, "1.0"),
        target=(slug, "2.0"),
    )
    return old, new, mapping


def mapping_doc(
    *,
    pairs: list[tuple[str, str, str]],
    removed: Sequence[str] = (),
    new: Sequence[str] = (),
    source: tuple[str, str] = ("test-kader", "1.0"),
    target: tuple[str, str] = ("test-kader", "2.0"),
) -> dict[str, Any]:
    return {
        "format": "ibp-kompas-mapping",
        "format_version": 1,
        "source": {"framework": source[0], "version": source[1]},
        "target": {"framework": target[0], "version": target[1]},
        "title": "Van 1.0 naar 2.0",
        "description": "Wat er veranderde.",
        "pairs": [
            {"source": a, "target": b, "relationship": kind, "note": ""} for a, b, kind in pairs
        ],
        "removed": [{"norm": code, "note": "Vervallen."} for code in removed],
        "new": [{"norm": code, "note": "Nieuw."} for code in new],
    }


def import_mapping_document(document: dict[str, Any]) -> Mapping:
    """Import a mapping document the way the import command would."""
    raw = yaml.safe_dump(document, allow_unicode=True, sort_keys=False).encode()
    loaded = parse_mapping_text(raw, filename="mapping.yaml")
    return mapping_import_document(document=loaded, filename="mapping.yaml").mapping


# --- CISO Assistant libraries, written for the tests ----------------------------------------

CISO_FRAMEWORK_URN = "urn:test:risk:framework:schoolkader"


def _ciso_node(key: str, *, parent: str | None, depth: int, **fields: Any) -> dict[str, Any]:
    node: dict[str, Any] = {
        "urn": f"urn:test:risk:req_node:schoolkader:{key}",
        "assessable": False,
        "depth": depth,
    }
    if parent is not None:
        node["parent_urn"] = f"urn:test:risk:req_node:schoolkader:{parent}"
    node.update(fields)
    return node


def ciso_library_doc(*, version: int = 1) -> dict[str, Any]:
    """A CISO Assistant framework library: two parts, a domain, a sub-heading, four norms.

    Part ORG has domain GOV with GOV.1 and GOV.2 (under a sub-heading, with an urn that does
    not follow the ref_id); part TECH has BAK.1 and BAK.2 right under it, so it gets a domain
    of its own name.
    """
    return {
        "urn": "urn:test:risk:library:schoolkader",
        "locale": "en",
        "ref_id": "SCHOOLKADER",
        "name": "School frame for tests",
        "description": "A frame written for the tests.",
        "copyright": "Written for the IBP-Kompas tests.",
        "version": version,
        "publication_date": "2026-02-01",
        "provider": "Test provider",
        "packager": "test",
        "objects": {
            "framework": {
                "urn": CISO_FRAMEWORK_URN,
                "ref_id": "SCHOOLKADER",
                "name": "Schoolkader",
                "description": "A frame to test the library import.",
                "min_score": 1,
                "max_score": 5,
                "scores_definition": [
                    {"score": n, "name": f"Score {n}", "description": f"What score {n} means."}
                    for n in range(1, 6)
                ],
                "requirement_nodes": [
                    _ciso_node("org", parent=None, depth=1, ref_id="ORG", name="Organisation"),
                    _ciso_node(
                        "gov", parent="org", depth=2, ref_id="GOV", name="Governance",
                        description="Steering.",
                    ),
                    _ciso_node(
                        "gov.1", parent="gov", depth=3, assessable=True, ref_id="GOV.1",
                        name="Policy", description="There is a written policy.",
                        annotation="Without one nobody knows what is agreed.",
                    ),
                    _ciso_node("gov-roles", parent="gov", depth=3, name="Roles and people"),
                    _ciso_node(
                        "node7", parent="gov-roles", depth=4, assessable=True, ref_id="GOV.2",
                        name="Roles", description="Roles are assigned.",
                    ),
                    _ciso_node("tech", parent=None, depth=1, ref_id="TECH", name="Technology"),
                    _ciso_node(
                        "bak.1", parent="tech", depth=2, assessable=True, ref_id="BAK.1",
                        name="Backups", description="Backups are made.",
                    ),
                    _ciso_node(
                        "bak.2", parent="tech", depth=2, assessable=True, ref_id="BAK.2",
                        name="Restores", description="Restores are tested.",
                    ),
                ],
            }
        },
    }  # fmt: skip


def ciso_mapping_library(
    *, source: str, target: str, mappings: Sequence[tuple[str, str, str]], listed: bool = True
) -> dict[str, Any]:
    """A CISO Assistant mapping library with one set: (source urn, target urn, relationship).

    `listed` writes `requirement_mapping_sets` (a list), otherwise `requirement_mapping_set`.
    """
    mapping_set = {
        "urn": "urn:test:risk:req_mapping_set:test",
        "ref_id": "test-mapping",
        "name": "Test mapping",
        "description": "A mapping written for the tests.",
        "source_framework_urn": source,
        "target_framework_urn": target,
        "requirement_mappings": [
            {"source_requirement_urn": a, "target_requirement_urn": b, "relationship": kind}
            for a, b, kind in mappings
        ],
    }
    objects: dict[str, Any] = (
        {"requirement_mapping_sets": [mapping_set]}
        if listed
        else {"requirement_mapping_set": mapping_set}
    )
    return {
        "urn": "urn:test:risk:library:test-mapping",
        "locale": "en",
        "ref_id": "test-mapping",
        "name": "Test mapping",
        "version": 1,
        "objects": objects,
    }

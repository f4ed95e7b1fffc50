"""Small, valid framework documents for tests, to be changed in one place per test."""

import copy
from pathlib import Path
from typing import Any

import yaml

from kompas.frameworks.fileformat import FrameworkDocument, checksum_of, normalise
from kompas.frameworks.models import FrameworkVersion
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

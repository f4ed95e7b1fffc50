"""Our framework versions and mappings written as CISO Assistant libraries.

The correspondence is the import's (kompas.frameworks.cisoformat) read the other way; what the
library format cannot hold is listed in docs/ciso-assistant.md, and a property test checks that
importing an export gives back everything else.
"""

from typing import Any

from kompas.frameworks.ciso import norm_urn, version_urn
from kompas.frameworks.cisoformat import (
    NO_REASON,
    PACKAGER,
    framework_urn,
    library_urn,
    node_urn,
)
from kompas.frameworks.mappings import mapping_document
from kompas.frameworks.models import FrameworkVersion, Mapping, Norm
from kompas.frameworks.selectors import export_document


def library_of_framework(document: dict[str, Any]) -> dict[str, Any]:
    """Our normalised framework document as a CISO Assistant library (docs/ciso-assistant.md)."""
    meta = document["version"]
    slug, version = document["framework"]["slug"], meta["version"]
    urn = meta.get("external_urn") or framework_urn(slug, version)
    nodes: list[dict[str, Any]] = []
    domains_of: dict[str, list[dict[str, Any]]] = {}
    for domain in document["domains"]:
        domains_of.setdefault(domain["part"], []).append(domain)
    norms_of: dict[str, list[dict[str, Any]]] = {}
    for norm in document["norms"]:
        norms_of.setdefault(norm["domain"], []).append(norm)
    why = NO_REASON["nl" if meta["language"].startswith("nl") else "en"]
    for part in document["parts"]:
        part_urn = node_urn(urn, f"part-{part['code']}")
        nodes.append(
            _node(urn=part_urn, depth=1, ref_id=part["code"], name=part["name"], parent=None)
        )
        for domain in domains_of.get(part["code"], []):
            domain_urn = node_urn(urn, f"domain-{domain['code']}")
            nodes.append(
                _node(
                    urn=domain_urn,
                    depth=2,
                    ref_id=domain["code"],
                    name=domain["name"],
                    parent=part_urn,
                    description=domain["description"],
                )
            )
            for norm in norms_of.get(domain["code"], []):
                node = _node(
                    urn=norm.get("external_urn") or node_urn(urn, norm["code"]),
                    depth=3,
                    ref_id=norm["code"],
                    name=norm["title"],
                    parent=domain_urn,
                    description=norm["statement"],
                    assessable=True,
                )
                if norm["why"] != why:
                    node["annotation"] = norm["why"]
                nodes.append(node)
    library: dict[str, Any] = {
        "urn": library_urn(urn),
        "locale": meta["language"],
        "ref_id": f"{slug}-{version}",
        "name": meta["title"],
        "description": meta["description"],
        "copyright": meta["notice"],
        "version": int(version) if version.isdigit() and int(version) > 0 else 1,
        "publication_date": meta["released"],
        "provider": meta["publisher"],
        "packager": PACKAGER,
    }
    library = {key: value for key, value in library.items() if value not in ("", None)}
    library["objects"] = {
        "framework": {
            "urn": urn,
            "ref_id": f"{slug}-{version}",
            "name": document["framework"]["name"],
            **({"description": meta["description"]} if meta["description"] else {}),
            "min_score": 1,
            "max_score": 5,
            "scores_definition": [
                {
                    "score": level["level"],
                    "name": level["name"],
                    **({"description": level["description"]} if level["description"] else {}),
                }
                for level in meta["levels"]
            ],
            "requirement_nodes": nodes,
        }
    }
    return library


def _node(
    *,
    urn: str,
    depth: int,
    ref_id: str,
    name: str,
    parent: str | None,
    description: str = "",
    assessable: bool = False,
) -> dict[str, Any]:
    node: dict[str, Any] = {"urn": urn, "assessable": assessable, "depth": depth}
    if parent is not None:
        node["parent_urn"] = parent
    node["ref_id"] = ref_id
    node["name"] = name
    if description:
        node["description"] = description
    return node


class CisoExportError(Exception):
    """A version or mapping that CISO Assistant's format cannot hold as it is."""


def framework_library(*, version: FrameworkVersion) -> dict[str, Any]:
    """A framework version as a CISO Assistant library."""
    library = library_of_framework(export_document(version=version))
    seen: dict[str, str] = {}
    for node in library["objects"]["framework"]["requirement_nodes"]:
        urn = node["urn"].lower()
        if urn in seen:
            raise CisoExportError(
                f"{node['ref_id']} and {seen[urn]} would both get the urn {urn}: CISO "
                "Assistant compares urns without regard to case, so codes that differ only "
                "in case cannot be told apart there."
            )
        seen[urn] = node["ref_id"]
    return library


def mapping_library(*, mapping: Mapping) -> dict[str, Any]:
    """A mapping as a CISO Assistant library with one requirement mapping set.

    Norms listed as removed or new have no line in that format: a mapping set names only
    requirements that correspond.
    """
    document = mapping_document(mapping=mapping)
    ends = {}
    for side, version in (("source", mapping.source), ("target", mapping.target)):
        urn = version_urn(version)
        norms = Norm.objects.filter(framework_version=version)
        ends[side] = (urn, {norm.code: norm_urn(norm, urn) for norm in norms})
    (source_urn, source_norms), (target_urn, target_norms) = ends["source"], ends["target"]
    name = document["title"] or f"{mapping.source} → {mapping.target}"
    tail = f"{source_urn.rsplit(':framework:', 1)[-1]}:to:{target_urn.rsplit(':framework:', 1)[-1]}"
    lines = []
    for pair in document["pairs"]:
        line = {
            "source_requirement_urn": source_norms[pair["source"]],
            "target_requirement_urn": target_norms[pair["target"]],
            "relationship": "intersect"
            if pair["relationship"] == "intersects"
            else pair["relationship"],
        }
        if pair["note"]:
            line["annotation"] = pair["note"]
        lines.append(line)
    mapping_set: dict[str, Any] = {
        "urn": f"urn:ibp-kompas:risk:req_mapping_set:{tail}".lower(),
        "ref_id": tail.replace(":", "-"),
        "name": name,
        **({"description": document["description"]} if document["description"] else {}),
        "source_framework_urn": source_urn,
        "target_framework_urn": target_urn,
        "requirement_mappings": lines,
    }
    return {
        "urn": f"urn:ibp-kompas:risk:library:mapping:{tail}".lower(),
        "locale": mapping.source.language,
        "ref_id": f"mapping-{tail.replace(':', '-')}",
        "name": name,
        **({"description": document["description"]} if document["description"] else {}),
        "version": 1,
        "packager": PACKAGER,
        "dependencies": [library_urn(source_urn), library_urn(target_urn)],
        "objects": {"requirement_mapping_sets": [mapping_set]},
    }

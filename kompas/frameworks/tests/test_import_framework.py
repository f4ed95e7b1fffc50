"""The import_framework command and services.framework_import."""

import datetime
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from kompas.frameworks import services
from kompas.frameworks.models import (
    Domain,
    ExampleMeasure,
    Framework,
    FrameworkVersion,
    GrowthPhase,
    LevelCriterion,
    MaturityLevel,
    Norm,
    NormReference,
    Part,
)
from kompas.testing.frameworks import framework_doc, write_doc

SHIPPED = Path(__file__).resolve().parent.parent / "shipped" / "normenkader-ibp-fo.yaml"

CONFIRMED_TITLES = {
    "GO.01": "Strategie informatiebeveiliging",
    "GO.02": "Beleid informatiebeveiliging",
    "GO.03": "Planning/roadmap informatiebeveiliging",
    "OR.01": "Eigenaarschap, rollen, verantwoordelijkheden en aansprakelijkheid",
    "RM.03": "Plan voor behandeling en beperking van risico's (inclusief risicoacceptatie)",
    "ID.02": "Administratie van toegangsrechten",
    "ID.05": "Periodieke beoordeling van toegangsrechten",
    "SM.02": "Authenticatiemechanismes",
    "SM.04": "Logging systeemactiviteiten",
    "SM.07": "Threat- en vulnerabilitymanagement",
    "SM.11": "Netwerkbeveiliging",
    "OP.02": "Procedures voor back-up en herstel",
    "BC.03": "Offsite back-upopslag",
}

ALL_MODELS = (
    Framework,
    FrameworkVersion,
    MaturityLevel,
    GrowthPhase,
    Part,
    Domain,
    Norm,
    LevelCriterion,
    ExampleMeasure,
    NormReference,
)

pytestmark = pytest.mark.django_db


def run_import(path: Path) -> str:
    out = StringIO()
    call_command("import_framework", str(path), stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in ALL_MODELS}


# --- a small valid file -------------------------------------------------------------------


def test_it_imports_every_part_of_a_valid_file(tmp_path):
    output = run_import(write_doc(tmp_path, framework_doc()))

    assert "Imported test-kader version 1.0: 4 norms." in output
    version = FrameworkVersion.objects.get()
    assert version.framework.slug == "test-kader"
    assert version.framework.name == "Testkader"
    assert version.title == "Testkader voor scholen"
    assert version.publisher == "Team IBP-Kompas"
    assert version.released_on == datetime.date(2026, 1, 15)
    assert version.target_level == 3
    assert len(version.checksum) == 64
    assert row_counts() == {
        "Framework": 1,
        "FrameworkVersion": 1,
        "MaturityLevel": 5,
        "GrowthPhase": 2,
        "Part": 2,
        "Domain": 3,
        "Norm": 4,
        "LevelCriterion": 20,
        "ExampleMeasure": 8,
        "NormReference": 4,
    }


def test_it_keeps_the_order_and_links_of_the_file(tmp_path):
    run_import(write_doc(tmp_path, framework_doc()))

    version = FrameworkVersion.objects.get()
    assert [level.name for level in version.levels.all()] == [
        "Ad hoc",
        "Herhaalbaar",
        "Bepaald",
        "Beheerst",
        "Continu verbeteren",
    ]
    assert [(phase.number, phase.name) for phase in version.growth_phases.all()] == [
        (1, "Fundament"),
        (2, "Uitbouw"),
    ]
    assert [part.code for part in version.parts.all()] == ["security", "privacy"]
    assert [(d.code, d.part.code, d.number) for d in version.domains.all()] == [
        ("GO", "security", 1),
        ("BC", "security", 14),
        ("BV", "privacy", 6),
    ]
    go = version.domains.get(code="GO")
    assert go.confirmed is True
    assert go.responsibility["responsible"] == ["IBP-coördinator"]
    norm = version.norms.get(code="BC.03")
    assert norm.domain.code == "BC"
    assert norm.title == "Offsite back-upopslag"
    assert norm.growth_phase is not None
    assert norm.growth_phase.number == 1
    assert [c.level for c in norm.criteria.all()] == [1, 2, 3, 4, 5]
    assert [m.text for m in norm.example_measures.all()] == [
        "Eerste stap voor BC.03.",
        "Tweede stap voor BC.03.",
    ]
    assert [(r.standard, r.clause) for r in norm.references.all()] == [
        ("ISO/IEC 27002:2022", "5.1")
    ]
    assert [n.code for n in version.norms.all()] == ["GO.01", "GO.02", "BC.03", "BV.01"]


def test_it_fills_the_search_text_folded_and_without_accents(tmp_path):
    run_import(write_doc(tmp_path, framework_doc()))

    text = Norm.objects.get(code="BC.03").search_text
    assert "bc.03" in text
    assert "bc03" in text
    assert "offsite back-upopslag" in text
    assert "bedrijfscontinuiteitsmanagement" in text
    assert "wat bc.03 vraagt." in text
    assert "eerste stap voor bc.03." in text
    assert text == text.casefold()
    assert all(norm.search_text for norm in Norm.objects.all())


def test_the_service_reports_that_it_created_the_version(tmp_path):
    result = services.framework_import(path=write_doc(tmp_path, framework_doc()))

    assert result.created is True
    assert result.version == FrameworkVersion.objects.get()


# --- importing again ----------------------------------------------------------------------


def test_reimporting_the_identical_file_changes_nothing(tmp_path):
    path = write_doc(tmp_path, framework_doc())
    run_import(path)
    before = row_counts()
    version = FrameworkVersion.objects.get()

    output = run_import(path)

    assert output.strip() == (
        "test-kader version 1.0 is already present with identical content; nothing changed."
    )
    assert row_counts() == before
    assert FrameworkVersion.objects.get().pk == version.pk
    assert list(Norm.objects.values_list("pk", flat=True)) == list(
        version.norms.values_list("pk", flat=True)
    )


def test_the_service_returns_the_existing_version_for_an_identical_file(tmp_path):
    path = write_doc(tmp_path, framework_doc())
    first = services.framework_import(path=path)

    second = services.framework_import(path=path)

    assert second.created is False
    assert second.version.pk == first.version.pk


def test_other_whitespace_comments_and_key_order_count_as_identical(tmp_path):
    run_import(write_doc(tmp_path, framework_doc()))
    before = row_counts()
    restyled = tmp_path / "restyled.yaml"
    restyled.write_text(
        "# The same framework, written by hand in another style.\n"
        "\n"
        + yaml.safe_dump(
            framework_doc(), allow_unicode=True, sort_keys=True, indent=4, width=40
        ).replace("\nversion:\n", "\n# the version\nversion:   \n")
        + "\n\n# end\n",
        encoding="utf-8",
    )
    flow = tmp_path / "flow.yaml"
    flow.write_text(
        yaml.safe_dump(framework_doc(), allow_unicode=True, default_flow_style=True),
        encoding="utf-8",
    )
    assert restyled.read_text("utf-8") != (tmp_path / "kader.yaml").read_text("utf-8")

    for path in (restyled, flow):
        output = run_import(path)
        assert "nothing changed" in output

    assert row_counts() == before


def test_optional_fields_left_out_count_as_identical_to_their_defaults(tmp_path):
    document = framework_doc()
    document["version"]["description"] = ""
    document["domains"][2]["responsibility"] = {
        "accountable": [],
        "responsible": [],
        "consulted": [],
        "informed": [],
    }
    document["norms"][0]["references"] = []
    run_import(write_doc(tmp_path, document))
    shortened = framework_doc()
    del shortened["version"]["description"]
    del shortened["domains"][2]["responsibility"]
    del shortened["norms"][0]["references"]
    before = row_counts()

    output = run_import(write_doc(tmp_path, shortened, "short.yaml"))

    assert "nothing changed" in output
    assert row_counts() == before


def test_it_refuses_a_different_file_under_an_existing_version_number(tmp_path):
    run_import(write_doc(tmp_path, framework_doc()))
    before = row_counts()
    changed = framework_doc()
    changed["norms"][0]["title"] = "Een andere titel"
    path = write_doc(tmp_path, changed, "changed.yaml")

    with pytest.raises(CommandError) as error:
        run_import(path)

    message = str(error.value)
    assert str(path) in message
    assert "version 1.0 of framework 'test-kader' already exists" in message
    assert row_counts() == before
    assert Norm.objects.get(code="GO.01").title == "Strategie informatiebeveiliging"


def test_the_service_raises_a_conflict_for_changed_content_under_the_same_version(tmp_path):
    services.framework_import(path=write_doc(tmp_path, framework_doc()))
    changed = framework_doc()
    changed["version"]["target_level"] = 4

    with pytest.raises(
        services.FrameworkVersionConflict, match=r"version 1\.0 of framework 'test-kader'"
    ):
        services.framework_import(path=write_doc(tmp_path, changed, "changed.yaml"))

    assert FrameworkVersion.objects.get().target_level == 3


def test_a_new_version_number_imports_alongside_the_old_one(tmp_path):
    run_import(write_doc(tmp_path, framework_doc()))
    old = FrameworkVersion.objects.get()
    newer = framework_doc(version="2.0")
    newer["norms"][0]["title"] = "Een andere titel"

    output = run_import(write_doc(tmp_path, newer, "newer.yaml"))

    assert "Imported test-kader version 2.0: 4 norms." in output
    assert Framework.objects.count() == 1
    assert sorted(FrameworkVersion.objects.values_list("version", flat=True)) == ["1.0", "2.0"]
    assert Norm.objects.count() == 8
    assert old.norms.get(code="GO.01").title == "Strategie informatiebeveiliging"
    assert (
        FrameworkVersion.objects.get(version="2.0").norms.get(code="GO.01").title
        == "Een andere titel"
    )


def test_it_refuses_a_new_version_that_renames_the_framework(tmp_path):
    run_import(write_doc(tmp_path, framework_doc()))
    before = row_counts()
    renamed = framework_doc(version="2.0")
    renamed["framework"]["name"] = "Een ander kader"
    path = write_doc(tmp_path, renamed, "renamed.yaml")

    with pytest.raises(CommandError) as error:
        run_import(path)

    assert str(path) in str(error.value)
    assert "framework.name" in str(error.value)
    assert row_counts() == before


# --- the shipped framework ----------------------------------------------------------------


@pytest.fixture
def shipped() -> FrameworkVersion:
    output = run_import(SHIPPED)
    assert "Imported normenkader-ibp-fo version 2024.1: 94 norms." in output
    return FrameworkVersion.objects.get(framework__slug="normenkader-ibp-fo")


def test_the_shipped_framework_has_69_security_and_25_privacy_norms(shipped):
    norms = Norm.objects.filter(framework_version=shipped).select_related("domain__part")

    assert norms.count() == 94
    security = [norm for norm in norms if norm.domain.part.code == "security"]
    privacy = [norm for norm in norms if norm.domain.part.code == "privacy"]
    assert len(security) == 69
    assert len(privacy) == 25
    assert len({norm.domain.code for norm in security}) == 15
    assert sorted(
        shipped.domains.filter(part__code="security").values_list("number", flat=True)
    ) == list(range(1, 16))
    assert [part.code for part in shipped.parts.all()] == ["security", "privacy"]
    assert shipped.target_level == 3


def test_every_shipped_norm_has_five_distinct_criteria_measures_and_a_reference(shipped):
    norms = Norm.objects.filter(framework_version=shipped).prefetch_related(
        "criteria", "example_measures", "references"
    )

    for norm in norms:
        criteria = list(norm.criteria.all())
        assert [c.level for c in criteria] == [1, 2, 3, 4, 5], norm.code
        texts = {" ".join(c.text.split()).casefold() for c in criteria}
        assert len(texts) == 5, norm.code
        assert all(text.strip() for text in texts), norm.code
        assert 2 <= len(norm.example_measures.all()) <= 4, norm.code
        assert all(m.text.strip() for m in norm.example_measures.all()), norm.code
        assert len(norm.references.all()) >= 1, norm.code
        assert norm.title.strip(), norm.code
        assert norm.statement.strip(), norm.code
        assert norm.why.strip(), norm.code


def test_only_the_thirteen_confirmed_shipped_norms_are_marked_confirmed(shipped):
    norms = Norm.objects.filter(framework_version=shipped)

    confirmed = {norm.code: norm.title for norm in norms if norm.confirmed}
    assert confirmed == CONFIRMED_TITLES
    assert norms.filter(confirmed=False).count() == 94 - 13


def test_importing_the_shipped_framework_twice_changes_nothing(shipped):
    before = row_counts()

    output = run_import(SHIPPED)

    assert "nothing changed" in output
    assert row_counts() == before
    assert FrameworkVersion.objects.get().pk == shipped.pk

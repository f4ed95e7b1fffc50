import pytest
import yaml
from django.utils import translation

from kompas.frameworks import mappingformat
from kompas.frameworks.fileformat import (
    FrameworkDocument,
    FrameworkFileError,
    checksum_of,
    normalise,
)
from kompas.frameworks.mappingformat import parse_mapping_text
from kompas.frameworks.mappings import MappingConflict
from kompas.frameworks.previews import (
    PairLine,
    framework_preview,
    mapping_lines,
    mapping_preview,
    norm_changes,
    relationship_counts,
)
from kompas.frameworks.services import FrameworkVersionConflict
from kompas.testing.frameworks import (
    framework_doc,
    import_document,
    import_mapping_document,
    revision_docs,
)
from kompas.testing.revision import RevisionWorld


def loaded(document):
    normalised = normalise(document)
    return FrameworkDocument(normalised, checksum_of(normalised))


def mapping_loaded(document):
    raw = yaml.safe_dump(document, allow_unicode=True, sort_keys=False).encode()
    return parse_mapping_text(raw, filename="mapping.yaml")


def test_norm_changes_lists_new_changed_and_removed_norms():
    old, new, _mapping = revision_docs()

    changes = norm_changes(normalise(old), normalise(new))

    assert [line.code for line in changes.new] == ["BC.04", "BV.03"]
    assert [line.code for line in changes.removed] == ["GO.03", "BV.01"]
    changed = {line.code: line.fields for line in changes.changed}
    assert changed == {"GO.01": ("statement",), "GO.02": ("title",), "BC.03": ("title",)}
    assert changes.unchanged == 1


def test_norm_changes_names_every_field_that_differs():
    old = framework_doc()
    new = framework_doc(version="2.0")
    norm = new["norms"][0]
    norm["criteria"][2]["text"] = "Anders."
    norm["example_measures"] = []
    norm["growth_phase"] = None

    (line,) = norm_changes(normalise(old), normalise(new)).changed

    assert line.fields == ("criteria", "example_measures", "growth_phase")
    with translation.override("en"):
        assert line.field_labels == "level criteria, example measures, growth phase"


def test_relationship_counts_count_every_kind_with_removed_and_new():
    _old, _new, mapping = revision_docs()

    counts = dict(relationship_counts(mapping))

    assert counts == {
        "equal": 2,
        "subset": 2,
        "superset": 2,
        "intersects": 0,
        "removed": 1,
        "new": 1,
    }


def test_mapping_lines_group_every_line_by_relationship_in_the_files_order():
    _old, _new, mapping = revision_docs()
    mapping["pairs"][0]["note"] = "Anders verwoord."
    titles = {"source": {"GO.01": "Strategie", "BV.01": "Oud"}, "target": {"BV.03": "Nieuw"}}

    groups = dict(mapping_lines(mappingformat.normalise(mapping), titles))

    assert list(groups) == ["equal", "subset", "superset", "intersects", "removed", "new"]
    assert groups["equal"] == [
        PairLine("GO.01", "Strategie", "GO.01", "", "Anders verwoord."),
        PairLine("BV.02", "", "BV.02", "", ""),
    ]
    assert [(line.source, line.target) for line in groups["superset"]] == [
        ("BC.03", "BC.03"),
        ("BC.03", "BC.04"),
    ]
    assert groups["intersects"] == []
    assert groups["removed"] == [PairLine("BV.01", "Oud", "", "", "Vervallen.")]
    assert groups["new"] == [PairLine("", "", "BV.03", "Nieuw", "Nieuw.")]


@pytest.mark.django_db
def test_a_version_of_a_new_framework_has_nothing_to_compare_with():
    preview = framework_preview(document=loaded(framework_doc()), filename="kader.yaml")

    assert preview.identical is None
    assert preview.previous is None
    assert preview.changes is None
    assert preview.norm_count == 4


@pytest.mark.django_db
def test_an_identical_version_is_recognised_as_a_no_op():
    version = import_document(framework_doc())

    preview = framework_preview(document=loaded(framework_doc()), filename="kader.yaml")

    assert preview.identical == version
    assert preview.changes is None


@pytest.mark.django_db
def test_a_new_version_is_compared_with_the_latest_installed_one():
    old, new, _mapping = revision_docs()
    previous = import_document(old)

    preview = framework_preview(document=loaded(new), filename="kader.yaml")

    assert preview.identical is None
    assert preview.previous == previous
    assert preview.changes is not None
    assert [line.code for line in preview.changes.removed] == ["GO.03", "BV.01"]


def test_a_new_version_names_the_boards_evaluating_on_an_earlier_one(world):
    revised = framework_doc(version="2.0")
    revised["norms"][0]["title"] = "Anders"

    preview = framework_preview(document=loaded(revised), filename="kader.yaml")

    assert preview.previous == world.version
    assert [board.name for board in preview.boards] == ["Stichting A"]
    identical = framework_preview(document=loaded(framework_doc()), filename="kader.yaml")
    assert identical.boards == []


@pytest.mark.django_db
def test_a_new_framework_affects_no_board():
    preview = framework_preview(document=loaded(framework_doc()), filename="kader.yaml")

    assert preview.boards == []


@pytest.mark.django_db
def test_the_preview_refuses_what_the_import_refuses():
    import_document(framework_doc())
    changed = framework_doc()
    changed["norms"][0]["title"] = "Anders"
    renamed = framework_doc(version="2.0")
    renamed["framework"]["name"] = "Ander kader"

    with pytest.raises(FrameworkVersionConflict):
        framework_preview(document=loaded(changed), filename="kader.yaml")
    with pytest.raises(FrameworkFileError, match="named 'Testkader' here"):
        framework_preview(document=loaded(renamed), filename="kader.yaml")


@pytest.mark.django_db
def test_a_mapping_preview_names_the_boards_with_evaluations_on_the_source():
    world = RevisionWorld()

    preview = mapping_preview(document=mapping_loaded(world.mapping_doc), filename="m.yaml")

    assert preview.source == world.old
    assert preview.target == world.new
    assert [board.name for board in preview.boards] == ["Stichting A"]
    assert preview.removed == ["BV.01"]
    assert preview.new == ["BV.03"]
    assert preview.identical is None
    groups = {value: lines for value, _label, lines in preview.line_groups}
    assert list(groups) == ["equal", "subset", "superset", "removed", "new"]
    (first, *_rest) = groups["subset"]
    assert (first.source, first.target) == ("GO.02", "GO.02")
    assert first.source_title == world.old.norms.get(code="GO.02").title
    assert first.target_title == "Beleid en planning informatiebeveiliging"


@pytest.mark.django_db
def test_a_mapping_preview_knows_an_identical_mapping_and_refuses_a_different_one():
    old, new, mapping = revision_docs()
    import_document(old)
    import_document(new)
    installed = import_mapping_document(mapping)

    preview = mapping_preview(document=mapping_loaded(mapping), filename="m.yaml")
    assert preview.identical == installed
    assert preview.boards == []

    mapping["pairs"][0]["relationship"] = "subset"
    with pytest.raises(MappingConflict):
        mapping_preview(document=mapping_loaded(mapping), filename="m.yaml")

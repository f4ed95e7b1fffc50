"""A framework revision: a board's approved work, evidence and plan carried over a mapping.

Version 1.0 and its revision 2.0 (kompas.testing.frameworks.revision_docs): GO.01 reworded
(equal), GO.02 and GO.03 merged into GO.02 (subset), BC.03 split into BC.03 and BC.04
(superset), BV.01 removed, BV.02 unchanged (equal), BV.03 new. Every expectation below is
worked out by hand from the rules in docs/mapping-format.md, "Carrying work over".
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kompas.assessments.models import Evidence, NormScore, SelfAssessment
from kompas.assessments.selectors import carry_report
from kompas.assessments.services import scores_confirm
from kompas.audit.models import AuditEvent
from kompas.plans.models import MeasureNorm, RiskAcceptance
from kompas.plans.revision import measures_to_review
from kompas.plans.selectors import plan_check
from kompas.testing.revision import COORD, EXEC, RevisionWorld

pytestmark = pytest.mark.django_db


@pytest.fixture
def revision(db):
    return RevisionWorld()


def scores_by_code(assessment):
    return {
        score.norm.code: score
        for score in NormScore.objects.filter(assessment=assessment).select_related("norm")
    }


def test_work_carries_over_the_mapping_as_worked_out_by_hand(revision):
    revision.import_mapping()
    people = revision.people

    later = revision.start_revised()

    assert later.mapping is not None
    assert later.started_from == revision.earlier
    scores = scores_by_code(later)
    assert sorted(scores) == ["BC.03", "BC.04", "BV.02", "BV.03", "GO.01", "GO.02"]
    found = {
        code: (
            score.level,
            score.target_level,
            score.not_applicable,
            score.not_applicable_reason,
            score.explanation,
            score.assignee_id,
            score.to_confirm,
            score.needs_review,
        )
        for code, score in scores.items()
    }
    coordinator, executive = people[COORD].pk, people[EXEC].pk
    assert found == {
        # reworded, the same norm: as it was
        "GO.01": (2, 3, False, "", "Strategie in concept.", coordinator, True, False),
        # merged: the lowest level (1 of GO.03), the highest target (4 of GO.03), both
        # explanations, and the assignee of the lowest since the two differ
        "GO.02": (
            1, 4, False, "", "GO.02: Beleid vastgesteld.\n\nGO.03: Nog geen planning.",
            executive, True, True,
        ),
        # split: both halves take the one earlier score, to be judged
        "BC.03": (4, 3, False, "", "Back-ups elders.", None, True, True),
        "BC.04": (4, 3, False, "", "Back-ups elders.", None, True, True),
        "BV.02": (None, 3, True, "Geen eigen verwerking.", "", None, True, False),
        # new: unassessed, the version's target, nothing to confirm
        "BV.03": (None, 3, False, "", "", None, False, False),
    }  # fmt: skip
    assert scores["GO.02"].carried == [
        {"code": "GO.02", "relationship": "subset", "level": 3, "not_applicable": False},
        {"code": "GO.03", "relationship": "subset", "level": 1, "not_applicable": False},
    ]
    assert scores["BV.03"].carried == []

    evidence = sorted(
        Evidence.objects.current()
        .filter(score__assessment=later)
        .values_list("score__norm__code", "url")
    )
    assert evidence == [
        ("BC.03", "https://intranet.example.nl/backup"),
        ("BC.04", "https://intranet.example.nl/backup"),
        ("GO.01", "https://intranet.example.nl/strategie"),
    ]

    report = carry_report(assessment=later)
    assert report is not None
    assert (report.as_is, report.to_review, report.new) == (2, 3, ["BV.03"])
    assert report.removed == [("BV.01", 2, False)]


def test_the_plan_follows_and_flags_measures_on_removed_norms(revision):
    revision.import_mapping()

    later = revision.start_revised()

    links = sorted(
        (link.norm.framework_version.version, link.norm.code, link.target_level)
        for link in MeasureNorm.objects.filter(measure=revision.merged).select_related(
            "norm__framework_version"
        )
    )
    assert links == [
        ("1.0", "BC.03", 4), ("1.0", "GO.03", 4),
        ("2.0", "BC.03", 4), ("2.0", "BC.04", 4), ("2.0", "GO.02", 4),
    ]  # fmt: skip
    assert not MeasureNorm.objects.filter(
        measure=revision.dropped_norm, norm__framework_version=revision.new
    ).exists()
    review = measures_to_review(assessment=later)
    assert [(item.measure, item.removed) for item in review] == [(revision.dropped_norm, ["BV.01"])]
    followed = RiskAcceptance.objects.get(norm__framework_version=revision.new)
    assert (followed.norm.code, followed.reason) == ("GO.01", "Strategie volgt na de fusie.")
    assert followed.accepted_by == revision.people[EXEC]

    check = plan_check(board=revision.board, assessment=later)
    assert {gap.code: (gap.covered, gap.accepted) for gap in check.gaps} == {
        "GO.01": (False, True),
        "GO.02": (True, False),
        "BV.03": (False, False),
    }
    assert (
        AuditEvent.objects.filter(object_type="plans.measure", object_id=str(revision.merged.pk))
        .filter(changes__has_key="norms added for the revised framework")
        .exists()
    )


def test_the_bulk_confirmation_leaves_what_changed_in_scope(revision):
    revision.import_mapping()
    later = revision.start_revised()

    done = scores_confirm(access=revision.access(COORD), actor=revision.people[COORD],
                          assessment=later)  # fmt: skip

    assert done.confirmed == ["GO.01", "BV.02"]
    assert sorted(done.left) == ["BC.03", "BC.04", "GO.02"]


def test_without_a_mapping_nothing_carries_unless_the_board_says_so(revision):
    with pytest.raises(ValidationError) as refused:
        revision.start_revised()

    assert (
        "Er is geen mapping van Testkader voor scholen 1.0 naar Testkader voor scholen 2.0"
        in (refused.value.message_dict["start_empty"][0])
    )
    assert not SelfAssessment.objects.filter(period="2028").exists()

    later = revision.start_revised(start_empty=True)

    assert later.started_from is None
    assert later.mapping is None
    assert not NormScore.objects.filter(assessment=later, level__isnull=False).exists()
    assert not NormScore.objects.filter(assessment=later, to_confirm=True).exists()


def test_the_start_form_asks_before_it_starts_empty(client, revision):
    client.force_login(revision.people[COORD])
    url = reverse("assessments:list", args=[revision.board.pk])
    data = {
        "period": "2028",
        "framework_version": revision.new.pk,
        "previous": revision.earlier.pk,
    }

    asked = client.post(url, data)

    assert asked.status_code == 200
    assert "Er is geen mapping van Testkader voor scholen 1.0 naar" in asked.text
    assert 'name="start_empty"' in asked.text
    assert not SelfAssessment.objects.filter(period="2028").exists()

    started = client.post(url, {**data, "start_empty": "on"})

    later = SelfAssessment.objects.get(period="2028")
    assert started.status_code == 302
    assert started["Location"] == reverse(
        "assessments:overview", args=[revision.board.pk, later.pk]
    )


def test_the_pages_show_what_came_from_where(client, revision):
    revision.import_mapping()
    later = revision.start_revised()
    client.force_login(revision.people[COORD])

    overview = client.get(reverse("assessments:overview", args=[revision.board.pk, later.pk]))
    reworded = client.get(reverse("assessments:norm", args=[revision.board.pk, later.pk, "GO.01"]))
    same = client.get(reverse("assessments:norm", args=[revision.board.pk, later.pk, "BV.02"]))
    new = client.get(reverse("assessments:norm", args=[revision.board.pk, later.pk, "BV.03"]))

    assert "Overgenomen van Testkader voor scholen 1.0 naar Testkader voor scholen 2.0" in (
        overview.text
    )
    assert "BV.01</code> (niveau 2)" in overview.text
    assert "Wat GO.01 vraagt.</p>" in reworded.text  # before
    assert "Wat GO.01 vraagt, in nieuwe woorden.</p>" in reworded.text  # now
    assert "De titel en de norm zijn niet veranderd." in same.text
    assert "Deze norm is nieuw in deze versie van het kader" in new.text

"""The board document holds everything a board owns, or says why not.

"Board-owned" is found here, not in the export: every installed model with a foreign key to
the board, directly or up its parent chain (a consent through its submission), or with a plain
board key (the audit trail). The export's own registry (`SECTIONS`, `LEFT_OUT`) must account for
each one, so a new board-owned model fails this test until it is exported or left out with its
reason. The round trip in test_board_export.py shows that what the registry claims comes back.
"""

from kompas.audit.models import AuditEvent
from kompas.exports.board_export import LEFT_OUT, SECTIONS
from kompas.exports.tests.export_world import board_lookup, board_owned_models
from kompas.incidents.models import Incident
from kompas.monitoring.models import Consent, MonitoringRound, Release, SupportNote


def exported_models():
    return [model for section in SECTIONS for model in section.models]


def test_every_board_owned_model_is_exported_or_left_out_with_a_reason():
    exported = set(exported_models())
    unaccounted = sorted(
        model._meta.label
        for model in board_owned_models()
        if model not in exported and model not in LEFT_OUT
    )

    assert unaccounted == [], "export these in a section of SECTIONS, or add them to LEFT_OUT"


def test_the_registry_names_each_model_once_and_only_board_owned_ones():
    exported = exported_models()
    owned = set(board_owned_models())

    assert len(exported) == len(set(exported)), "a model is in two sections"
    assert set(exported).isdisjoint(LEFT_OUT)
    assert sorted(m._meta.label for m in {*exported, *LEFT_OUT} if m not in owned) == []
    assert all(len(reason.split()) >= 5 for reason in LEFT_OUT.values())


def test_board_ownership_is_found_through_the_parent_chain():
    assert board_lookup(Incident) == "board"
    assert board_lookup(Consent) == "submission__board"
    assert board_lookup(Incident.norms.through) == "incident__board"
    assert board_lookup(AuditEvent) == "board_id"
    # Sector data: a round and its releases belong to no board.
    assert board_lookup(MonitoringRound) is None
    assert board_lookup(Release) is None
    assert SupportNote in LEFT_OUT

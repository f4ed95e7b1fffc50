"""The threat catalogue: the shipped file, loading it, editing it in the admin, and the priority
of a gap it feeds (docs/scoring.md, "Priority of a gap"; docs/plan.md, "Threat catalogue").
"""

import copy
import io

import pytest
import yaml
from django.core.management import CommandError, call_command

from kompas.assessments.models import NormScore
from kompas.audit.models import AuditEvent
from kompas.boards.models import Board, Membership, SectorAssignment
from kompas.boards.roles import BoardRole, SectorRole
from kompas.frameworks.fileformat import read_framework_file
from kompas.frameworks.normenkader import SHIPPED_FRAMEWORK
from kompas.frameworks.services import framework_import
from kompas.plans.models import Threat, ThreatNorm
from kompas.plans.selectors import plan_check, threat_weights
from kompas.plans.threats import (
    SHIPPED_THREATS,
    ThreatFileError,
    read_threat_file,
    threat_catalogue_load,
)
from kompas.testing.frameworks import framework_doc, import_document
from kompas.testing.people import UserFactory
from kompas.testing.world import World


def catalogue_doc():
    """Two threats on the four-norm test framework (GO.01, GO.02, BC.03, BV.01)."""
    return copy.deepcopy(
        {
            "format": "ibp-kompas-threats",
            "format_version": 1,
            "threats": [
                {
                    "code": "ransomware",
                    "name": "Ransomware",
                    "description": "Alles versleuteld in een weekend.",
                    "norms": {"BC.03": 3, "GO.01": 1},
                },
                {
                    "code": "datalek-leverancier",
                    "name": "Datalek bij een leverancier",
                    "description": "Leerlinggegevens buitgemaakt bij een leverancier.",
                    "norms": {"BV.01": 2},
                },
            ],
        }
    )


def write(tmp_path, document):
    path = tmp_path / "dreigingen.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def catalogue_state():
    return sorted(
        ThreatNorm.objects.values_list(
            "threat__code",
            "threat__name",
            "threat__description",
            "threat__position",
            "threat__is_active",
            "norm_code",
            "weight",
        )
    )


@pytest.fixture
def shipped_version(db):
    return framework_import(path=SHIPPED_FRAMEWORK).version


@pytest.fixture
def small_version(db):
    return import_document(framework_doc())


# --- the shipped catalogue --------------------------------------------------------------


def test_the_shipped_catalogue_links_8_to_12_threats_to_existing_norms(shipped_version):
    result = threat_catalogue_load()

    norm_codes = set(shipped_version.norms.values_list("code", flat=True))
    threats = list(Threat.objects.prefetch_related("norms"))
    assert 8 <= len(threats) <= 12
    assert result.created == [threat.code for threat in threats]
    for threat in threats:
        links = list(threat.norms.all())
        assert 3 <= len(links) <= 8, threat.code
        assert {link.norm_code for link in links} <= norm_codes
        assert {link.weight for link in links} <= {1, 2, 3}
        assert threat.name
        assert threat.description
        assert threat.is_active


def test_the_shipped_catalogue_only_names_norms_of_the_shipped_framework(db):
    # Checked on the files alone, so a renamed norm in either file fails here first.
    framework = read_framework_file(SHIPPED_FRAMEWORK, max_bytes=10_000_000)
    norm_codes = {norm["code"] for norm in framework.data["norms"]}

    entries = read_threat_file(SHIPPED_THREATS)

    assert {code for entry in entries for code in entry.norms} <= norm_codes


def test_loading_twice_changes_nothing(shipped_version):
    threat_catalogue_load()
    state, events = catalogue_state(), AuditEvent.objects.count()

    again = threat_catalogue_load()

    assert again.created == []
    assert len(again.kept) == Threat.objects.count()
    assert catalogue_state() == state
    assert AuditEvent.objects.count() == events


def test_each_added_threat_is_recorded_in_the_platform_audit_trail(small_version, tmp_path):
    threat_catalogue_load(path=write(tmp_path, catalogue_doc()))

    event = AuditEvent.objects.get(object_type="plans.threat", object_repr="Ransomware")
    assert event.board_id is None
    assert event.changes == {"norms": [None, "BC.03 (3), GO.01 (1)"]}


def test_a_threat_the_admin_edited_survives_a_reload(small_version, tmp_path):
    path = write(tmp_path, catalogue_doc())
    threat_catalogue_load(path=path)
    threat = Threat.objects.get(code="ransomware")
    threat.name = "Gijzelsoftware"
    threat.is_active = False
    threat.save()
    threat.norms.filter(norm_code="GO.01").delete()
    threat.norms.filter(norm_code="BC.03").update(weight=1)

    threat_catalogue_load(path=path)

    threat.refresh_from_db()
    assert (threat.name, threat.is_active) == ("Gijzelsoftware", False)
    assert list(threat.norms.values_list("norm_code", "weight")) == [("BC.03", 1)]


def test_a_reload_adds_only_the_threats_that_are_missing(small_version, tmp_path):
    document = catalogue_doc()
    first = copy.deepcopy(document)
    del first["threats"][1]
    threat_catalogue_load(path=write(tmp_path, first))

    result = threat_catalogue_load(path=write(tmp_path, document))

    assert (result.created, result.kept) == (["datalek-leverancier"], ["ransomware"])
    assert list(Threat.objects.values_list("code", "position")) == [
        ("ransomware", 1),
        ("datalek-leverancier", 2),
    ]


# --- bad files --------------------------------------------------------------------------


def _bad_weight(doc):
    doc["threats"][0]["norms"]["BC.03"] = 4


def _unknown_norm(doc):
    doc["threats"][1]["norms"]["XX.99"] = 2


def _duplicate_code(doc):
    doc["threats"][1]["code"] = "ransomware"


def _missing_name(doc):
    del doc["threats"][1]["name"]


def _unknown_key(doc):
    doc["threats"][0]["severity"] = "hoog"


def _wrong_format(doc):
    doc["format"] = "ibp-kompas-framework"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_bad_weight, "threats[0].norms.BC.03: weight must be 1, 2 or 3, not 4"),
        (_unknown_norm, "threat 'datalek-leverancier': no imported framework has a norm 'XX.99'"),
        (_duplicate_code, "threats[1].code: duplicate code 'ransomware'"),
        (_missing_name, "threats[1]: missing field 'name'"),
        (_unknown_key, "threats[0].severity: unknown field 'severity'"),
        (_wrong_format, "format: must be 'ibp-kompas-threats'"),
    ],
)
def test_a_bad_file_is_refused_with_the_problem_and_writes_nothing(
    small_version, tmp_path, change, message
):
    document = catalogue_doc()
    change(document)
    path = write(tmp_path, document)

    with pytest.raises(ThreatFileError) as caught:
        threat_catalogue_load(path=path)

    assert caught.value.filename == str(path)
    assert message in str(caught.value)
    assert str(caught.value).startswith(str(path))
    assert not Threat.objects.exists()
    assert not ThreatNorm.objects.exists()


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"threats: [ransomware\n", "invalid YAML"),
        (b"", "the file is empty"),
        (b"gewoon wat tekst\n", "the file must hold a mapping"),
        (b"\xff\xfe\x00", "not UTF-8 text"),
        (
            b'threats: ["Phishing\\0"]\n',
            r"threats\[0\]: has the invisible character U\+0000 \(NUL\)",
        ),
    ],
)
def test_a_file_that_is_not_a_catalogue_is_refused(small_version, tmp_path, raw, message):
    path = tmp_path / "dreigingen.yaml"
    path.write_bytes(raw)

    with pytest.raises(ThreatFileError, match=message):
        threat_catalogue_load(path=path)

    assert not Threat.objects.exists()


def test_an_error_names_the_line(small_version, tmp_path):
    path = tmp_path / "dreigingen.yaml"
    path.write_text(
        "format: ibp-kompas-threats\nformat_version: 1\nthreats:\n"
        "  - code: ransomware\n    name: Ransomware\n    description: Versleuteld.\n"
        "    norms:\n      BC.03: 5\n",
        "utf-8",
    )

    with pytest.raises(ThreatFileError) as caught:
        read_threat_file(path)

    assert caught.value.lines() == [
        f"{path}:8: threats[0].norms.BC.03: weight must be 1, 2 or 3, not 5"
    ]


def test_unknown_norm_codes_are_all_listed(db, tmp_path):
    # Nothing imported yet: every code is unknown, and each is named.
    with pytest.raises(ThreatFileError) as caught:
        threat_catalogue_load(path=write(tmp_path, catalogue_doc()))

    assert len(caught.value.problems) == 3


# --- the command ------------------------------------------------------------------------


def test_the_command_loads_the_shipped_catalogue_by_default(shipped_version, capsys):
    call_command("load_threats")
    call_command("load_threats")

    out = capsys.readouterr().out.splitlines()
    count = Threat.objects.count()
    assert out == [
        f"Threat catalogue: {count} added, 0 already present (left as they are).",
        f"Threat catalogue: 0 added, {count} already present (left as they are).",
    ]


def test_the_command_reports_a_bad_file(small_version, tmp_path):
    document = catalogue_doc()
    _bad_weight(document)

    with pytest.raises(CommandError, match="weight must be 1, 2 or 3"):
        call_command("load_threats", str(write(tmp_path, document)))


def test_seeding_the_demo_twice_loads_the_catalogue_once(db):
    call_command("seed_demo", stdout=io.StringIO())
    state = catalogue_state()
    call_command("seed_demo", stdout=io.StringIO())

    assert state
    assert catalogue_state() == state


# --- the priority of a gap --------------------------------------------------------------


@pytest.fixture
def threat_world(db):
    """The worked example of docs/scoring.md, "Priority of a gap"."""
    world = World()
    levels = {"GO.01": 2, "GO.02": 1, "BC.03": None, "BV.01": 2}
    for code, level in levels.items():
        NormScore.objects.filter(assessment=world.assessment, norm__code=code).update(level=level)
    NormScore.objects.filter(assessment=world.assessment, norm__code="BV.01").update(target_level=4)
    ransomware = Threat.objects.create(code="ransomware", name="Ransomware", description=".")
    ThreatNorm.objects.create(threat=ransomware, norm_code="GO.01", weight=3)
    ThreatNorm.objects.create(threat=ransomware, norm_code="BC.03", weight=1)
    supplier = Threat.objects.create(code="leverancier", name="Leverancier", description=".")
    ThreatNorm.objects.create(threat=supplier, norm_code="BC.03", weight=2)
    retired = Threat.objects.create(
        code="oud", name="Oude dreiging", description=".", is_active=False
    )
    ThreatNorm.objects.create(threat=retired, norm_code="GO.02", weight=3)
    return world


def test_threat_weights_add_up_the_active_threats_per_norm(threat_world):
    assert threat_weights() == {"GO.01": 3, "BC.03": 3}


def test_gaps_are_ordered_by_gap_size_times_threat_relevance(threat_world):
    check = plan_check(board=threat_world.board)

    assert [(gap.code, gap.size, gap.threat_weight, gap.priority) for gap in check.gaps] == [
        ("BC.03", 3, 3, 12),
        ("GO.01", 1, 3, 4),
        ("GO.02", 2, 0, 2),  # ties with BV.01: framework order decides
        ("BV.01", 2, 0, 2),
    ]


# --- editing in the admin ---------------------------------------------------------------


@pytest.fixture
def threat(small_version, tmp_path):
    threat_catalogue_load(path=write(tmp_path, catalogue_doc()))
    return Threat.objects.get(code="ransomware")


def change_url(threat):
    return f"/admin/plans/threat/{threat.pk}/change/"


def change_form(threat, **fields):
    """The change form as the admin page posts it, with the threat's links unchanged."""
    links = list(threat.norms.order_by("pk"))
    data = {
        "code": threat.code,
        "name": threat.name,
        "description": threat.description,
        "position": threat.position,
        "is_active": "on" if threat.is_active else "",
        "norms-TOTAL_FORMS": len(links),
        "norms-INITIAL_FORMS": len(links),
        "norms-MIN_NUM_FORMS": 0,
        "norms-MAX_NUM_FORMS": 1000,
    }
    for index, link in enumerate(links):
        data |= {
            f"norms-{index}-id": link.pk,
            f"norms-{index}-threat": threat.pk,
            f"norms-{index}-norm_code": link.norm_code,
            f"norms-{index}-weight": link.weight,
        }
    return data | fields


@pytest.fixture
def platform_admin(db):
    """A staff account with the platform-admin role, deliberately not a superuser."""
    user = UserFactory.create(email="beheer@ibpkompas.nl", is_staff=True)
    SectorAssignment.objects.create(user=user, role=SectorRole.PLATFORM_ADMIN)
    return user


def test_the_platform_admin_edits_a_threat_and_its_weights(client, platform_admin, threat):
    client.force_login(platform_admin)

    page = client.get(change_url(threat))
    response = client.post(
        change_url(threat),
        change_form(threat, name="Gijzelsoftware", **{"norms-0-weight": 2}),
    )

    assert page.status_code == 200
    assert response.status_code == 302
    threat.refresh_from_db()
    assert threat.name == "Gijzelsoftware"
    assert dict(threat.norms.values_list("norm_code", "weight")) == {"BC.03": 2, "GO.01": 1}
    event = AuditEvent.objects.filter(object_type="plans.threat", action="update").get()
    assert event.actor_id == platform_admin.pk
    assert event.changes == {
        "name": ["Ransomware", "Gijzelsoftware"],
        "norms": ["BC.03 (3), GO.01 (1)", "BC.03 (2), GO.01 (1)"],
    }


def test_the_platform_admin_lists_and_searches_threats(client, platform_admin, threat):
    client.force_login(platform_admin)

    response = client.get("/admin/plans/threat/", {"q": "BV.01"})

    assert response.status_code == 200
    assert "Datalek bij een leverancier" in response.text
    assert "Ransomware" not in response.text


@pytest.mark.parametrize(("norm_code", "weight"), [("XX.99", 2), ("BC.03", 4)])
def test_the_admin_refuses_an_unknown_norm_code_or_weight(
    client, platform_admin, threat, norm_code, weight
):
    client.force_login(platform_admin)

    response = client.post(
        change_url(threat),
        change_form(threat, **{"norms-0-norm_code": norm_code, "norms-0-weight": weight}),
    )

    assert response.status_code == 200
    assert dict(threat.norms.values_list("norm_code", "weight")) == {"BC.03": 3, "GO.01": 1}


def test_threats_are_retired_not_deleted(client, platform_admin, threat):
    client.force_login(platform_admin)

    response = client.post(f"/admin/plans/threat/{threat.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert Threat.objects.filter(pk=threat.pk).exists()


def test_a_board_member_cannot_reach_the_threat_admin(client, threat):
    member = UserFactory.create(email="coordinator@a.example.nl")
    board = Board.objects.create(name="Stichting A", bg_number="41001")
    Membership.objects.create(user=member, board=board, role=BoardRole.COORDINATOR)
    client.force_login(member)

    page = client.get(change_url(threat))
    post = client.post(change_url(threat), change_form(threat, name="Gehackt"))

    assert page.status_code == 302
    assert page["Location"].startswith("/admin/login/")
    assert post.status_code == 302
    threat.refresh_from_db()
    assert threat.name == "Ransomware"


def test_staff_without_the_platform_admin_role_cannot_change_threats(client, threat):
    client.force_login(UserFactory.create(email="medewerker@ibpkompas.nl", is_staff=True))

    response = client.post(change_url(threat), change_form(threat, name="Gehackt"))

    assert response.status_code == 403
    threat.refresh_from_db()
    assert threat.name == "Ransomware"

"""Every URL of the application has a stated access rule, and the rule holds for every role.

A new URL pattern without an entry in ACCESS fails `test_every_url_has_an_access_rule`, so
nobody can add a page without deciding who may see it.
"""

import datetime
import hashlib
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from kompas.assessments.evidence import evidence_add_file
from kompas.assessments.services import assessment_start
from kompas.boards.access import access_board
from kompas.boards.models import Board, Group, Membership, SectorAssignment
from kompas.boards.roles import Action, BoardRole, SectorRole, may
from kompas.boards.services import invitation_create
from kompas.frameworks.models import Norm
from kompas.incidents.models import Incident
from kompas.incidents.services import ReportData, incident_report
from kompas.monitoring.models import Consent, Release, ReleaseStatus, Submission
from kompas.monitoring.services import round_open
from kompas.notifications.models import Notification
from kompas.plans.models import PlanVersion
from kompas.plans.services import MeasureData, measure_create, risk_accept
from kompas.reports.annual_services import annual_report_approve, annual_report_draft
from kompas.reports.models import IssuedReport
from kompas.testing.frameworks import framework_doc, import_document
from kompas.testing.people import UserFactory


@dataclass(frozen=True)
class Public:
    """Anyone, signed in or not."""


@dataclass(frozen=True)
class OnBoard:
    """A member of the board in the URL whose role allows `action`; others 404, or 403."""

    action: Action
    post_only: bool = False
    also: Action | None = None  # a second action the role needs as well
    # What an allowed role gets for the matrix's empty POST when the view refuses it as bad
    # input (a form page, 400) rather than redirecting: the role got through all the same.
    empty_post: int | None = None


@dataclass(frozen=True)
class SignedIn:
    """Any signed-in person; shows only their own things."""

    post_only: bool = False


@dataclass(frozen=True)
class Sector:
    roles: tuple[SectorRole, ...]
    post_only: bool = False


# The sector roles that read published (disclosure-controlled) figures.
FIGURE_READERS = (
    SectorRole.PROGRAMME_ANALYST,
    SectorRole.REGIONAL_COORDINATOR,
    SectorRole.INSPECTOR,
)

ACCESS = {
    "home": Public(),
    "healthz": Public(),
    "set_language": Public(),
    "frameworks:index": Public(),
    "frameworks:latest": Public(),
    "frameworks:catalogue": Public(),
    "frameworks:search": Public(),
    "frameworks:domain": Public(),
    "frameworks:norm": Public(),
    "boards:mine": SignedIn(),
    "boards:switch": SignedIn(post_only=True),
    # One's own notifications: another's is not found (kompas/notifications/tests).
    "notifications:list": SignedIn(),
    "notifications:open": SignedIn(),
    "notifications:read_all": SignedIn(post_only=True),
    "notifications:preferences": SignedIn(),
    "notifications:calendar": SignedIn(),
    # The secret address is the credential (kompas/notifications/tests: unknown or renewed: 404).
    "notifications:calendar_feed": Public(),
    "boards:invitation": Public(),  # the token is the key; tested in test_invitations
    "boards:home": OnBoard(Action.VIEW_REPORTS),
    "boards:contributor_scope": OnBoard(Action.MANAGE_MEMBERS, post_only=True),
    "boards:members": OnBoard(Action.MANAGE_MEMBERS),
    "boards:member_deactivate": OnBoard(Action.MANAGE_MEMBERS, post_only=True),
    "boards:schools": OnBoard(Action.MANAGE_BOARD),
    "boards:groups": OnBoard(Action.MANAGE_BOARD),
    "boards:group_join": OnBoard(Action.MANAGE_BOARD, post_only=True),
    "boards:group_leave": OnBoard(Action.MANAGE_BOARD, post_only=True),
    "platform:groups": Sector((SectorRole.PLATFORM_ADMIN,)),
    "boards:audit": OnBoard(Action.VIEW_AUDIT),
    "assessments:list": OnBoard(Action.VIEW),
    "assessments:overview": OnBoard(Action.VIEW),
    "assessments:norm": OnBoard(Action.VIEW),
    "assessments:compare": OnBoard(Action.VIEW),
    "assessments:export_xlsx": OnBoard(Action.VIEW),
    "assessments:import_xlsx": OnBoard(Action.EDIT),
    "assessments:import_xlsx_confirm": OnBoard(Action.EDIT, post_only=True),
    "assessments:confirm": OnBoard(Action.EDIT, post_only=True),
    "assessments:submit": OnBoard(Action.MANAGE_BOARD, post_only=True),
    "assessments:approve": OnBoard(Action.APPROVE, post_only=True),
    "assessments:reopen": OnBoard(Action.APPROVE, post_only=True),
    "assessments:send_back": OnBoard(Action.APPROVE, post_only=True),
    "assessments:evidence_add": OnBoard(Action.EDIT, post_only=True),
    "assessments:evidence_remove": OnBoard(Action.EDIT, post_only=True),
    "assessments:evidence_download": OnBoard(Action.VIEW_EVIDENCE),
    "plans:plan": OnBoard(Action.VIEW),
    "plans:roadmap": OnBoard(Action.VIEW),
    "plans:measure_new": OnBoard(Action.EDIT),
    "plans:measure": OnBoard(Action.VIEW),
    "plans:measure_progress": OnBoard(Action.EDIT, post_only=True),
    "plans:suggestion_accept": OnBoard(Action.EDIT, post_only=True),
    "plans:risk_new": OnBoard(Action.ACCEPT_RISK),
    "plans:risk_propose": OnBoard(Action.PROPOSE_RISK),
    "plans:risk_withdraw": OnBoard(Action.ACCEPT_RISK, post_only=True),
    "plans:deadline": OnBoard(Action.MANAGE_BOARD, post_only=True),
    "plans:approve": OnBoard(Action.APPROVE, post_only=True),
    "plans:submit": OnBoard(Action.MANAGE_BOARD, post_only=True),
    "plans:send_back": OnBoard(Action.APPROVE, post_only=True),
    "plans:version": OnBoard(Action.VIEW),
    "plans:compare": OnBoard(Action.VIEW),
    "plans:export_xlsx": OnBoard(Action.VIEW),
    "reports:dashboard": OnBoard(Action.VIEW_REPORTS),
    "reports:supervisory_pdf": OnBoard(Action.VIEW_REPORTS),
    "reports:annual_list": OnBoard(Action.VIEW_REPORTS),
    "reports:annual_generate": OnBoard(Action.EDIT, post_only=True),
    "reports:annual_report": OnBoard(Action.VIEW_REPORTS),
    "reports:annual_edit": OnBoard(Action.EDIT),
    "reports:annual_approve": OnBoard(Action.APPROVE, post_only=True),
    "reports:annual_new_version": OnBoard(Action.EDIT, post_only=True),
    "reports:annual_docx": OnBoard(Action.VIEW_REPORTS),
    "reports:annual_txt": OnBoard(Action.VIEW_REPORTS),
    "reports:issued_list": OnBoard(Action.VIEW_REPORTS),
    "reports:issue": OnBoard(Action.ISSUE_REPORTS, post_only=True, empty_post=400),
    "reports:issued_download": OnBoard(Action.VIEW_REPORTS),
    "platform:boards": Sector((SectorRole.PLATFORM_ADMIN,)),
    "platform:board": Sector((SectorRole.PLATFORM_ADMIN,)),
    "platform:users": Sector((SectorRole.PLATFORM_ADMIN,)),
    "platform:user_deactivate": Sector((SectorRole.PLATFORM_ADMIN,), post_only=True),
    "platform:auth_events": Sector((SectorRole.PLATFORM_ADMIN,)),
    "monitoring:board_rounds": OnBoard(Action.VIEW),
    "monitoring:submit": OnBoard(Action.APPROVE, post_only=True),
    "monitoring:consent_withdraw": OnBoard(Action.APPROVE, post_only=True),
    "monitoring:rounds": Sector((SectorRole.PROGRAMME_ANALYST,)),
    "monitoring:support": Sector((SectorRole.PROGRAMME_ANALYST,)),
    "monitoring:support_board": Sector((SectorRole.PROGRAMME_ANALYST,)),
    "monitoring:groups": Sector((SectorRole.REGIONAL_COORDINATOR,)),
    "monitoring:group": Sector((SectorRole.REGIONAL_COORDINATOR,)),
    "monitoring:board_group": OnBoard(Action.VIEW),
    "monitoring:round": Sector(FIGURE_READERS),
    "monitoring:dashboard": Sector(FIGURE_READERS),
    "monitoring:release": Sector(FIGURE_READERS),
    "monitoring:release_download": Sector(FIGURE_READERS),
    "monitoring:make_release": Sector((SectorRole.PROGRAMME_ANALYST,), post_only=True),
    "monitoring:release_retry": Sector((SectorRole.PROGRAMME_ANALYST,), post_only=True),
    "monitoring:benchmark": OnBoard(Action.VIEW_REPORTS),
    "monitoring:services": OnBoard(Action.VIEW),
    "monitoring:service_save": OnBoard(Action.MANAGE_BOARD, post_only=True, empty_post=400),
    "monitoring:inspectorate": Sector((SectorRole.INSPECTOR,)),
    "monitoring:inspectorate_board": Sector((SectorRole.INSPECTOR,)),
    "incidents:register": OnBoard(Action.VIEW_INCIDENTS),
    "incidents:report": OnBoard(Action.REPORT_INCIDENT),
    "incidents:reported": OnBoard(Action.REPORT_INCIDENT),
    "incidents:incident": OnBoard(Action.VIEW_INCIDENTS),
    "incidents:edit": OnBoard(Action.VIEW_INCIDENTS),
    "incidents:decision": OnBoard(Action.VIEW_INCIDENTS),
    "incidents:make_measure": OnBoard(Action.VIEW_INCIDENTS, post_only=True, also=Action.EDIT),
    "incidents:handoff_txt": OnBoard(Action.VIEW_INCIDENTS),
    "incidents:handoff_json": OnBoard(Action.VIEW_INCIDENTS),
    "monitoring:incident_counts": Sector((SectorRole.PROGRAMME_ANALYST,)),
    "exports:board_download": OnBoard(Action.EXPORT_BOARD),
    "exports:restore": Sector((SectorRole.PLATFORM_ADMIN,)),
    "exports:restore_confirm": Sector((SectorRole.PLATFORM_ADMIN,), post_only=True),
    "platform_frameworks:index": Sector((SectorRole.PLATFORM_ADMIN,)),
    "platform_frameworks:confirm": Sector((SectorRole.PLATFORM_ADMIN,), post_only=True),
}
# Third-party URL sets with their own access rules: sign-in and account self-service
# (django-allauth, under accounts/) and Django's admin (staff only).
THIRD_PARTY_URLCONFS = ("allauth.urls",)


def is_third_party(entry):
    if not isinstance(entry, URLResolver):
        return False
    module = getattr(entry.urlconf_name, "__name__", "")
    return module in THIRD_PARTY_URLCONFS or entry.app_name == "admin"


def all_patterns(resolver=None, namespace=""):
    """(name, pattern) for every URL of ours, leaving out allauth's and the admin's."""
    for entry in (resolver or get_resolver()).url_patterns:
        if is_third_party(entry):
            continue
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from all_patterns(entry, inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}" if entry.name else None, entry


def test_every_url_has_an_access_rule():
    ours = {name for name, pattern in all_patterns()}

    assert None not in ours, "every URL pattern of ours needs a name"
    assert sorted(ours - set(ACCESS)) == [], "add these URLs to ACCESS"
    assert sorted(set(ACCESS) - ours) == [], "remove these stale entries from ACCESS"


@pytest.fixture
def world(db, settings, tmp_path):
    """Two boards with a person in every role, a sector person in every role, an outsider."""
    boards = {
        "a": Board.objects.create(name="Stichting A", bg_number="41001"),
        "b": Board.objects.create(name="Stichting B", bg_number="41002"),
    }
    members = {}
    for key, board in boards.items():
        for role in BoardRole.values:
            user = UserFactory.create(email=f"{role}@{key}.example.nl")
            Membership.objects.create(user=user, board=board, role=role)
            members[key, role] = user
    sector = {}
    world_group = Group.objects.create(name="Regio Test")
    # Board A shares its results in a second group, which boards:group_leave does not touch.
    shared_group = Group.objects.create(name="Regio Samen")
    shared_group.memberships.create(board=boards["a"], shares_named_results=True)
    for role in SectorRole.values:
        user = UserFactory.create(email=f"{role}@sector.example.nl")
        group = world_group if role == SectorRole.REGIONAL_COORDINATOR else None
        SectorAssignment.objects.create(user=user, role=role, group=group)
        sector[role] = user
    # Targets of the deactivate URLs, so that no role-holder loses their access mid-test.
    target = Membership.objects.create(
        user=UserFactory.create(email="vertrekker@a.example.nl"),
        board=boards["a"],
        role="contributor",
    )
    leaver = UserFactory.create(email="oud-account@example.nl")
    version = import_document(framework_doc())
    coordinator = members["a", BoardRole.COORDINATOR]
    coordinator_access = access_board(user=coordinator, board_id=boards["a"].pk, action=Action.VIEW)
    assessment = assessment_start(
        access=coordinator_access, actor=coordinator, framework_version=version, period="2026"
    )
    # Removed evidence stays downloadable, so the remove URL can go first for every role.
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    evidence = evidence_add_file(
        access=coordinator_access,
        actor=coordinator,
        score=assessment.scores.select_related("norm").get(norm__code="GO.01"),
        upload=SimpleUploadedFile("beleid.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    plan = plan_world(boards["a"], members, version)
    # Approved, so the supervisor (who sees approved paragraphs only) gets 200 as well.
    annual = annual_report_draft(access=coordinator_access, actor=coordinator, year=2024)
    annual_report_approve(
        access=access_board(user=members["a", BoardRole.EXECUTIVE], board_id=boards["a"].pk),
        actor=members["a", BoardRole.EXECUTIVE],
        report=annual,
    )
    return {
        "boards": boards,
        "members": members,
        "sector": sector,
        "kwargs": {
            "board_id": boards["a"].pk,
            "membership_id": target.pk,
            "user_id": leaver.pk,
            "slug": "normenkader-ibp-fo",
            "version": "2024.1",
            "code": "GO.01",
            "token": "onbekend",
            "group_id": world_group.pk,
            "shared_group_id": shared_group.pk,
            "assessment_id": assessment.pk,
            "evidence_id": evidence.pk,
            **plan,
            "annual_id": annual.pk,
            "issued_id": issued_report(boards["a"], coordinator, assessment).pk,
            **monitoring_world(boards["a"], members, sector, assessment),
            **incident_world(boards["a"], members),
        },
    }


def plan_world(board, members, version):
    """A measure, a suggestion, an accepted risk and an approved version on board A."""
    executive = members["a", BoardRole.EXECUTIVE]
    coordinator = members["a", BoardRole.COORDINATOR]
    go01 = version.norms.get(code="GO.01")
    measure = measure_create(
        access=access_board(user=coordinator, board_id=board.pk),
        actor=coordinator,
        data=MeasureData(
            title="Beleid vaststellen",
            description="",
            owner_id=coordinator.pk,
            start_date=None,
            due_date=datetime.date(2028, 6, 30),
            status="planned",
            effort_days=None,
            cost_euros=None,
            priority="medium",
        ),
        links={go01.pk: 3},
    )
    risk = risk_accept(
        access=access_board(user=executive, board_id=board.pk),
        actor=executive,
        norm=version.norms.get(code="GO.02"),
        reason="Eerst de basis.",
        review_date=timezone.localdate() + datetime.timedelta(days=90),
    )
    PlanVersion.objects.create(
        board=board,
        number=1,
        deadline=datetime.date(2030, 12, 31),
        approved_by=executive,
        snapshot={"measures": [], "gaps": [], "accepted_risks": []},
    )
    return {
        "measure_id": measure.pk,
        "example_id": go01.example_measures.first().pk,
        "risk_id": risk.pk,
        "number": 1,
    }


def issued_report(board, coordinator, assessment):
    """A report issued for a meeting, made directly (the evaluation stays a draft above)."""
    content = b"%PDF-1.7\n%%EOF\n"
    issued = IssuedReport(
        board=board,
        meeting_date=datetime.date(2026, 12, 3),
        meeting_name="Vergadering raad van toezicht",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        pages=1,
        assessment=assessment,
        drawn_up_on=datetime.date(2026, 11, 2),
        issued_by=coordinator,
    )
    issued.file.save("report.pdf", ContentFile(content), save=False)
    issued.save()
    return issued


def monitoring_world(board, members, sector, assessment):
    """An open round and a submission of board A with one consent, to withdraw."""
    round_ = round_open(
        actor=sector[SectorRole.PROGRAMME_ANALYST],
        name="Meetronde 2026",
        framework_version=assessment.framework_version,
        period="2026",
        sectors=["PO"],
    )
    executive = members["a", BoardRole.EXECUTIVE]
    # Made directly: the evaluation stays a draft for the assessment URLs above.
    submission = Submission.objects.create(
        round=round_,
        board=board,
        assessment=assessment,
        submitted_by=executive,
        sectors=["PO"],
        size_class="small",
        signature="all=|size=small",
        has_approved_plan=False,
        open_gaps=0,
        overdue_measures=0,
        projection="on_track",
    )
    consent = Consent.objects.create(
        submission=submission, audience="support", granted_by=executive
    )
    # A published release 1 (its number is the plan version's above too).
    Release.objects.create(
        round=round_,
        number=1,
        status=ReleaseStatus.PUBLISHED,
        requested_by=sector[SectorRole.PROGRAMME_ANALYST],
        as_of=timezone.now(),
    )
    return {
        "round_id": round_.pk,
        "consent_id": consent.pk,
        "service": "school_cert",
        "kind": "csv",
    }


# A URL whose converter needs another object of the world than the one of the same name.
WORLD_KWARG = {("monitoring:board_group", "group_id"): "shared_group_id"}


def incident_world(board, members):
    """A breach on board A with a linked norm and lessons, so a measure can be made from it."""
    reporter = members["a", BoardRole.CONTRIBUTOR]
    incident = incident_report(
        access=access_board(user=reporter, board_id=board.pk, action=Action.REPORT_INCIDENT),
        actor=reporter,
        data=ReportData(
            kind="breach",
            title="Laptop gestolen",
            occurred_at=None,
            became_aware_at=timezone.now(),
            description="Een laptop met leerlinggegevens is gestolen.",
            data_kinds=("pupil_records",),
            subjects={"pupils": 30},
            consequences="",
            measures_taken="",
        ),
    )
    Incident.objects.filter(pk=incident.pk).update(lessons="Laptops versleutelen.")
    incident.norms.set(Norm.objects.filter(code="GO.01"))
    # The breach told the board's privacy officer and coordinator.
    notification = Notification.objects.filter(event__object_id=str(incident.pk)).first()
    assert notification is not None
    return {"incident_id": incident.pk, "notification_id": notification.pk}


def url_for(name, pattern, kwargs):
    needed = {key: kwargs[WORLD_KWARG.get((name, key), key)] for key in pattern.pattern.converters}
    return reverse(name, kwargs=needed)


def board_scoped():
    for name, pattern in all_patterns():
        rule = ACCESS.get(name)
        if isinstance(rule, OnBoard):
            yield name, pattern, rule


def request(client, url, rule):
    return client.post(url) if rule.post_only else client.get(url)


def test_a_member_of_another_board_gets_404_on_every_board_url(client, world):
    for role in BoardRole.values:
        client.force_login(world["members"]["b", role])
        for name, pattern, _rule in board_scoped():
            url = url_for(name, pattern, world["kwargs"])
            assert client.get(url).status_code in (404, 405), (role, url)
            assert client.post(url).status_code == 404, (role, url)


def test_sector_roles_never_reach_board_urls(client, world):
    for role, user in world["sector"].items():
        client.force_login(user)
        for name, pattern, rule in board_scoped():
            url = url_for(name, pattern, world["kwargs"])
            assert request(client, url, rule).status_code == 404, (role, url)


def test_each_board_role_gets_exactly_what_the_matrix_allows(client, world):
    for role in BoardRole.values:
        for name, pattern, rule in board_scoped():
            client.force_login(world["members"]["a", role])
            url = url_for(name, pattern, world["kwargs"])
            status = request(client, url, rule).status_code
            if may(role, rule.action) and (rule.also is None or may(role, rule.also)):
                assert status in (200, 302, rule.empty_post), (role, url, status)
            else:
                assert status == 403, (role, url, status)


def test_signed_out_visitors_are_sent_to_sign_in_for_every_non_public_url(client, world):
    for name, pattern in all_patterns():
        rule = ACCESS.get(name)
        if rule is None or isinstance(rule, Public):
            continue
        url = url_for(name, pattern, world["kwargs"])
        response = request(client, url, rule)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url


def test_sector_pages_are_for_their_roles_only(client, world):
    people = {
        **{f"board {role}": world["members"]["a", role] for role in BoardRole.values},
        **{str(role): user for role, user in world["sector"].items()},
    }
    for name, pattern in all_patterns():
        rule = ACCESS.get(name)
        if not isinstance(rule, Sector):
            continue
        url = url_for(name, pattern, world["kwargs"])
        for label, user in people.items():
            client.force_login(user)
            status = request(client, url, rule).status_code
            allowed = any(
                assignment.role in rule.roles for assignment in user.sector_assignments.all()
            )
            assert (status in (200, 302)) if allowed else status == 403, (label, url, status)


def test_an_invitation_token_of_one_board_cannot_be_guessed_from_another(client, world):
    issued = invitation_create(
        actor=world["members"]["a", BoardRole.COORDINATOR],
        board=world["boards"]["a"],
        email="nieuw@a.example.nl",
        role=BoardRole.CONTRIBUTOR,
    )

    assert client.get(reverse("boards:invitation", args=["x" + issued.token])).status_code == 410
    assert client.get(reverse("boards:invitation", args=[issued.token])).status_code == 200

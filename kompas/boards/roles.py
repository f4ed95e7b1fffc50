"""Roles and what each may do: the one permission matrix of the product (BRIEF 3).

Board roles hold on one board through a Membership; sector roles hold across boards through a
SectorAssignment and never reach board content through the board access layer (the monitoring
capability gives them their own, disclosure-controlled views).
"""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class BoardRole(models.TextChoices):
    EXECUTIVE = "executive", _("Executive")
    COORDINATOR = "coordinator", _("IBP coordinator")
    CONTRIBUTOR = "contributor", _("Contributor")
    PRIVACY_OFFICER = "privacy_officer", _("Privacy officer")
    SUPERVISOR = "supervisor", _("Supervisory board member")
    AUDITOR = "auditor", _("Auditor")


class SectorRole(models.TextChoices):
    PROGRAMME_ANALYST = "programme_analyst", _("Programme analyst")
    REGIONAL_COORDINATOR = "regional_coordinator", _("Regional coordinator")
    INSPECTOR = "inspector", _("Inspector")
    PLATFORM_ADMIN = "platform_admin", _("Platform administrator")


class Action(StrEnum):
    """Things a member can do on their board; views and services ask for one of these."""

    VIEW_REPORTS = "view_reports"  # dashboards and approved reports
    VIEW = "view"  # all of the board's content
    VIEW_EVIDENCE = "view_evidence"
    COMMENT = "comment"  # remarks and review notes
    EDIT = "edit"  # scores, measures, plans (contributors: as the coordinator allows)
    REPORT_INCIDENT = "report_incident"
    VIEW_INCIDENTS = "view_incidents"
    APPROVE = "approve"  # self-evaluations, plans, reports
    ISSUE_REPORTS = "issue_reports"  # the supervisory-board report, kept as issued for a meeting
    ACCEPT_RISK = "accept_risk"
    PROPOSE_RISK = "propose_risk"  # ask the executive to accept a risk
    MANAGE_MEMBERS = "manage_members"
    MANAGE_BOARD = "manage_board"  # schools, groups joined
    VIEW_AUDIT = "view_audit"
    EXPORT_BOARD = "export_board"  # download the board's complete data (docs/board-export.md)


_READ_ALL = {Action.VIEW_REPORTS, Action.VIEW, Action.VIEW_EVIDENCE}

ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    BoardRole.EXECUTIVE: frozenset(
        {
            *_READ_ALL,
            Action.COMMENT,
            Action.REPORT_INCIDENT,
            Action.VIEW_INCIDENTS,
            Action.APPROVE,
            Action.ACCEPT_RISK,
            Action.VIEW_AUDIT,
        }
    ),
    BoardRole.COORDINATOR: frozenset(
        {
            *_READ_ALL,
            Action.COMMENT,
            Action.EDIT,
            Action.PROPOSE_RISK,
            Action.REPORT_INCIDENT,
            Action.VIEW_INCIDENTS,
            Action.ISSUE_REPORTS,
            Action.MANAGE_MEMBERS,
            Action.MANAGE_BOARD,
            Action.VIEW_AUDIT,
            Action.EXPORT_BOARD,
        }
    ),
    BoardRole.CONTRIBUTOR: frozenset(
        {*_READ_ALL, Action.COMMENT, Action.EDIT, Action.REPORT_INCIDENT}
    ),
    BoardRole.PRIVACY_OFFICER: frozenset(
        {
            *_READ_ALL,
            Action.COMMENT,
            Action.REPORT_INCIDENT,
            Action.VIEW_INCIDENTS,
            Action.VIEW_AUDIT,
        }
    ),
    BoardRole.SUPERVISOR: frozenset({Action.VIEW_REPORTS}),
    BoardRole.AUDITOR: frozenset({*_READ_ALL, Action.COMMENT}),
}

# Roles that can change or approve data, and every sector role, sign in with a second factor
# when REQUIRE_MFA is on.
MFA_BOARD_ROLES = frozenset({BoardRole.EXECUTIVE, BoardRole.COORDINATOR, BoardRole.PRIVACY_OFFICER})


def may(role: str, action: Action) -> bool:
    return action in ROLE_ACTIONS.get(role, frozenset())

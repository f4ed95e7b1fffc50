"""A person's deadlines as an iCalendar feed, behind a secret address (docs/notifications.md).

The feed holds, for every board the person is an active member of: the AP decision deadline of
each breach still undecided (for the roles that keep the register), the due date of each open
measure they own, the closing date of each open round their board can submit to (for the
executive), and the programme's milestones: a plan for every norm by the end of 2027, every
norm met by the plan's deadline. Its queries do not grow with the number of boards.
"""

import datetime
import hashlib
import secrets
from collections import defaultdict

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from kompas.accounts.models import User
from kompas.boards.access import active_memberships
from kompas.boards.models import BoardSector
from kompas.boards.roles import Action, may
from kompas.incidents.clock import decision_deadline
from kompas.incidents.models import Incident, IncidentKind, NotifyDecision
from kompas.monitoring.models import MonitoringRound, RoundStatus
from kompas.notifications.models import CalendarFeed
from kompas.plans.models import OPEN_STATUSES, Measure, Plan, default_deadline


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_renew(*, user: User) -> str:
    """A new secret token for the person's feed; the old address stops working. Shown once."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(user=user, defaults={"token_hash": token_hash(token)})
    return token


def feed_for_token(token: str) -> CalendarFeed | None:
    """The feed a token opens, recording its use; None for an unknown or renewed token."""
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=token_hash(token), user__is_active=True)
        .first()
    )
    if feed is not None:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    return feed


def _all_day(calendar: Calendar, uid: str, day: datetime.date, summary: str, url: str) -> None:
    event = Event()
    event.add("uid", f"{uid}@ibp-kompas")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", day)
    event.add("dtend", day + datetime.timedelta(days=1))
    event.add("summary", summary)
    event.add("url", settings.SITE_URL + url)
    calendar.add_component(event)


def calendar_bytes(*, user: User) -> bytes:
    """The person's deadlines as an .ics file, in Dutch."""
    memberships = list(active_memberships(user))
    boards = {m.board_id: m.board for m in memberships}
    keeps_register = [m.board_id for m in memberships if may(m.role, Action.VIEW_INCIDENTS)]
    executive_of = [m.board_id for m in memberships if may(m.role, Action.APPROVE)]
    calendar = Calendar()
    calendar.add("prodid", "-//IBP-Kompas//deadlines//NL")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "IBP-Kompas")
    with translation.override(settings.LANGUAGE_CODE):
        for incident in Incident.objects.filter(
            board__in=keeps_register,
            kind=IncidentKind.BREACH,
            notify_decision=NotifyDecision.UNDECIDED,
        ).order_by("became_aware_at", "pk"):
            event = Event()
            deadline = decision_deadline(incident.became_aware_at)
            event.add("uid", f"incident-{incident.pk}@ibp-kompas")
            event.add("dtstamp", timezone.now())
            event.add("dtstart", deadline - datetime.timedelta(minutes=30))
            event.add("dtend", deadline)
            event.add(
                "summary",
                _("%(board)s: AP decision on breach %(number)s due")
                % {"board": boards[incident.board_id].name, "number": incident.number},
            )
            event.add(
                "url",
                settings.SITE_URL
                + reverse("incidents:incident", args=[incident.board_id, incident.pk]),
            )
            calendar.add_component(event)
        for measure in Measure.objects.filter(
            board__in=boards, owner=user, status__in=OPEN_STATUSES
        ).order_by("due_date", "pk"):
            _all_day(
                calendar,
                f"measure-{measure.pk}",
                measure.due_date,
                _("%(board)s: measure “%(title)s” due")
                % {"board": boards[measure.board_id].name, "title": measure.title},
                reverse("plans:measure", args=[measure.board_id, measure.pk]),
            )
        sector_codes: dict[int, list[str]] = defaultdict(list)
        for board_id, sector in BoardSector.objects.filter(board__in=executive_of).values_list(
            "board", "sector"
        ):
            sector_codes[board_id].append(sector)
        open_rounds = MonitoringRound.objects.filter(
            status=RoundStatus.OPEN, closes_on__isnull=False
        ).order_by("closes_on", "pk")
        for round_ in open_rounds:
            sectors, closes_on = set(round_.sectors), round_.closes_on
            assert closes_on is not None  # filtered above
            for board_id in executive_of:
                board = boards[board_id]
                if sectors & set(sector_codes.get(board_id, ())):
                    _all_day(
                        calendar,
                        f"round-{round_.pk}-board-{board_id}",
                        closes_on,
                        _("%(board)s: monitoring round %(round)s closes")
                        % {"board": board.name, "round": round_.name},
                        reverse("monitoring:board_rounds", args=[board_id]),
                    )
        deadlines = dict(Plan.objects.filter(board__in=boards).values_list("board", "deadline"))
        for board_id, board in sorted(boards.items(), key=lambda item: item[1].name):
            _all_day(
                calendar,
                f"plan-milestone-{board_id}",
                settings.MONITORING_PLAN_DEADLINE,
                _("%(board)s: a worked-out plan for every norm") % {"board": board.name},
                reverse("plans:plan", args=[board_id]),
            )
            _all_day(
                calendar,
                f"meets-milestone-{board_id}",
                deadlines.get(board_id, default_deadline()),
                _("%(board)s: every norm met") % {"board": board.name},
                reverse("reports:dashboard", args=[board_id]),
            )
    return calendar.to_ical()

"""What a valid incident is: the data a form hands over, and the rules it must meet.

Each rule answers with a message per field, so a form shows it where the problem is; free text is
checked for what looks like personal data (personal_data.py) and refused naming the field and
what was found, never the value. The services (services.py) run these before they write.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.text import capfirst, get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kompas.boards.access import BoardAccess
from kompas.incidents.clock import decision_deadline
from kompas.incidents.models import (
    DataKind,
    Incident,
    IncidentKind,
    IncidentStatus,
    NotifyDecision,
    Risk,
    SubjectCategory,
    SubjectsInformed,
)
from kompas.incidents.personal_data import ALL_KINDS, Kind, kinds_found
from kompas.incidents.selectors import linkable_norms

# Reported times may run a little ahead of the server's clock; more is a typing error.
CLOCK_SKEW = datetime.timedelta(minutes=5)
MAX_SUBJECTS = 10_000_000

# Free text checked for personal data, and the kinds looked for. References are numbers given
# by others (the AP, School-CERT): nine digits there may be theirs, so no BSN check.
FREE_TEXT = {
    "title": ALL_KINDS,
    "description": ALL_KINDS,
    "consequences": ALL_KINDS,
    "measures_taken": ALL_KINDS,
    "lessons": ALL_KINDS,
    "subjects_not_informed_reason": ALL_KINDS,
    "not_notified_reason": ALL_KINDS,
    "delay_reason": ALL_KINDS,
    "notification_reference": frozenset({Kind.EMAIL, Kind.PHONE}),
    "school_cert_reference": frozenset({Kind.EMAIL, Kind.PHONE}),
}
FOUND = {
    Kind.EMAIL: gettext_lazy("an e-mail address"),
    Kind.PHONE: gettext_lazy("a phone number"),
    Kind.BSN: gettext_lazy("a citizen service number (BSN)"),
}


@dataclass(frozen=True)
class ReportData:
    """What anyone on the board can report."""

    kind: str
    title: str
    occurred_at: datetime.datetime | None
    became_aware_at: datetime.datetime
    description: str
    data_kinds: tuple[str, ...]
    subjects: dict[str, int]
    consequences: str
    measures_taken: str


@dataclass(frozen=True)
class IncidentData(ReportData):
    """The whole incident, as the coordinator, executive or privacy officer keep it."""

    risk: str
    subjects_informed: str
    subjects_informed_on: datetime.date | None
    subjects_not_informed_reason: str
    school_cert_involved: bool
    school_cert_reference: str
    status: str
    lessons: str
    norm_ids: tuple[int, ...]


@dataclass(frozen=True)
class DecisionData:
    """The decision on notifying the Autoriteit Persoonsgegevens."""

    decision: str
    notified_at: datetime.datetime | None
    reference: str
    not_notified_reason: str
    delay_reason: str


def personal_data_message(field: str, kinds: list[Kind]) -> str:
    """The refusal for a field in which personal data was found; it names what, not the value."""
    label = capfirst(Incident._meta.get_field(field).verbose_name)  # type: ignore[union-attr]
    found = get_text_list([str(FOUND[kind]) for kind in kinds], _("and"))
    return _(
        "%(field)s contains what looks like %(found)s. Please remove it: describe people by "
        "category and approximate number (for example “two pupils”), never by name, e-mail "
        "address, phone number or citizen service number."
    ) % {"field": label, "found": found}


def personal_data_errors(values: dict[str, str]) -> dict[str, str]:
    errors = {}
    for name, text in values.items():
        found = kinds_found(text, kinds=FREE_TEXT[name])
        if found:
            errors[name] = personal_data_message(name, found)
    return errors


def not_later_than_now(moment: datetime.datetime | None, now: datetime.datetime) -> bool:
    return moment is None or moment <= now + CLOCK_SKEW


def report_errors(data: ReportData, now: datetime.datetime) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.kind not in IncidentKind.values:
        errors["kind"] = _("Choose whether this is a security incident or a personal-data breach.")
    elif data.kind == IncidentKind.SECURITY and (data.data_kinds or any(data.subjects.values())):
        errors["kind"] = _("Personal data is involved: register this as a personal-data breach.")
    if not data.title.strip():
        errors["title"] = _("Give the incident a short title.")
    if not data.description.strip():
        errors["description"] = _("Describe what happened.")
    if not not_later_than_now(data.became_aware_at, now):
        errors["became_aware_at"] = _("The moment the board became aware lies in the future.")
    if not not_later_than_now(data.occurred_at, now):
        errors["occurred_at"] = _("The moment it happened lies in the future.")
    elif data.occurred_at and data.occurred_at > data.became_aware_at:
        errors["occurred_at"] = _("It cannot have happened after the board became aware of it.")
    if set(data.data_kinds) - set(DataKind.values):
        errors["data_kinds"] = _("Choose the kinds of data from the list.")
    if set(data.subjects) - set(SubjectCategory.values) or any(
        not isinstance(count, int) or not 0 <= count <= MAX_SUBJECTS
        for count in data.subjects.values()
    ):
        errors["subjects"] = _(
            "Give approximate numbers of people from 0 to 10,000,000, per category."
        )
    texts = {
        "title": data.title,
        "description": data.description,
        "consequences": data.consequences,
        "measures_taken": data.measures_taken,
    }
    return errors | {k: v for k, v in personal_data_errors(texts).items() if k not in errors}


def detail_errors(
    access: BoardAccess, data: IncidentData, current: Incident | None, now: datetime.datetime
) -> dict[str, str]:
    errors = report_errors(data, now) | _informed_errors(data, now)
    if data.risk not in Risk.values:
        errors["risk"] = _("Choose a risk assessment.")
    if data.school_cert_reference.strip() and not data.school_cert_involved:
        errors["school_cert_reference"] = _(
            "Tick “School-CERT involved”, or leave the reference empty."
        )
    if data.status not in IncidentStatus.values:
        errors["status"] = _("Choose a status.")
    elif data.status == IncidentStatus.CLOSED and data.kind == IncidentKind.BREACH:
        missing = _closing_gaps(data, current)
        if missing:
            errors["status"] = _("A breach can be closed once %(missing)s.") % {
                "missing": get_text_list(missing, _("and"))
            }
    if (
        current is not None
        and current.notify_decision == NotifyDecision.NOTIFIED
        and data.kind != IncidentKind.BREACH
    ):
        errors["kind"] = _(
            "This breach was notified to the Autoriteit Persoonsgegevens; it stays a breach."
        )
    allowed = set(linkable_norms(board=access.board).values_list("pk", flat=True))
    if set(data.norm_ids) - allowed:
        errors["norms"] = _("Link only norms of the framework this board evaluates against.")
    texts = {
        "lessons": data.lessons,
        "subjects_not_informed_reason": data.subjects_not_informed_reason,
        "school_cert_reference": data.school_cert_reference,
    }
    return errors | {k: v for k, v in personal_data_errors(texts).items() if k not in errors}


def _informed_errors(data: IncidentData, now: datetime.datetime) -> dict[str, str]:
    """Art. 34: informed on a date, not informed for a reason, or not required (no high risk)."""
    informed = data.subjects_informed
    if informed not in SubjectsInformed.values:
        return {"subjects_informed": _("Choose whether the people involved were informed.")}
    if informed == SubjectsInformed.INFORMED:
        if data.subjects_informed_on is None:
            return {"subjects_informed_on": _("Give the date the people were informed.")}
        if data.subjects_informed_on > timezone.localdate(now):
            return {"subjects_informed_on": _("The date they were informed lies in the future.")}
    if informed == SubjectsInformed.NOT_INFORMED and not data.subjects_not_informed_reason.strip():
        return {
            "subjects_not_informed_reason": _("Explain why the people involved were not informed.")
        }
    if informed == SubjectsInformed.NOT_REQUIRED and data.risk == Risk.HIGH_RISK:
        return {
            "subjects_informed": _(
                "With a high risk the people involved must be informed (art. 34), unless an "
                "exception applies: then choose “not informed” and give the reason."
            )
        }
    return {}


def _closing_gaps(data: IncidentData, current: Incident | None) -> list[str]:
    missing = []
    if current is None or current.notify_decision == NotifyDecision.UNDECIDED:
        missing.append(_("the decision on notifying the Autoriteit Persoonsgegevens is recorded"))
    if data.risk == Risk.NOT_ASSESSED:
        missing.append(_("the risk is assessed"))
    if data.subjects_informed == SubjectsInformed.UNDECIDED:
        missing.append(_("it is recorded whether the people involved were informed"))
    if not data.data_kinds or not data.subjects:
        missing.append(_("the kinds of data and the people involved are recorded"))
    return missing


def decision_errors(
    incident: Incident, data: DecisionData, now: datetime.datetime
) -> dict[str, str]:
    if not incident.is_breach:
        return {"decision": _("Only a personal-data breach is notified to the AP.")}
    errors: dict[str, str] = {}
    if data.decision == NotifyDecision.NOTIFIED:
        errors = _notification_errors(incident, data, now)
    elif data.decision == NotifyDecision.NOT_NOTIFIED:
        if not data.not_notified_reason.strip():
            errors["not_notified_reason"] = _("Explain why the breach was not notified.")
        if incident.risk in (Risk.RISK, Risk.HIGH_RISK):
            errors["decision"] = _(
                "The breach is assessed as a risk to the people involved, so it must be "
                "notified (art. 33). Change the risk assessment first, or record the "
                "notification."
            )
        elif incident.risk == Risk.NOT_ASSESSED:
            errors["decision"] = _(
                "Assess the risk first: a breach may go unnotified only when it is unlikely "
                "to result in a risk to the people involved."
            )
    else:
        errors["decision"] = _("Choose whether the breach was notified.")
    texts = {
        "notification_reference": data.reference,
        "not_notified_reason": data.not_notified_reason,
        "delay_reason": data.delay_reason,
    }
    found = personal_data_errors(texts)
    if "notification_reference" in found:
        found["reference"] = found.pop("notification_reference")
    return errors | {k: v for k, v in found.items() if k not in errors}


def _notification_errors(
    incident: Incident, data: DecisionData, now: datetime.datetime
) -> dict[str, str]:
    """Notified: when (not ahead of now, not before awareness, late only with a reason), and
    the AP's reference."""
    errors: dict[str, str] = {}
    if not data.reference.strip():
        errors["reference"] = _("Give the reference the AP gave the notification.")
    if data.notified_at is None:
        errors["notified_at"] = _("Give the date and time of the notification.")
    elif not not_later_than_now(data.notified_at, now):
        errors["notified_at"] = _("The notification lies in the future.")
    elif data.notified_at < incident.became_aware_at:
        errors["notified_at"] = _(
            "The notification lies before the board became aware of the breach."
        )
    elif data.notified_at > decision_deadline(incident.became_aware_at) and not (
        data.delay_reason.strip()
    ):
        errors["delay_reason"] = _(
            "The notification came after the 72 hours: give the reason for the delay (art. 33(1))."
        )
    return errors

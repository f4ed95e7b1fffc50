"""The hand-off summary for School-CERT: an incident's facts without personal data.

What goes in is chosen field by field (HANDOFF_KEYS, docs/incidents.md): numbers, codes, times
and the measures taken. Left out on purpose: who reported and who decided (names, e-mail
addresses), the description, consequences and lessons (free text that may describe people in
ways the personal-data check cannot see), and the AP's reference. Times are ISO 8601 on the
Dutch wall clock with their offset, so the moment is exact and readable.
"""

import datetime
import json
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kompas.incidents.clock import local
from kompas.incidents.models import (
    DataKind,
    Incident,
    IncidentKind,
    IncidentStatus,
    NotifyDecision,
    Risk,
    SubjectCategory,
)

FORMAT = "ibp-kompas-school-cert-handoff"
FORMAT_VERSION = 1
HANDOFF_KEYS = (
    "format",
    "format_version",
    "generated_at",
    "board",
    "incident",
    "kind",
    "occurred_at",
    "became_aware_at",
    "ap_decision_due",
    "ap_decision",
    "data_kinds",
    "data_subjects",
    "risk",
    "status",
    "measures_taken",
    "norms",
    "school_cert_reference",
)
TEXT_LANGUAGE = "nl"  # School-CERT works in Dutch, whatever the sender's interface language


def moment(value: datetime.datetime | None) -> str | None:
    return local(value).isoformat(timespec="seconds") if value else None


def handoff_document(*, incident: Incident, now: datetime.datetime | None = None) -> dict[str, Any]:
    """The hand-off as a dictionary with exactly the keys of HANDOFF_KEYS."""
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "generated_at": moment(now or timezone.now()),
        "board": {"name": incident.board.name, "bg_number": incident.board.bg_number},
        "incident": incident.number,
        "kind": incident.kind,
        "occurred_at": moment(incident.occurred_at),
        "became_aware_at": moment(incident.became_aware_at),
        "ap_decision_due": moment(incident.deadline),
        "ap_decision": incident.notify_decision if incident.is_breach else None,
        "data_kinds": [code for code in DataKind.values if code in incident.data_kinds],
        "data_subjects": {
            code: incident.subjects[code]
            for code in SubjectCategory.values
            if code in incident.subjects
        },
        "risk": incident.risk,
        "status": incident.status,
        "measures_taken": incident.measures_taken,
        "norms": sorted(norm.code for norm in incident.norms.all()),
        "school_cert_reference": incident.school_cert_reference or None,
    }
    assert tuple(document) == HANDOFF_KEYS  # the documented format, key for key
    return document


def handoff_json(*, incident: Incident, now: datetime.datetime | None = None) -> str:
    document = handoff_document(incident=incident, now=now)
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def handoff_text(*, incident: Incident, now: datetime.datetime | None = None) -> str:
    """The same facts as plain text, in Dutch, to paste into an e-mail or a ticket."""
    document = handoff_document(incident=incident, now=now)
    with translation.override(TEXT_LANGUAGE):
        labels = {
            "kind": dict(IncidentKind.choices),
            "risk": dict(Risk.choices),
            "status": dict(IncidentStatus.choices),
            "decision": dict(NotifyDecision.choices),
            "data": dict(DataKind.choices),
            "subjects": dict(SubjectCategory.choices),
        }
        none = _("not known")
        lines = [
            _("Hand-off to School-CERT"),
            "",
            f"{_('Board')}: {document['board']['name']} ({document['board']['bg_number']})",
            f"{_('Incident')}: {document['incident']}",
            f"{_('Kind')}: {labels['kind'][document['kind']]}",
            f"{_('Happened at')}: {document['occurred_at'] or none}",
            f"{_('Board became aware at')}: {document['became_aware_at']}",
        ]
        if incident.is_breach:
            lines += [
                f"{_('AP decision due by')}: {document['ap_decision_due']}",
                f"{_('AP decision')}: {labels['decision'][document['ap_decision']]}",
            ]
        kinds = [str(labels["data"][code]) for code in document["data_kinds"]]
        subjects = [
            f"{labels['subjects'][code]}: ~{count}"
            for code, count in document["data_subjects"].items()
        ]
        lines += [
            f"{_('Kinds of personal data')}: {', '.join(kinds) or '-'}",
            f"{_('People involved (approximately)')}: {', '.join(subjects) or '-'}",
            f"{_('Risk')}: {labels['risk'][document['risk']]}",
            f"{_('Status')}: {labels['status'][document['status']]}",
            f"{_('Linked norms')}: {', '.join(document['norms']) or '-'}",
            f"{_('School-CERT reference')}: {document['school_cert_reference'] or '-'}",
            "",
            f"{_('Measures taken')}:",
            document["measures_taken"] or "-",
            "",
            f"{_('Generated at')}: {document['generated_at']}",
            _("Contains no personal data: people are given as categories and approximate numbers."),
        ]
    return "\n".join(str(line) for line in lines) + "\n"

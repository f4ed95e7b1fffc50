"""The incident register in the board document: written, checked and restored.

An incident travels with everything it holds: its facts, the AP decision, art. 34, the
School-CERT hand-off reference, its lessons, the norms it is linked to (by framework, version
and code) and the plan measures made from its lessons (by the document's measure id, the one
`plan.measures` carries). Incidents are numbered per board; the numbers are kept.
"""

from typing import Any

from django.db.models import Prefetch

from kompas.boards.models import Board
from kompas.exports.document import (
    Checked,
    Exporting,
    JsonPath,
    PersonOf,
    Rows,
    canonical,
    create_rows,
    day,
    day_of,
    moment,
    moment_of,
    norm_key,
    norm_ref,
    when,
)
from kompas.frameworks.models import Norm
from kompas.incidents.models import Incident, IncidentMeasure, NotifyDecision
from kompas.plans.models import Measure

# The rows this section carries (the registry in board_export.py lists them).
MODELS = (Incident, Incident.norms.through, IncidentMeasure)


def export_incidents(context: Exporting) -> list[dict[str, Any]]:
    """The board's incidents by number, each with its linked norms and measures from lessons."""
    people = context.people
    incidents = (
        Incident.objects.filter(board=context.board)
        .select_related("reported_by", "updated_by", "decided_by")
        .prefetch_related(
            Prefetch("norms", queryset=Norm.objects.select_related("framework_version__framework"))
        )
        .order_by("number")
    )
    made: dict[int, list[IncidentMeasure]] = {}
    for link in (
        IncidentMeasure.objects.filter(incident__board=context.board)
        .select_related("created_by")
        .order_by("created_at", "pk")
    ):
        made.setdefault(link.incident_id, []).append(link)
    return [
        {
            "number": incident.number,
            "kind": incident.kind,
            "title": incident.title,
            "occurred_at": moment(incident.occurred_at),
            "became_aware_at": moment(incident.became_aware_at),
            "description": incident.description,
            "data_kinds": list(incident.data_kinds),
            "subjects": canonical(incident.subjects),
            "consequences": incident.consequences,
            "risk": incident.risk,
            "notify_decision": incident.notify_decision,
            "notified_at": moment(incident.notified_at),
            "notification_reference": incident.notification_reference,
            "not_notified_reason": incident.not_notified_reason,
            "delay_reason": incident.delay_reason,
            "decided_by": people.name(incident.decided_by),
            "decided_at": moment(incident.decided_at),
            "subjects_informed": incident.subjects_informed,
            "subjects_informed_on": day(incident.subjects_informed_on),
            "subjects_not_informed_reason": incident.subjects_not_informed_reason,
            "school_cert_involved": incident.school_cert_involved,
            "school_cert_reference": incident.school_cert_reference,
            "measures_taken": incident.measures_taken,
            "norms": sorted((norm_ref(norm) for norm in incident.norms.all()), key=norm_key),
            "status": incident.status,
            "lessons": incident.lessons,
            "reported_by": people.name(incident.reported_by),
            "created_at": moment(incident.created_at),
            "updated_by": people.name(incident.updated_by),
            "updated_at": moment(incident.updated_at),
            "revision": incident.revision,
            "plan_measures": [
                {
                    "measure": context.measure_ids[link.measure_id],
                    "lesson": link.lesson,
                    "created_by": people.name(link.created_by),
                    "created_at": moment(link.created_at),
                }
                for link in made.get(incident.pk, [])
            ],
        }
        for incident in incidents
    ]


def check_incidents(document: dict[str, Any], context: Checked) -> None:
    """The rules of the register a schema cannot express, each reported with its place."""
    incidents = document["incidents"]
    context.check_unique(incidents, ("number",), ("incidents",))
    measures = {measure["id"] for measure in document["plan"]["measures"]}
    used: set[int] = set()
    for index, incident in enumerate(incidents):
        path: JsonPath = ("incidents", index)
        occurred = incident["occurred_at"]
        if occurred is not None and moment_of(occurred) > moment_of(incident["became_aware_at"]):
            context.report((*path, "occurred_at"), "lies after the moment the board became aware")
        if incident["notify_decision"] == NotifyDecision.NOTIFIED and not (
            incident["notified_at"] and incident["notification_reference"].strip()
        ):
            context.report(
                (*path, "notify_decision"),
                "a notification to the AP has a date (notified_at) and a reference",
            )
        linked: set[tuple[str, ...]] = set()
        for number, ref in enumerate(incident["norms"]):
            context.check_norm(ref, (*path, "norms", number))
            if norm_key(ref) in linked:
                context.report((*path, "norms", number), "links the same norm twice")
            linked.add(norm_key(ref))
        for number, link in enumerate(incident["plan_measures"]):
            where: JsonPath = (*path, "plan_measures", number, "measure")
            if link["measure"] not in measures:
                context.report(where, f"no measure with id {link['measure']} under plan.measures")
            elif link["measure"] in used:
                context.report(where, f"measure {link['measure']} is made from two lessons")
            used.add(link["measure"])


def write_incidents(
    *,
    items: list[dict[str, Any]],
    context: Checked,
    board: Board,
    person: PersonOf,
    measures: dict[int, Measure],
) -> None:
    """Create the incidents as the document has them; `measures` by document id."""
    rows: Rows = [
        (
            Incident(
                board=board,
                number=item["number"],
                kind=item["kind"],
                title=item["title"],
                occurred_at=when(item["occurred_at"]),
                became_aware_at=moment_of(item["became_aware_at"]),
                description=item["description"],
                data_kinds=item["data_kinds"],
                subjects=item["subjects"],
                consequences=item["consequences"],
                risk=item["risk"],
                notify_decision=item["notify_decision"],
                notified_at=when(item["notified_at"]),
                notification_reference=item["notification_reference"],
                not_notified_reason=item["not_notified_reason"],
                delay_reason=item["delay_reason"],
                decided_by=person(item["decided_by"]),
                decided_at=when(item["decided_at"]),
                subjects_informed=item["subjects_informed"],
                subjects_informed_on=day_of(item["subjects_informed_on"]),
                subjects_not_informed_reason=item["subjects_not_informed_reason"],
                school_cert_involved=item["school_cert_involved"],
                school_cert_reference=item["school_cert_reference"],
                measures_taken=item["measures_taken"],
                status=item["status"],
                lessons=item["lessons"],
                reported_by=person(item["reported_by"]),
                updated_by=person(item["updated_by"]),
                updated_at=when(item["updated_at"]),
                revision=item["revision"],
            ),
            {"created_at": moment_of(item["created_at"])},
        )
        for item in items
    ]
    incidents = create_rows(Incident, rows)
    pairs = list(zip(items, incidents, strict=True))
    Incident.norms.through.objects.bulk_create(
        Incident.norms.through(incident_id=incident.pk, norm_id=context.norms[norm_key(ref)].pk)
        for item, incident in pairs
        for ref in item["norms"]
    )
    create_rows(
        IncidentMeasure,
        [
            (
                IncidentMeasure(
                    incident=incident,
                    measure=measures[link["measure"]],
                    lesson=link["lesson"],
                    created_by=person(link["created_by"]),
                ),
                {"created_at": moment_of(link["created_at"])},
            )
            for item, incident in pairs
            for link in item["plan_measures"]
        ],
    )
